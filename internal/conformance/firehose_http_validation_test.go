package conformance

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fhtypes "github.com/aws/aws-sdk-go-v2/service/firehose/types"
)

// TestFirehoseHTTPEndpointValidation: CreateDeliveryStream and UpdateDestination check an
// HTTP endpoint destination against AWS's model (required members, ranges, enums), and
// KinesisStreamAsSource and processor configurations with InvalidArgumentException.
func TestFirehoseHTTPEndpointValidation(t *testing.T) {
	e := newFirehoseEnv(t, fhOptions{})
	c := e.client("AKIDEXAMPLE", "us-east-1", fhNoInputValidation)
	ctx := t.Context()
	create := func(d *fhtypes.HttpEndpointDestinationConfiguration) func() error {
		return func() error {
			_, err := c.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("v"), HttpEndpointDestinationConfiguration: d})
			return err
		}
	}
	e.createHTTPDelivery(t, "h", fhHTTP("http://127.0.0.1:1", 60))
	goldenErrors(t, "firehose_http_validation", []errCase{
		{"no endpoint, no s3", create(&fhtypes.HttpEndpointDestinationConfiguration{})},
		{"out of range", create(func() *fhtypes.HttpEndpointDestinationConfiguration {
			d := fhHTTP("ftp://x", 7201)
			d.BufferingHints = &fhtypes.HttpEndpointBufferingHints{SizeInMBs: aws.Int32(65), IntervalInSeconds: aws.Int32(901)}
			d.RequestConfiguration = &fhtypes.HttpEndpointRequestConfiguration{ContentEncoding: "BROTLI",
				CommonAttributes: []fhtypes.HttpEndpointCommonAttribute{{AttributeName: aws.String("")}}}
			d.S3BackupMode = "Everything"
			return d
		}())},
		{"update with a bad retry duration", func() error {
			_, err := c.UpdateDestination(ctx, &firehose.UpdateDestinationInput{DeliveryStreamName: aws.String("h"),
				CurrentDeliveryStreamVersionId: aws.String("1"), DestinationId: aws.String("destinationId-000000000001"),
				HttpEndpointDestinationUpdate: &fhtypes.HttpEndpointDestinationUpdate{RetryOptions: &fhtypes.HttpEndpointRetryOptions{DurationInSeconds: aws.Int32(-1)}}})
			return err
		}},
		{"kinesis source without configuration", func() error {
			_, err := c.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("v"),
				DeliveryStreamType: fhtypes.DeliveryStreamTypeKinesisStreamAsSource, ExtendedS3DestinationConfiguration: fhS3("b", 1, 60)})
			return err
		}},
		{"kinesis configuration on a DirectPut stream", func() error {
			_, err := c.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("v"),
				KinesisStreamSourceConfiguration: &fhtypes.KinesisStreamSourceConfiguration{
					KinesisStreamARN: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/s"), RoleARN: aws.String("arn:aws:iam::000000000000:role/r")},
				ExtendedS3DestinationConfiguration: fhS3("b", 1, 60)})
			return err
		}},
		{"processor on an HTTP endpoint", create(func() *fhtypes.HttpEndpointDestinationConfiguration {
			d := fhHTTP("https://example.com", 60)
			d.ProcessingConfiguration = fhProcessing(fhProc(fhtypes.ProcessorTypeRecordDeAggregation, "SubRecordType", "XML"))
			return d
		}())},
	})
}
