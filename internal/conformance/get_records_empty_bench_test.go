package conformance

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// BenchmarkGetRecordsEmpty is the call an idle consumer makes about once a second per
// shard: GetRecords at the tip of a shard, which returns no records.
//
//	go test ./internal/conformance -run '^$' -bench 'BenchmarkGetRecordsEmpty$' -benchtime 2s -count 5
func BenchmarkGetRecordsEmpty(b *testing.B) {
	e := newEnv(b, envOptions{})
	ctx := b.Context()
	if _, err := e.Client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("bench"), ShardCount: aws.Int32(1)}); err != nil {
		b.Fatal(err)
	}
	if _, err := e.Client.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("bench"), PartitionKey: aws.String("k"), Data: []byte("x")}); err != nil {
		b.Fatal(err)
	}
	out, err := e.Client.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("bench"), ShardId: aws.String("0"), ShardIteratorType: types.ShardIteratorTypeLatest})
	if err != nil {
		b.Fatal(err)
	}
	it := out.ShardIterator
	b.ReportAllocs()
	for b.Loop() {
		out, err := e.Client.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it})
		if err != nil {
			b.Fatal(err)
		}
		if len(out.Records) != 0 {
			b.Fatalf("%d records, want none", len(out.Records))
		}
		it = out.NextShardIterator
	}
}
