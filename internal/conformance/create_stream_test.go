package conformance

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

func TestCreateStreamSummary(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	if _, err := e.Client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("orders"), ShardCount: aws.Int32(3)}); err != nil {
		t.Fatal(err)
	}
	out, err := e.Client.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("orders")})
	if err != nil {
		t.Fatal(err)
	}
	d := out.StreamDescriptionSummary
	if *d.StreamName != "orders" || *d.OpenShardCount != 3 || d.StreamStatus != types.StreamStatusActive ||
		*d.StreamARN != "arn:aws:kinesis:us-east-1:000000000000:stream/orders" || *d.RetentionPeriodHours != 24 ||
		d.StreamModeDetails.StreamMode != types.StreamModeProvisioned {
		t.Fatalf("unexpected summary: %+v", d)
	}
	_, err = e.Client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("orders"), ShardCount: aws.Int32(1)})
	wantError(t, err, "ResourceInUseException", "Stream orders under account 000000000000 already exists.")
}
