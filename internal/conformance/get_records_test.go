package conformance

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/google/go-cmp/cmp"

	"github.com/freshet/freshet/internal/auth"
	fkinesis "github.com/freshet/freshet/internal/kinesis"
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

func TestGetRecordsLimitAndLag(t *testing.T) {
	clock := &fakeClock{t: time.Now().Truncate(time.Millisecond)}
	e := newEnv(t, envOptions{Now: clock.Now})
	e.createStream(t, "lag", 1)
	want := grPut(t, e, "lag", "a", 10)
	clock.Advance(1500 * time.Millisecond)
	it := grIterator(t, e, &kinesis.GetShardIteratorInput{StreamName: aws.String("lag"), ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
	// A quoted iterator (as the AWS CLI's output leaves it) is accepted.
	it = `"` + it + `"`
	var got []grRecord
	for i, n := range []int{3, 3, 3, 1} {
		out := grGet(t, e, it, 3)
		// A retried call with the same iterator answers the same.
		again := grGet(t, e, it, 3)
		if diff := cmp.Diff(grRecords(out.Records), grRecords(again.Records)); diff != "" {
			t.Fatalf("call %d retried (-first +retry):\n%s", i, diff)
		}
		if len(out.Records) != n {
			t.Fatalf("call %d: %d records, want %d", i, len(out.Records), n)
		}
		wantLag := int64(1500)
		if i == 3 {
			wantLag = 0
		}
		if lag := aws.ToInt64(out.MillisBehindLatest); lag != wantLag {
			t.Fatalf("call %d: MillisBehindLatest %d, want %d", i, lag, wantLag)
		}
		got = append(got, grRecords(out.Records)...)
		it = aws.ToString(out.NextShardIterator)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("records (-want +got):\n%s", diff)
	}
	for _, r := range grGet(t, e, grIterator(t, e, &kinesis.GetShardIteratorInput{StreamName: aws.String("lag"), ShardIteratorType: types.ShardIteratorTypeTrimHorizon}), 1).Records {
		if at := aws.ToTime(r.ApproximateArrivalTimestamp); !at.Equal(clock.Now().Add(-1500*time.Millisecond)) || r.EncryptionType != "" {
			t.Fatalf("record arrival %v encryption %q, want %v and none", at, r.EncryptionType, clock.Now().Add(-1500*time.Millisecond))
		}
	}
}

// TestGetRecordsManyConsumers has readers share a shard while a producer writes: each reads
// every record exactly once, in order.
func TestGetRecordsManyConsumers(t *testing.T) {
	const readers, batches, perBatch = 8, 20, 50
	e := newEnv(t, envOptions{})
	e.createStream(t, "fanout", 1)
	its := make([]string, readers)
	for i := range its {
		its[i] = grIterator(t, e, &kinesis.GetShardIteratorInput{StreamName: aws.String("fanout"), ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
	}
	var want []grRecord
	var wg sync.WaitGroup
	got := make([][]grRecord, readers)
	errs := make(chan error, readers+1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for b := range batches {
			entries := make([]types.PutRecordsRequestEntry, perBatch)
			for i := range entries {
				entries[i] = types.PutRecordsRequestEntry{PartitionKey: aws.String(fmt.Sprintf("k%d", i)), Data: fmt.Appendf(nil, "%d/%d", b, i)}
			}
			out, err := e.Client.PutRecords(t.Context(), &kinesis.PutRecordsInput{StreamName: aws.String("fanout"), Records: entries})
			if err != nil {
				errs <- err
				return
			}
			for i, r := range out.Records {
				want = append(want, grRecord{aws.ToString(r.SequenceNumber), *entries[i].PartitionKey, string(entries[i].Data)})
			}
		}
	}()
	deadline := time.Now().Add(30 * time.Second)
	for r := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			it := its[r]
			for len(got[r]) < batches*perBatch && time.Now().Before(deadline) {
				out, err := e.Client.GetRecords(t.Context(), &kinesis.GetRecordsInput{ShardIterator: aws.String(it), Limit: aws.Int32(int32(37 + r*13))})
				if err != nil {
					errs <- err
					return
				}
				got[r] = append(got[r], grRecords(out.Records)...)
				it = aws.ToString(out.NextShardIterator)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for r := range readers {
		if diff := cmp.Diff(want, got[r]); diff != "" {
			t.Fatalf("reader %d (-want +got):\n%s", r, diff)
		}
	}
}

func TestGetRecordsRetention(t *testing.T) {
	// One hour of retention lasts 50ms: the default 24 hours are 1.2s (the engine wants at
	// least its 1s duplicate window).
	e := newEnv(t, envOptions{RetentionHour: 50 * time.Millisecond})
	e.createStream(t, "short", 1)
	stream := aws.String("short")
	old := grPut(t, e, "short", "old", 3)
	stale := grIterator(t, e, &kinesis.GetShardIteratorInput{StreamName: stream, ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
	if got, _ := grDrain(t, e, stale, 0); !cmp.Equal(old, got) {
		t.Fatalf("before expiry: got %v, want %v", got, old)
	}
	grPoll(t, "records to expire", func() bool {
		got, _ := grDrain(t, e, grIterator(t, e, &kinesis.GetShardIteratorInput{StreamName: stream, ShardIteratorType: types.ShardIteratorTypeTrimHorizon}), 0)
		return len(got) == 0
	})
	// The trim horizon moved: new records are read, and an iterator issued before the
	// expiry starts at the horizon too.
	fresh := grPut(t, e, "short", "new", 2)
	for _, it := range []string{stale, grIterator(t, e, &kinesis.GetShardIteratorInput{StreamName: stream, ShardIteratorType: types.ShardIteratorTypeTrimHorizon})} {
		if got, _ := grDrain(t, e, it, 0); !cmp.Equal(fresh, got) {
			t.Fatalf("after expiry: got %v, want %v", got, fresh)
		}
	}
	// A longer retention applies to records already stored.
	if _, err := e.Client.IncreaseStreamRetentionPeriod(t.Context(), &kinesis.IncreaseStreamRetentionPeriodInput{StreamName: stream, RetentionPeriodHours: aws.Int32(1000)}); err != nil {
		t.Fatal(err)
	}
	written := time.Now()
	for time.Since(written) < 1500*time.Millisecond { // longer than the old retention of 1.2s
		if got, _ := grDrain(t, e, grIterator(t, e, &kinesis.GetShardIteratorInput{StreamName: stream, ShardIteratorType: types.ShardIteratorTypeTrimHorizon}), 0); !cmp.Equal(fresh, got) {
			t.Fatalf("%v after IncreaseStreamRetentionPeriod: got %v, want %v", time.Since(written), got, fresh)
		}
		time.Sleep(50 * time.Millisecond) // re-check every 50ms until the old retention has passed
	}
}

// grPoll waits up to 10 seconds for cond.
func grPoll(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		if cond() {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

// TestGetRecordsClosedShard reads a split shard to its end: the last answer carries the
// children and no NextShardIterator.
func TestGetRecordsClosedShard(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	e.createStream(t, "closing", 1)
	stream := aws.String("closing")
	want := grPut(t, e, "closing", "a", 3)
	latest := grIterator(t, e, &kinesis.GetShardIteratorInput{StreamName: stream, ShardIteratorType: types.ShardIteratorTypeLatest})
	if _, err := e.Client.SplitShard(ctx, &kinesis.SplitShardInput{StreamName: stream, ShardToSplit: aws.String("shardId-000000000000"),
		NewStartingHashKey: aws.String("170141183460469231731687303715884105728")}); err != nil {
		t.Fatal(err)
	}
	grPoll(t, "the split to finish", func() bool {
		out, err := e.Client.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: stream})
		return err == nil && out.StreamDescriptionSummary.StreamStatus == types.StreamStatusActive && aws.ToInt32(out.StreamDescriptionSummary.OpenShardCount) == 2
	})
	grPut(t, e, "closing", "b", 4) // to the children
	children := []types.ChildShard{
		{ShardId: aws.String("shardId-000000000001"), ParentShards: []string{"shardId-000000000000"},
			HashKeyRange: &types.HashKeyRange{StartingHashKey: aws.String("0"), EndingHashKey: aws.String("170141183460469231731687303715884105727")}},
		{ShardId: aws.String("shardId-000000000002"), ParentShards: []string{"shardId-000000000000"},
			HashKeyRange: &types.HashKeyRange{StartingHashKey: aws.String("170141183460469231731687303715884105728"), EndingHashKey: aws.String("340282366920938463463374607431768211455")}},
	}
	opts := cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".noSmithyDocumentSerde" }, cmp.Ignore())

	it := grIterator(t, e, &kinesis.GetShardIteratorInput{StreamName: stream, ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
	first := grGet(t, e, it, 2)
	if first.NextShardIterator == nil || first.ChildShards != nil || len(first.Records) != 2 {
		t.Fatalf("first page: %d records, next %v, children %v; want 2, an iterator, none", len(first.Records), first.NextShardIterator, first.ChildShards)
	}
	last := grGet(t, e, *first.NextShardIterator, 2)
	got := append(grRecords(first.Records), grRecords(last.Records)...)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("closed shard records (-want +got):\n%s", diff)
	}
	if last.NextShardIterator != nil || aws.ToInt64(last.MillisBehindLatest) != 0 {
		t.Fatalf("end of closed shard: next %v, behind %d; want null and 0", last.NextShardIterator, aws.ToInt64(last.MillisBehindLatest))
	}
	if diff := cmp.Diff(children, last.ChildShards, opts); diff != "" {
		t.Fatalf("ChildShards (-want +got):\n%s", diff)
	}
	// An iterator taken at the end before the split reaches the end at once.
	end := grGet(t, e, latest, 0)
	if len(end.Records) != 0 || end.NextShardIterator != nil || !cmp.Equal(children, end.ChildShards, opts) {
		t.Fatalf("LATEST before the split: %d records, next %v, children %v", len(end.Records), end.NextShardIterator, end.ChildShards)
	}
}

func TestGetRecordsLimits(t *testing.T) {
	clock := &fakeClock{t: time.Now().Truncate(time.Millisecond)}
	e := newEnv(t, envOptions{EnforceLimits: true, Now: clock.Now})
	ctx := t.Context()
	e.createStream(t, "limited", 1)
	stream := aws.String("limited")
	throttled := "Rate exceeded for shard shardId-000000000000 in stream limited under account 000000000000."
	it := grIterator(t, e, &kinesis.GetShardIteratorInput{StreamName: stream, ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
	for i := range 5 {
		if _, err := e.Client.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: aws.String(it)}); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	_, err := e.Client.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: aws.String(it)})
	wantError(t, err, "ProvisionedThroughputExceededException", throttled)
	clock.Advance(200 * time.Millisecond) // one call per 200ms
	if _, err := e.Client.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: aws.String(it)}); err != nil {
		t.Fatalf("after 200ms: %v", err)
	}

	// 3 MiB written a MiB per second, then read at once: the shard's reads pause until its
	// 2 MiB/s budget is back above zero, 0.5s later.
	for range 3 {
		clock.Advance(time.Second)
		entries := []types.PutRecordsRequestEntry{
			{PartitionKey: aws.String("a"), Data: make([]byte, 512<<10-1)},
			{PartitionKey: aws.String("b"), Data: make([]byte, 512<<10-1)},
		}
		if out, err := e.Client.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: stream, Records: entries}); err != nil || aws.ToInt32(out.FailedRecordCount) != 0 {
			t.Fatalf("PutRecords: %v", err)
		}
	}
	out := grGet(t, e, it, 0)
	if len(out.Records) != 6 {
		t.Fatalf("read %d records, want 6", len(out.Records))
	}
	clock.Advance(400 * time.Millisecond)
	_, err = e.Client.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: out.NextShardIterator})
	wantError(t, err, "ProvisionedThroughputExceededException", throttled)
	clock.Advance(200 * time.Millisecond)
	if _, err := e.Client.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: out.NextShardIterator}); err != nil {
		t.Fatalf("after the read budget recovered: %v", err)
	}
}

// TestShardIteratorKeyShared checks that iterators work on every node sharing the engine
// (another service over the same store) and across a restart.
func TestShardIteratorKeyShared(t *testing.T) {
	dir := t.TempDir()
	e := newEnv(t, envOptions{DataDir: dir})
	e.createStream(t, "keyed", 1)
	want := grPut(t, e, "keyed", "a", 3)
	it := grIterator(t, e, &kinesis.GetShardIteratorInput{StreamName: aws.String("keyed"), ShardIteratorType: types.ShardIteratorTypeTrimHorizon})

	other, err := fkinesis.New(t.Context(), fkinesis.Options{Store: e.Store})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ctx := auth.WithScope(t.Context(), auth.Scope{Account: "000000000000", Region: "us-east-1"})
	out, err := other.GetRecords(ctx, &fkinesis.GetRecordsInput{ShardIterator: &it})
	if err != nil {
		t.Fatalf("iterator on another node: %v", err)
	}
	if len(out.Records) != len(want) {
		t.Fatalf("another node read %d records, want %d", len(out.Records), len(want))
	}

	e.Svc.Close()
	e.Store.Close()
	e = newEnv(t, envOptions{DataDir: dir})
	if got, _ := grDrain(t, e, it, 0); !cmp.Equal(want, got) {
		t.Fatalf("after a restart: got %v, want %v", got, want)
	}
}

// TestGetRecordsCrossAccountARN: a reader in another account names the stream by ARN, and
// its iterator reads the owner's records.
func TestGetRecordsCrossAccountARN(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createStream(t, "shared", 1)
	want := grPut(t, e, "shared", "a", 2)
	arn := aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/shared")
	other := e.client("111122223333", "eu-west-1")
	gsi, err := other.GetShardIterator(t.Context(), &kinesis.GetShardIteratorInput{StreamARN: arn, ShardId: aws.String("0"), ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
	if err != nil {
		t.Fatal(err)
	}
	out, err := other.GetRecords(t.Context(), &kinesis.GetRecordsInput{ShardIterator: gsi.ShardIterator, StreamARN: arn})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, grRecords(out.Records)); diff != "" {
		t.Fatalf("cross-account read (-want +got):\n%s", diff)
	}
}
