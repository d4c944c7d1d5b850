package conformance

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// BenchmarkPutRecords writes 500 records of 100 bytes per PutRecords call to a 4-shard
// stream through the HTTP server and the AWS SDK, from one client goroutine
// (b.RunParallel is not used: the figure is the latency-bound throughput of one producer).
func BenchmarkPutRecords(b *testing.B) {
	e := newEnv(b, envOptions{})
	if _, err := e.Client.CreateStream(b.Context(), &kinesis.CreateStreamInput{StreamName: aws.String("bench"), ShardCount: aws.Int32(4)}); err != nil {
		b.Fatal(err)
	}
	const n, size = 500, 100
	entries := make([]types.PutRecordsRequestEntry, n)
	for i := range entries {
		data := make([]byte, size)
		entries[i] = types.PutRecordsRequestEntry{PartitionKey: aws.String(fmt.Sprintf("pk-%d", i)), Data: data}
	}
	in := &kinesis.PutRecordsInput{StreamName: aws.String("bench"), Records: entries}
	b.SetBytes(n * size)
	b.ReportAllocs()
	for b.Loop() {
		out, err := e.Client.PutRecords(context.Background(), in)
		if err != nil {
			b.Fatal(err)
		}
		if *out.FailedRecordCount != 0 {
			b.Fatalf("%d records failed", *out.FailedRecordCount)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkPutRecordsParallel is BenchmarkPutRecords with 8 producers per CPU, each with
// its own partition keys, sharing one client (and its connection pool).
func BenchmarkPutRecordsParallel(b *testing.B) {
	e := newEnv(b, envOptions{})
	if _, err := e.Client.CreateStream(b.Context(), &kinesis.CreateStreamInput{StreamName: aws.String("bench"), ShardCount: aws.Int32(4)}); err != nil {
		b.Fatal(err)
	}
	const n, size = 500, 100
	b.SetBytes(n * size)
	b.ReportAllocs()
	b.SetParallelism(8)
	b.RunParallel(func(pb *testing.PB) {
		entries := make([]types.PutRecordsRequestEntry, n)
		for i := range entries {
			entries[i] = types.PutRecordsRequestEntry{PartitionKey: aws.String(fmt.Sprintf("pk-%d-%p", i, &entries)), Data: make([]byte, size)}
		}
		in := &kinesis.PutRecordsInput{StreamName: aws.String("bench"), Records: entries}
		for pb.Next() {
			out, err := e.Client.PutRecords(context.Background(), in)
			if err != nil {
				b.Error(err)
				return
			}
			if *out.FailedRecordCount != 0 {
				b.Errorf("%d records failed", *out.FailedRecordCount)
				return
			}
		}
	})
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkPutRecord is one 100-byte PutRecord per call, from one client: the per-call
// latency of the write path (metadata read, one engine write).
func BenchmarkPutRecord(b *testing.B) {
	e := newEnv(b, envOptions{})
	if _, err := e.Client.CreateStream(b.Context(), &kinesis.CreateStreamInput{StreamName: aws.String("bench"), ShardCount: aws.Int32(4)}); err != nil {
		b.Fatal(err)
	}
	in := &kinesis.PutRecordInput{StreamName: aws.String("bench"), PartitionKey: aws.String("pk"), Data: make([]byte, 100)}
	b.SetBytes(100)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Client.PutRecord(context.Background(), in); err != nil {
			b.Fatal(err)
		}
	}
}
