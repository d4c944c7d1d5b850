package kinesis

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestShardFilterMatch checks every ShardFilter type against a reshard history:
//
//	shard 0: [1000, 5000) split into 2 and 3 at 5000
//	shard 1: [1000, open)
//	shard 2: [5000, 8000) merged with 3 into 4 at 8000
//	shard 3: [5000, 8000)
//	shard 4: [8000, open)
func TestShardFilterMatch(t *testing.T) {
	m := &streamMeta{CreatedMs: 1000, Shards: []shardMeta{
		{Index: 4, CreatedMs: 8000},
		{Index: 0, CreatedMs: 1000, ClosedMs: 5000},
		{Index: 1, CreatedMs: 1000},
		{Index: 2, CreatedMs: 5000, ClosedMs: 8000},
		{Index: 3, CreatedMs: 5000, ClosedMs: 8000},
	}}
	list := func(f *tokenFilter, horizon int64) []int {
		var got []int
		for _, sh := range m.sortedShards() {
			if !sh.expired(horizon) && f.match(sh, horizon) {
				got = append(got, sh.Index)
			}
		}
		return got
	}
	tests := []struct {
		name    string
		f       *tokenFilter
		horizon int64
		want    []int
	}{
		{"none", nil, 1000, []int{0, 1, 2, 3, 4}},
		{"from trim horizon", &tokenFilter{Type: filterFromTrimHorizon}, 1000, []int{0, 1, 2, 3, 4}},
		{"from trim horizon, shard 0 expired", &tokenFilter{Type: filterFromTrimHorizon}, 6000, []int{1, 2, 3, 4}},
		{"at trim horizon at creation", &tokenFilter{Type: filterAtTrimHorizon}, 1000, []int{0, 1}},
		{"at trim horizon after split", &tokenFilter{Type: filterAtTrimHorizon}, 6000, []int{1, 2, 3}},
		{"at trim horizon after merge", &tokenFilter{Type: filterAtTrimHorizon}, 9000, []int{1, 4}},
		{"at latest", &tokenFilter{Type: filterAtLatest}, 1000, []int{1, 4}},
		{"at timestamp before split", &tokenFilter{Type: filterAtTimestamp, TimestampMs: 2000}, 1000, []int{0, 1}},
		{"at timestamp between", &tokenFilter{Type: filterAtTimestamp, TimestampMs: 6000}, 1000, []int{1, 2, 3}},
		{"at timestamp at split instant", &tokenFilter{Type: filterAtTimestamp, TimestampMs: 5000}, 1000, []int{0, 1, 2, 3}},
		{"at timestamp raised to horizon", &tokenFilter{Type: filterAtTimestamp, TimestampMs: 2000}, 9000, []int{1, 4}},
		{"from timestamp before split", &tokenFilter{Type: filterFromTimestamp, TimestampMs: 2000}, 1000, []int{0, 1, 2, 3, 4}},
		{"from timestamp after split", &tokenFilter{Type: filterFromTimestamp, TimestampMs: 6000}, 1000, []int{1, 2, 3, 4}},
		{"from timestamp after merge", &tokenFilter{Type: filterFromTimestamp, TimestampMs: 9000}, 1000, []int{1, 4}},
		{"from timestamp raised to horizon", &tokenFilter{Type: filterFromTimestamp, TimestampMs: 2000}, 8500, []int{1, 4}},
		{"after shard id", &tokenFilter{Type: filterAfterShardID, ShardID: shardID(2)}, 1000, []int{3, 4}},
		{"after unknown shard id", &tokenFilter{Type: filterAfterShardID, ShardID: "shardId-000000000002a"}, 1000, []int{3, 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, list(tt.f, tt.horizon)); diff != "" {
				t.Errorf("shards (-want +got):\n%s", diff)
			}
		})
	}
}
