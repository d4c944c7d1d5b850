package conformance

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/google/go-cmp/cmp"
)

// grRecord is what a test compares of a record.
type grRecord struct{ Seq, Key, Data string }

func grRecords(rs []types.Record) []grRecord {
	out := []grRecord{}
	for _, r := range rs {
		out = append(out, grRecord{aws.ToString(r.SequenceNumber), aws.ToString(r.PartitionKey), string(r.Data)})
	}
	return out
}

// grPut writes n records with keys prefix-i to a one-shard stream and returns them as
// GetRecords should show them.
func grPut(t *testing.T, e *env, stream, prefix string, n int) []grRecord {
	t.Helper()
	entries := make([]types.PutRecordsRequestEntry, n)
	for i := range entries {
		entries[i] = types.PutRecordsRequestEntry{PartitionKey: aws.String(fmt.Sprintf("%s-%d", prefix, i)), Data: fmt.Appendf(nil, "%s data %d", prefix, i)}
	}
	out, err := e.Client.PutRecords(t.Context(), &kinesis.PutRecordsInput{StreamName: aws.String(stream), Records: entries})
	if err != nil {
		t.Fatalf("PutRecords: %v", err)
	}
	if aws.ToInt32(out.FailedRecordCount) != 0 {
		t.Fatalf("PutRecords: %d records failed", aws.ToInt32(out.FailedRecordCount))
	}
	want := make([]grRecord, n)
	for i, r := range out.Records {
		want[i] = grRecord{aws.ToString(r.SequenceNumber), *entries[i].PartitionKey, string(entries[i].Data)}
	}
	return want
}

// grIterator returns an iterator of shard 0 of a stream.
func grIterator(t *testing.T, e *env, in *kinesis.GetShardIteratorInput) string {
	t.Helper()
	if in.ShardId == nil {
		in.ShardId = aws.String("shardId-000000000000")
	}
	out, err := e.Client.GetShardIterator(t.Context(), in)
	if err != nil {
		t.Fatalf("GetShardIterator %s: %v", in.ShardIteratorType, err)
	}
	return aws.ToString(out.ShardIterator)
}

// grGet calls GetRecords and fails the test on error.
func grGet(t *testing.T, e *env, it string, limit int32) *kinesis.GetRecordsOutput {
	t.Helper()
	in := &kinesis.GetRecordsInput{ShardIterator: aws.String(it)}
	if limit > 0 {
		in.Limit = aws.Int32(limit)
	}
	out, err := e.Client.GetRecords(t.Context(), in)
	if err != nil {
		t.Fatalf("GetRecords: %v", err)
	}
	return out
}

// grDrain reads from an iterator until an empty answer and returns every record and the
// iterator that continues after them.
func grDrain(t *testing.T, e *env, it string, limit int32) ([]grRecord, string) {
	t.Helper()
	got := []grRecord{}
	for range 1000 {
		out := grGet(t, e, it, limit)
		if out.NextShardIterator == nil {
			t.Fatal("NextShardIterator is null on an open shard")
		}
		it = *out.NextShardIterator
		if len(out.Records) == 0 {
			return got, it
		}
		got = append(got, grRecords(out.Records)...)
	}
	t.Fatal("reading never reaches the end of the shard")
	return nil, ""
}

func TestGetRecordsTrimHorizonAndLatest(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createStream(t, "reads", 1)
	stream := aws.String("reads")

	empty := grGet(t, e, grIterator(t, e, &kinesis.GetShardIteratorInput{StreamName: stream, ShardIteratorType: types.ShardIteratorTypeTrimHorizon}), 0)
	if empty.Records == nil || len(empty.Records) != 0 || aws.ToInt64(empty.MillisBehindLatest) != 0 || empty.NextShardIterator == nil {
		t.Fatalf("empty shard: got %+v, want [] records, 0 behind and a next iterator", empty)
	}

	first := grPut(t, e, "reads", "a", 5)
	latest := grIterator(t, e, &kinesis.GetShardIteratorInput{StreamName: stream, ShardIteratorType: types.ShardIteratorTypeLatest})
	second := grPut(t, e, "reads", "b", 3)

	got, next := grDrain(t, e, grIterator(t, e, &kinesis.GetShardIteratorInput{StreamName: stream, ShardIteratorType: types.ShardIteratorTypeTrimHorizon}), 0)
	if diff := cmp.Diff(append(append([]grRecord{}, first...), second...), got); diff != "" {
		t.Fatalf("TRIM_HORIZON (-want +got):\n%s", diff)
	}
	got, _ = grDrain(t, e, latest, 0)
	if diff := cmp.Diff(second, got); diff != "" {
		t.Fatalf("LATEST (-want +got):\n%s", diff)
	}
	third := grPut(t, e, "reads", "c", 2)
	got, _ = grDrain(t, e, next, 0)
	if diff := cmp.Diff(third, got); diff != "" {
		t.Fatalf("continuing after the end (-want +got):\n%s", diff)
	}
}
