package kinesis

import (
	"testing"

	"github.com/freshet/freshet/internal/hashkey"
)

func routerStream(id string, n int) *streamMeta {
	m := &streamMeta{ID: id}
	for i, rg := range hashkey.Full.Split(n) {
		m.Shards = append(m.Shards, shardMeta{Index: i, StartHash: rg.Start.String(), EndHash: rg.End.String()})
	}
	return m
}

func TestRouterRoutesToOpenShards(t *testing.T) {
	m := routerStream("s", 3)
	// Shard 1 split into 3 and 4 (listed out of hash order), shard 1 closed.
	mid := hashkey.Range{Start: m.Shards[1].hashRange().Start, End: m.Shards[1].hashRange().End}.Split(2)
	m.Shards[1].ClosedMs = 1
	m.Shards = append(m.Shards,
		shardMeta{Index: 4, StartHash: mid[1].Start.String(), EndHash: mid[1].End.String()},
		shardMeta{Index: 3, StartHash: mid[0].Start.String(), EndHash: mid[0].End.String()},
	)
	rt := newRouter(m)
	tests := []struct {
		key  hashkey.Key
		want int
	}{
		{hashkey.Key{}, 0},
		{m.Shards[0].hashRange().End, 0},
		{mid[0].Start, 3},
		{mid[0].End, 3},
		{mid[1].Start, 4},
		{mid[1].End, 4},
		{m.Shards[2].hashRange().Start, 2},
		{hashkey.Max, 2},
	}
	for _, tc := range tests {
		if p := rt.route(tc.key); p < 0 || rt.shards[p].Index != tc.want {
			t.Errorf("route(%s) = position %d, want shard %d", tc.key, p, tc.want)
		}
	}
}

func TestRouterCache(t *testing.T) {
	var c routerCache
	m := routerStream("s", 4)
	a := c.get(m, 7)
	if c.get(m, 7) != a {
		t.Fatal("same revision: router rebuilt")
	}
	m2 := routerStream("s", 2) // the stream resharded: a new revision
	b := c.get(m2, 8)
	if b == a || len(b.shards) != 2 {
		t.Fatalf("new revision: got a router of %d shards", len(b.shards))
	}
	if c.get(m, 0) == a {
		t.Fatal("revision 0 must not be served from the cache")
	}
}
