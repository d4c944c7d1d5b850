package conformance

// Helpers of the tagging, monitoring, encryption, policy and settings tests, prefixed "set".

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

func setARN(name string) string { return "arn:aws:kinesis:us-east-1:000000000000:stream/" + name }

// setSummary returns a stream's DescribeStreamSummary.
func setSummary(t *testing.T, e *env, name string) *types.StreamDescriptionSummary {
	t.Helper()
	out, err := e.Client.DescribeStreamSummary(t.Context(), &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
	if err != nil {
		t.Fatalf("DescribeStreamSummary %s: %v", name, err)
	}
	return out.StreamDescriptionSummary
}

// setCreate creates a stream without waiting (for environments with a fake clock, where
// the stream is ACTIVE at once without StateDelay, or CREATING until the clock moves).
func setCreate(t *testing.T, e *env, name string, mode types.StreamMode) {
	t.Helper()
	in := &kinesis.CreateStreamInput{StreamName: aws.String(name)}
	if mode == types.StreamModeOnDemand {
		in.StreamModeDetails = &types.StreamModeDetails{StreamMode: mode}
	} else {
		in.ShardCount = aws.Int32(1)
	}
	if _, err := e.Client.CreateStream(t.Context(), in); err != nil {
		t.Fatalf("CreateStream %s: %v", name, err)
	}
}

// setTags lists a stream's tags as "k=v" strings in the order returned.
func setTags(t *testing.T, e *env, name string) []string {
	t.Helper()
	out, err := e.Client.ListTagsForStream(t.Context(), &kinesis.ListTagsForStreamInput{StreamName: aws.String(name)})
	if err != nil {
		t.Fatalf("ListTagsForStream %s: %v", name, err)
	}
	return setTagStrings(out.Tags)
}

func setTagStrings(tags []types.Tag) []string {
	out := []string{}
	for _, tg := range tags {
		out = append(out, aws.ToString(tg.Key)+"="+aws.ToString(tg.Value))
	}
	return out
}
