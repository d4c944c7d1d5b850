package kinesis

import (
	"testing"

	"github.com/freshet/freshet/internal/auth"
	"github.com/freshet/freshet/internal/store"
)

// TestGetRecordsSizeCap: an answer holds at most 10 MiB of data and partition keys. (A
// service-level test: through HTTP and JSON this volume is slow under the race detector.)
func TestGetRecordsSizeCap(t *testing.T) {
	st, err := store.Open(t.Context(), store.Options{Memory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	s, err := New(t.Context(), Options{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	ctx := auth.WithScope(t.Context(), auth.Scope{Account: "000000000000", Region: "us-east-1"})
	name, one := "big", int64(1)
	if _, err := s.CreateStream(ctx, &CreateStreamInput{StreamName: &name, ShardCount: &one}); err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{6, 5} {
		entries := make([]PutRecordsRequestEntry, n)
		for i := range entries {
			pk := "k"
			entries[i] = PutRecordsRequestEntry{PartitionKey: &pk, Data: make([]byte, 1<<20-1)}
		}
		if out, err := s.PutRecords(ctx, &PutRecordsInput{StreamName: &name, Records: entries}); err != nil || out.FailedRecordCount != 0 {
			t.Fatalf("PutRecords: %v", err)
		}
	}
	typ, shard := iterTrimHorizon, "0"
	gsi, err := s.GetShardIterator(ctx, &GetShardIteratorInput{StreamName: &name, ShardId: &shard, ShardIteratorType: &typ})
	if err != nil {
		t.Fatal(err)
	}
	it := gsi.ShardIterator
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
