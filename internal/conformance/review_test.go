package conformance

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
)

// TestReviewARNOddRegion names a stream by an ARN whose region no stream can be in: the
// stream is not found (it was a 500 InternalFailure).
func TestReviewARNOddRegion(t *testing.T) {
	e := newEnv(t, envOptions{})
	_, err := e.Client.DescribeStreamSummary(t.Context(), &kinesis.DescribeStreamSummaryInput{StreamARN: aws.String("arn:aws:kinesis:us*east:000000000000:stream/a")})
	wantError(t, err, "ResourceNotFoundException", "Stream a under account 000000000000 not found.")
}
