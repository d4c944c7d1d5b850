package firehose

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/freshet/freshet/internal/auth"
	"github.com/freshet/freshet/internal/kinesis"
	"github.com/freshet/freshet/internal/store"
)

// TestReviewKinesisSourcePastFullBatch: a checkpoint at the last record of a batch that,
// with the next one, is more than a GetRecords answer holds (10 MiB; records of up to 10 MiB
// make it so) reads on into the next batch. (GetRecords answers such a read with no records and an iterator past the batch;
// the source stopped at the empty answer and read the same nothing at every tick.)
func TestReviewKinesisSourcePastFullBatch(t *testing.T) {
	st, err := store.Open(t.Context(), store.Options{Memory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	k, err := kinesis.New(t.Context(), kinesis.Options{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(k.Close)
	ctx := auth.WithScope(t.Context(), auth.Scope{Account: "000000000000", Region: "us-east-1"})
	name, one, maxKiB := "src", int64(1), int64(10240)
	if _, err := k.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: &name, ShardCount: &one, MaxRecordSizeInKiB: &maxKiB}); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; {
		d, err := k.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: &name})
		if err != nil {
			t.Fatal(err)
		}
		if d.StreamDescriptionSummary.StreamStatus == "ACTIVE" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("stream not ACTIVE")
		}
	}
	var lastOfFirst string
	for b := range 2 { // two records of 10 MiB (the stream takes records up to 10 MiB)
		pk := "k"
		out, err := k.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: &name, PartitionKey: &pk, Data: bytes.Repeat([]byte{'a' + byte(b)}, 10<<20-1)})
		if err != nil {
			t.Fatalf("PutRecord: %v", err)
		}
		if b == 0 {
			lastOfFirst = out.SequenceNumber
		}
	}
	cp, _ := json.Marshal(map[string]string{"shardId-000000000000": lastOfFirst})
	src := &kinesisSource{k: k, account: "000000000000", region: "us-east-1", stream: name}
	got, _, err := src.Read(t.Context(), Checkpoint(cp), 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || got[0].Data[0] != 'b' {
		t.Fatalf("after the first batch: %d records, want the second batch's", len(got))
	}
}
