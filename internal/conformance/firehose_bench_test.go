package conformance

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fhtypes "github.com/aws/aws-sdk-go-v2/service/firehose/types"
)

// BenchmarkFirehosePutRecordBatch: 500 records of 100 bytes per call through the Go SDK,
// each call one engine write, buffered for delivery (a 900 s interval keeps the delivery
// loop out of the measurement).
func BenchmarkFirehosePutRecordBatch(b *testing.B) {
	e := newFirehoseEnv(b, fhOptions{})
	if _, err := e.Client.CreateDeliveryStream(b.Context(), &firehose.CreateDeliveryStreamInput{
		DeliveryStreamName: aws.String("bench"), ExtendedS3DestinationConfiguration: fhS3("b", 128, 900),
	}); err != nil {
		b.Fatal(err)
	}
	recs := make([]fhtypes.Record, 500)
	for i := range recs {
		recs[i].Data = make([]byte, 100)
	}
	in := &firehose.PutRecordBatchInput{DeliveryStreamName: aws.String("bench"), Records: recs}
	b.SetBytes(500 * 100)
	b.ReportAllocs()
	for b.Loop() {
		out, err := e.Client.PutRecordBatch(b.Context(), in)
		if err != nil || aws.ToInt32(out.FailedPutCount) != 0 {
			b.Fatal(err, out)
		}
	}
	b.ReportMetric(float64(b.N*500)/b.Elapsed().Seconds(), "records/s")
}
