package kinesis

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/freshet/freshet/internal/auth"
	"github.com/freshet/freshet/internal/awsproto"
	"github.com/freshet/freshet/internal/store"
)

// grService is a service over a memory engine with a one-shard stream "s" holding puts×n
// records of size bytes, and a TRIM_HORIZON iterator of it.
func grService(tb testing.TB, puts, n, size int) (context.Context, *Service, string) {
	tb.Helper()
	st, err := store.Open(tb.Context(), store.Options{Memory: true})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	s, err := New(tb.Context(), Options{Store: st})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Close)
	ctx := auth.WithScope(tb.Context(), auth.Scope{Account: "000000000000", Region: "us-east-1"})
	name, one := "s", int64(1)
	if _, err := s.CreateStream(ctx, &CreateStreamInput{StreamName: &name, ShardCount: &one}); err != nil {
		tb.Fatal(err)
	}
	for range puts {
		entries := make([]PutRecordsRequestEntry, n)
		for i := range entries {
			pk := "k"
			entries[i] = PutRecordsRequestEntry{PartitionKey: &pk, Data: make([]byte, size)}
		}
		if out, err := s.PutRecords(ctx, &PutRecordsInput{StreamName: &name, Records: entries}); err != nil || out.FailedRecordCount != 0 {
			tb.Fatalf("PutRecords: %v", err)
		}
	}
	typ, shard := iterTrimHorizon, "0"
	gsi, err := s.GetShardIterator(ctx, &GetShardIteratorInput{StreamName: &name, ShardId: &shard, ShardIteratorType: &typ})
	if err != nil {
		tb.Fatal(err)
	}
	return ctx, s, gsi.ShardIterator
}

// TestGetRecordsSizeCap: an answer holds at most 10 MiB of data and partition keys. (A
// service-level test: through HTTP and JSON this volume is slow under the race detector.)
func TestGetRecordsSizeCap(t *testing.T) {
	// 11 records of 1 MiB with their partition key.
	ctx, s, it := grService(t, 1, 5, 1<<20-1)
	for range 6 {
		if _, err := s.PutRecords(ctx, &PutRecordsInput{StreamName: grPtr("s"), Records: []PutRecordsRequestEntry{{PartitionKey: grPtr("k"), Data: make([]byte, 1<<20-1)}}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []int{10, 1, 0} {
		out, err := s.GetRecords(ctx, &GetRecordsInput{ShardIterator: &it})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Records) != want {
			t.Fatalf("page of %d records of 1 MiB, want %d", len(out.Records), want)
		}
		it = *out.NextShardIterator
	}
}

func grPtr[T any](v T) *T { return &v }

// BenchmarkGetRecordsService reads 10000-record pages of 100-byte records (written 500 per
// PutRecords) from the service directly: the engine read, decoding and the iterator, without
// HTTP, JSON or the SDK (compare BenchmarkGetRecords in internal/conformance).
func BenchmarkGetRecordsService(b *testing.B) {
	ctx, s, start := grService(b, 200, 500, 100)
	it, limit, records := start, int64(10000), 0
	b.ReportAllocs()
	for b.Loop() {
		out, err := s.GetRecords(ctx, &GetRecordsInput{ShardIterator: &it, Limit: &limit})
		if err != nil || len(out.Records) != int(limit) {
			b.Fatalf("GetRecords: %d records, %v", len(out.Records), err)
		}
		records += len(out.Records)
		if it = *out.NextShardIterator; out.MillisBehindLatest == 0 {
			it = start
		}
	}
	secs := b.Elapsed().Seconds()
	b.ReportMetric(float64(records)/secs, "records/s")
	b.ReportMetric(float64(records*100)/secs/(1<<20), "MiB/s")
}

// FuzzGetRecordsJSON: the reflection-free encoding is byte for byte encoding/json's.
func FuzzGetRecordsJSON(f *testing.F) {
	f.Add("k", []byte("data"), "", int64(0), true, false)
	f.Add("", []byte{}, "KMS", int64(1500), false, true)
	f.Add(`ü "<q>" & \ `+"\x00\u2028\xff", []byte(nil), "", int64(-1), true, true)
	f.Fuzz(func(t *testing.T, pk string, data []byte, enc string, behind int64, next, children bool) {
		o := &GetRecordsOutput{MillisBehindLatest: behind, Records: []Record{}}
		if next {
			o.NextShardIterator = grPtr("AAAAAAAAAAE/+x==")
		}
		if children {
			o.ChildShards = []ChildShard{{HashKeyRange: HashKeyRange{"1", "0"}, ParentShards: []string{"shardId-000000000000"}, ShardId: "shardId-000000000001"}}
		}
		for i := range 3 {
			o.Records = append(o.Records, Record{
				ApproximateArrivalTimestamp: awsproto.NewTime(time.UnixMilli(1795671884057 + int64(i)*1001)),
				Data:                        data, EncryptionType: enc, PartitionKey: pk, SequenceNumber: "49647060812288014558888668248263847763900017820167045122",
			})
		}
		want, err := json.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		got, err := o.AppendJSON(nil)
		if err != nil || string(got) != string(want) {
			t.Fatalf("AppendJSON:\n%s\nencoding/json:\n%s", got, want)
		}
	})
}
