package kinesis

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/freshet/freshet/internal/hashkey"
)

// reshardTestStream returns metadata of a stream with n uniform open shards.
func reshardTestStream(n int) *streamMeta {
	m := &streamMeta{Name: "s", Account: "000000000000", NextShardIndex: n}
	for i, rg := range hashkey.Full.Split(n) {
		m.Shards = append(m.Shards, shardMeta{Index: i, StartHash: rg.Start.String(), EndHash: rg.End.String(), Parent: -1, Adjacent: -1, CreatedMs: 1000})
	}
	return m
}

// reshardApply commits a plan in memory, as carryOut does without the engine.
func reshardApply(t *testing.T, m *streamMeta, op *reshardOp) {
	t.Helper()
	for _, i := range op.Close {
		sh := m.shard(i)
		if sh == nil || sh.ClosedMs != 0 {
			t.Fatalf("plan closes shard %d, which is not open", i)
		}
		sh.ClosedMs = op.AtMs
	}
	m.Shards = append(m.Shards, op.Open...)
}

// reshardCheckLineage asserts the open shards are exactly want and every shard's parents are
// closed, at most two, and cover exactly its range (merge) or contain it (split).
func reshardCheckLineage(t *testing.T, m *streamMeta, want []hashkey.Range) {
	t.Helper()
	var got []hashkey.Range
	for _, sh := range m.openByHash() {
		got = append(got, sh.hashRange())
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("open ranges (-want +got):\n%s", diff)
	}
	children := map[int]int{}
	for _, sh := range m.Shards {
		if sh.Parent < 0 {
			continue
		}
		rg := sh.hashRange()
		p := m.shard(sh.Parent)
		if p == nil || p.ClosedMs == 0 {
			t.Fatalf("shard %d: parent %d missing or open", sh.Index, sh.Parent)
		}
		children[sh.Parent]++
		pr := p.hashRange()
		if sh.Adjacent < 0 {
			if pr.Start.Cmp(rg.Start) > 0 || pr.End.Cmp(rg.End) < 0 {
				t.Fatalf("shard %d %v not inside its parent %d %v", sh.Index, rg, p.Index, pr)
			}
			continue
		}
		a := m.shard(sh.Adjacent)
		if a == nil || a.ClosedMs == 0 {
			t.Fatalf("shard %d: adjacent parent %d missing or open", sh.Index, sh.Adjacent)
		}
		children[sh.Adjacent]++
		ar := a.hashRange()
		lo, hi := pr, ar
		if ar.Start.Cmp(pr.Start) < 0 {
			lo, hi = ar, pr
		}
		if lo.End.Add(1) != hi.Start || lo.Start != rg.Start || hi.End != rg.End {
			t.Fatalf("shard %d %v is not the union of its parents %v and %v", sh.Index, rg, pr, ar)
		}
	}
	for p, n := range children {
		if n > 2 {
			t.Fatalf("shard %d has %d children", p, n)
		}
	}
}

func TestUniformPlan(t *testing.T) {
	for _, n := range []int{1, 2, 3, 4, 5, 7, 8, 13} {
		for target := (n + 1) / 2; target <= 2*n; target++ {
			t.Run(fmt.Sprintf("%d_to_%d", n, target), func(t *testing.T) {
				m := reshardTestStream(n)
				p := newPlanner(m, 5000)
				p.uniformPlan(target)
				reshardApply(t, m, p.op)
				reshardCheckLineage(t, m, hashkey.Full.Split(target))
				if target == n && !p.op.empty() {
					t.Fatalf("same count changed shards: %+v", p.op)
				}
			})
		}
	}
}

// TestUniformPlanIrregular rescales streams whose open shards are uneven after manual
// splits and merges, and chains several rescales.
func TestUniformPlanIrregular(t *testing.T) {
	m := reshardTestStream(4)
	p := newPlanner(m, 2000)
	r0 := m.shard(0).hashRange()
	p.split(0, r0, r0.Start.Add(12345))
	reshardApply(t, m, p.op)
	p = newPlanner(m, 2500)
	p.merge(2, 3, hashkey.Range{Start: m.shard(2).hashRange().Start, End: m.shard(3).hashRange().End})
	reshardApply(t, m, p.op)
	for i, target := range []int{3, 6, 11, 7, 4, 8, 5, 3} {
		p := newPlanner(m, int64(3000+i))
		p.uniformPlan(target)
		reshardApply(t, m, p.op)
		reshardCheckLineage(t, m, hashkey.Full.Split(target))
	}
}

func TestCheckShardCountMax(t *testing.T) {
	s := &Service{opts: Options{ShardLimit: 100000}}
	r := streamRef{Account: "000000000000", Region: "us-east-1", Name: "s"}
	err := s.checkShardCount(r, 6000, 10001, 6000)
	want := "LimitExceededException: Target shard count or number of open shards cannot be greater than 10000. Current open shard count: 6000, Target shard count: 10001"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
	if err := s.checkShardCount(r, 6000, 10000, 6000); err != nil {
		t.Fatalf("10000 shards: %v", err)
	}
}
