package conformance

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// BenchmarkGetRecords reads 10000-record pages of 100-byte records from one shard through
// the real server and SDK. The shard holds 100000 records written by 500-record PutRecords.
//
//	go test ./internal/conformance -run XXX -bench GetRecords -benchtime 200x
func BenchmarkGetRecords(b *testing.B) {
	const total, perPut, size, page = 100000, 500, 100, 10000
	e := newEnv(b, envOptions{})
	ctx := b.Context()
	if _, err := e.Client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("bench"), ShardCount: aws.Int32(1)}); err != nil {
		b.Fatal(err)
	}
	data := bytes.Repeat([]byte{'x'}, size)
	for p := range total / perPut {
		entries := make([]types.PutRecordsRequestEntry, perPut)
		for i := range entries {
			entries[i] = types.PutRecordsRequestEntry{PartitionKey: aws.String(fmt.Sprintf("k%d", p)), Data: data}
		}
		out, err := e.Client.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("bench"), Records: entries})
		if err != nil || aws.ToInt32(out.FailedRecordCount) != 0 {
			b.Fatalf("PutRecords: %v", err)
		}
	}
	trim := func() *string {
		out, err := e.Client.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("bench"), ShardId: aws.String("0"), ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
		if err != nil {
			b.Fatal(err)
		}
		return out.ShardIterator
	}
	it := trim()
	records, dataBytes := 0, 0
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		out, err := e.Client.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it, Limit: aws.Int32(page)})
		if err != nil {
			b.Fatal(err)
		}
		if len(out.Records) != page {
			b.Fatalf("page of %d records, want %d", len(out.Records), page)
		}
		records += len(out.Records)
		for _, r := range out.Records {
			dataBytes += len(r.Data)
		}
		if it = out.NextShardIterator; aws.ToInt64(out.MillisBehindLatest) == 0 {
			it = trim()
		}
	}
	secs := b.Elapsed().Seconds()
	b.ReportMetric(float64(records)/secs, "records/s")
	b.ReportMetric(float64(dataBytes)/secs/(1<<20), "MiB/s")
}
