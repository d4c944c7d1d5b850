package kinesis

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestScaleDecision(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	newScaler := func() (*Service, *scaler) {
		s := &Service{limits: newLimiter(false), opts: Options{AutoscaleSplitAt: 0.8, AutoscaleMergeBelow: 0.1, AutoscaleMergeAfter: 5 * time.Minute}}
		return s, &scaler{started: t0, coldSince: map[limitKey]time.Time{}}
	}
	write := func(s *Service, m *streamMeta, shard, records, size int, at time.Time) {
		recs := make([]record, records)
		for i := range recs {
			recs[i] = record{PartitionKey: "k", Data: make([]byte, size-1)}
		}
		s.limits.allowWrite(m.ID, shard, recs, at)
	}
	decide := func(s *Service, sc *scaler, m *streamMeta, now time.Time, room int) ([]int, [][2]int) {
		seen := map[limitKey]time.Time{}
		splits, merges := s.scaleDecision(m, now, sc, seen, room)
		sc.coldSince = seen
		return splits, merges
	}
	type want struct {
		Splits []int
		Merges [][2]int
	}
	check := func(name string, gotS []int, gotM [][2]int, w want) {
		t.Helper()
		if diff := cmp.Diff(w, want{gotS, gotM}); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}

	t.Run("hot by records and by bytes, within room", func(t *testing.T) {
		s, sc := newScaler()
		m := reshardTestStream(4)
		m.ID = "hot"
		write(s, m, 1, 4500, 1, t0)     // 900 records/s over 5 s
		write(s, m, 3, 10, 500_000, t0) // ~1 MB/s
		write(s, m, 2, 3500, 1, t0)     // 700 records/s: not hot
		sp, mg := decide(s, sc, m, t0.Add(time.Second), 8)
		check("room 8", sp, mg, want{Splits: []int{1, 3}})
		sp, mg = decide(s, sc, m, t0.Add(time.Second), 1)
		check("room 1", sp, mg, want{Splits: []int{1}})
	})
	t.Run("cold neighbours merge after the quiet period, narrowest first, down to 4", func(t *testing.T) {
		s, sc := newScaler()
		m := reshardTestStream(4)
		m.ID = "cold"
		p := newPlanner(m, t0.UnixMilli())
		for _, i := range []int{0, 3} {
			rg := m.shard(i).hashRange()
			k, _ := splitKey(rg)
			p.split(i, rg, k)
		}
		reshardApply(t, m, p.op)                      // 6 open: 4 5 1 2 6 7 by hash
		write(s, m, 2, 200, 1, t0.Add(4*time.Minute)) // 40 records/s: cold
		sp, mg := decide(s, sc, m, t0.Add(4*time.Minute+time.Second), 8)
		check("before the quiet period", sp, mg, want{})
		write(s, m, 2, 1000, 1, t0.Add(5*time.Minute)) // 200 records/s: warm, not hot
		sp, mg = decide(s, sc, m, t0.Add(5*time.Minute+time.Second), 8)
		check("after 5 min, shard 2 warm", sp, mg, want{Merges: [][2]int{{4, 5}, {6, 7}}})
		sp, mg = decide(s, sc, m, t0.Add(11*time.Minute), 8)
		check("shard 2 cold again only since 6 min", sp, mg, want{Merges: [][2]int{{4, 5}, {6, 7}}})
	})
	t.Run("no merge at 4 shards", func(t *testing.T) {
		s, sc := newScaler()
		m := reshardTestStream(4)
		sp, mg := decide(s, sc, m, t0.Add(time.Hour), 8)
		check("4 shards", sp, mg, want{})
	})
}
