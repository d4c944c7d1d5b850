package conformance

// Helpers of the control-plane tests (CreateStream, DeleteStream, DescribeStream,
// ListStreams, ListShards, DescribeLimits, UpdateStreamMode, retention), prefixed "ctl".

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
	"github.com/google/go-cmp/cmp/cmpopts"
)

// ctlRaw removes the SDK's client-side check of required members, so that a request can
// reach the server with them missing, as other SDKs and raw HTTP clients can send it.
func ctlRaw(o *kinesis.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		if _, ok := s.Initialize.Get("OperationInputValidation"); !ok {
			return nil // the operation has no required member
		}
		_, err := s.Initialize.Remove("OperationInputValidation")
		return err
	})
}

// ctlCase is one request expected to fail.
type ctlCase struct {
	name string
	call func() error
}

// ctlGoldenErrors runs each case and compares "name: Code: message" lines with a golden file.
func ctlGoldenErrors(t *testing.T, file string, cases []ctlCase) {
	t.Helper()
	var b strings.Builder
	for _, c := range cases {
		fmt.Fprintf(&b, "%s: %s\n", c.name, errorLine(t, c.call()))
	}
	golden(t, file, b.String())
}

// ctlClock is a settable clock for envOptions.Now.
type ctlClock struct {
	mu sync.Mutex
	t  time.Time
}

func newCtlClock() *ctlClock { return &ctlClock{t: time.Now().Truncate(time.Millisecond)} }

func (c *ctlClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *ctlClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

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
