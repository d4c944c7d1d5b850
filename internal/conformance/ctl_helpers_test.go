package conformance

// Helpers of the control-plane tests (CreateStream, DeleteStream, DescribeStream,
// ListStreams, ListShards, DescribeLimits, UpdateStreamMode, retention), prefixed "ctl".

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// ctlStatus returns a stream's status as DescribeStreamSummary reports it.
func ctlStatus(t *testing.T, c *kinesis.Client, name string) string {
	t.Helper()
	out, err := c.DescribeStreamSummary(t.Context(), &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
	if err != nil {
		t.Fatalf("DescribeStreamSummary %s: %v", name, err)
	}
	return string(out.StreamDescriptionSummary.StreamStatus)
}

// ctlStreamID returns a stream's StreamId, which names its shard logs ("<id>_<index>").
func ctlStreamID(t *testing.T, c *kinesis.Client, name string) string {
	t.Helper()
	out, err := c.DescribeStreamSummary(t.Context(), &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
	if err != nil {
		t.Fatalf("DescribeStreamSummary %s: %v", name, err)
	}
	return *out.StreamDescriptionSummary.StreamId
}

// ctlPoll calls cond until it is true or 10 s have passed.
func ctlPoll(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond) // polling interval, not a wait for state
	}
}

// ctlARN is the ARN of a stream in the default account and region.
func ctlARN(name string) string { return "arn:aws:kinesis:us-east-1:000000000000:stream/" + name }

// ctlIsCode reports whether err is an API error with the code.
func ctlIsCode(t *testing.T, err error, code string) bool {
	t.Helper()
	if err == nil {
		return false
	}
	c, _ := apiError(t, err)
	return c == code
}

// ctlIgnoreSDK ignores the SDK's unexported noSmithyDocumentSerde fields in comparisons.
var ctlIgnoreSDK = cmpopts.IgnoreUnexported(
	types.StreamDescription{}, types.Shard{}, types.HashKeyRange{}, types.SequenceNumberRange{},
	types.EnhancedMetrics{}, types.StreamModeDetails{}, types.StreamSummary{},
)
