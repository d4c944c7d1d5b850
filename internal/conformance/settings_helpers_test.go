package conformance

// Helpers of the tagging, monitoring, encryption, policy and settings tests, prefixed "set".

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/smithy-go/middleware"
)

// setRaw removes the SDK's client-side check of required members, so that a request
// reaches the server with them missing, as a raw HTTP client can send it.
func setRaw(o *kinesis.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		if _, ok := s.Initialize.Get("OperationInputValidation"); !ok {
			return nil // the operation has no required members
		}
		_, err := s.Initialize.Remove("OperationInputValidation")
		return err
	})
}

// setCase is one request expected to fail.
type setCase struct {
	name string
	call func() error
}

// setGoldenErrors runs each case and compares "name: Code: message" lines with a golden file.
func setGoldenErrors(t *testing.T, name string, cases []setCase) {
	t.Helper()
	var b strings.Builder
	for _, c := range cases {
		fmt.Fprintf(&b, "%s: %s\n", c.name, errorLine(t, c.call()))
	}
	golden(t, name, b.String())
}

// setClock is a settable clock for envOptions.Now.
type setClock struct {
	mu sync.Mutex
	t  time.Time
}

func newSetClock() *setClock { return &setClock{t: time.Now().Truncate(time.Millisecond)} }

func (c *setClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *setClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

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
