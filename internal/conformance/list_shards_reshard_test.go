package conformance

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/google/go-cmp/cmp"
)

// TestListShardsFiltersAfterResharding runs every ShardFilter over a real reshard history:
// at t0 shards 0 and 1; at t1 shard 0 splits into 2 and 3; at t2 2 and 3 merge into 4.
func TestListShardsFiltersAfterResharding(t *testing.T) {
	clk := newFakeClock()
	e := newEnv(t, envOptions{Now: clk.Now})
	ctx := t.Context()
	t0 := clk.Now()
	e.createStream(t, "s", 2)
	clk.Advance(time.Minute)
	t1 := clk.Now()
	if _, err := e.Client.SplitShard(ctx, &kinesis.SplitShardInput{StreamName: aws.String("s"), ShardToSplit: aws.String("shardId-000000000000"), NewStartingHashKey: aws.String("85070591730234615865843651857942052864")}); err != nil {
		t.Fatal(err)
	}
	ctlPoll(t, "the split to finish", func() bool { return ctlStatus(t, e.Client, "s") == "ACTIVE" })
	clk.Advance(time.Minute)
	t2 := clk.Now()
	if _, err := e.Client.MergeShards(ctx, &kinesis.MergeShardsInput{StreamName: aws.String("s"), ShardToMerge: aws.String("shardId-000000000002"), AdjacentShardToMerge: aws.String("shardId-000000000003")}); err != nil {
		t.Fatal(err)
	}
	ctlPoll(t, "the merge to finish", func() bool { return ctlStatus(t, e.Client, "s") == "ACTIVE" })
	clk.Advance(time.Minute)

	at := func(tm time.Time) *time.Time { return &tm }
	list := func(f *types.ShardFilter) []string {
		t.Helper()
		out, err := e.Client.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("s"), ShardFilter: f})
		if err != nil {
			t.Fatal(err)
		}
		return ctlShardIDs(out)
	}
	tests := []struct {
		name string
		f    *types.ShardFilter
		want []string
	}{
		{"no filter", nil, ctlShards(0, 1, 2, 3, 4)},
		{"FROM_TRIM_HORIZON", &types.ShardFilter{Type: types.ShardFilterTypeFromTrimHorizon}, ctlShards(0, 1, 2, 3, 4)},
		{"AT_TRIM_HORIZON", &types.ShardFilter{Type: types.ShardFilterTypeAtTrimHorizon}, ctlShards(0, 1)},
		{"AT_LATEST", &types.ShardFilter{Type: types.ShardFilterTypeAtLatest}, ctlShards(1, 4)},
		{"AT_TIMESTAMP before the split", &types.ShardFilter{Type: types.ShardFilterTypeAtTimestamp, Timestamp: at(t0.Add(30 * time.Second))}, ctlShards(0, 1)},
		{"AT_TIMESTAMP between", &types.ShardFilter{Type: types.ShardFilterTypeAtTimestamp, Timestamp: at(t1.Add(30 * time.Second))}, ctlShards(1, 2, 3)},
		{"AT_TIMESTAMP after the merge", &types.ShardFilter{Type: types.ShardFilterTypeAtTimestamp, Timestamp: at(t2.Add(30 * time.Second))}, ctlShards(1, 4)},
		{"FROM_TIMESTAMP between", &types.ShardFilter{Type: types.ShardFilterTypeFromTimestamp, Timestamp: at(t1.Add(30 * time.Second))}, ctlShards(1, 2, 3, 4)},
		{"FROM_TIMESTAMP after the merge", &types.ShardFilter{Type: types.ShardFilterTypeFromTimestamp, Timestamp: at(t2.Add(30 * time.Second))}, ctlShards(1, 4)},
		{"AFTER_SHARD_ID", &types.ShardFilter{Type: types.ShardFilterTypeAfterShardId, ShardId: aws.String("shardId-000000000002")}, ctlShards(3, 4)},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, list(tt.f)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
	// Closed shards carry their ending sequence number.
	out, err := e.Client.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("s")})
	if err != nil {
		t.Fatal(err)
	}
	for _, sh := range out.Shards {
		closed := sh.SequenceNumberRange.EndingSequenceNumber != nil
		if want := *sh.ShardId != "shardId-000000000001" && *sh.ShardId != "shardId-000000000004"; closed != want {
			t.Errorf("%s: closed %v, want %v", *sh.ShardId, closed, want)
		}
	}
	// Once the retention period has passed, closed shards are expired and never listed.
	clk.Advance(25 * time.Hour)
	for _, f := range []*types.ShardFilter{nil, {Type: types.ShardFilterTypeAtTrimHorizon}, {Type: types.ShardFilterTypeFromTimestamp, Timestamp: at(t0)}} {
		if diff := cmp.Diff(ctlShards(1, 4), list(f)); diff != "" {
			t.Errorf("after expiry, filter %v (-want +got):\n%s", f, diff)
		}
	}
}
