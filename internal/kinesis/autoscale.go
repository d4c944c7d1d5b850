package kinesis

// On-demand capacity: ON_DEMAND streams start with 4 shards and a background loop owned by
// the Service (started by New, stopped by Close) reshapes them from the write rates the
// write path tracks (limiter.writeRate, the last writeRateWindow seconds). Every
// Options.AutoscaleInterval it looks at each ACTIVE ON_DEMAND stream and, in one reshard
// plan per stream:
//
//   - splits every hot shard at the middle of its range: accepted writes above
//     AutoscaleSplitAt (default 80%) of the per-shard limit, 1000 records/s or 1 MiB/s,
//     within the account shard limit;
//   - merges adjacent pairs of cold shards, narrowest union first, while the stream keeps
//     more than 4 open shards: both below AutoscaleMergeBelow (default 10%) of the limit
//     for AutoscaleMergeAfter (default 5 minutes) as seen by this loop.
//
// Decisions go through the same compare-and-set reshard as SplitShard and MergeShards: the
// plan is re-validated against the stored metadata (every shard involved still open, the
// stream ACTIVE and ON_DEMAND) inside the CAS, so two processes sharing an engine cannot
// both split or merge the same shard; the loser's plan is dropped and re-decided next tick.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/freshet/freshet/internal/hashkey"
)

// Autoscaling defaults (see Options).
const (
	defaultAutoscaleInterval   = 5 * time.Second
	defaultAutoscaleSplitAt    = 0.8
	defaultAutoscaleMergeBelow = 0.1
	defaultAutoscaleMergeAfter = 5 * time.Minute
)

// errStalePlan aborts an autoscaling plan that the stored metadata no longer allows.
var errStalePlan = errors.New("autoscale plan is stale")

// scaler is the autoscaling loop's memory, owned by its goroutine.
type scaler struct {
	started time.Time
	// coldSince is, per open shard seen, since when it has been cold (zero: it was not
	// at the last look). A shard first seen cold has been cold since it was created or
	// since the loop started, whichever is later: the rate window covers the time
	// between two looks.
	coldSince map[limitKey]time.Time
}

// startAutoscaler starts the loop; Close stops it.
func (s *Service) startAutoscaler() {
	o := &s.opts
	if o.AutoscaleInterval == 0 {
		o.AutoscaleInterval = defaultAutoscaleInterval
	}
	if o.AutoscaleSplitAt == 0 {
		o.AutoscaleSplitAt = defaultAutoscaleSplitAt
	}
	if o.AutoscaleMergeBelow == 0 {
		o.AutoscaleMergeBelow = defaultAutoscaleMergeBelow
	}
	if o.AutoscaleMergeAfter == 0 {
		o.AutoscaleMergeAfter = defaultAutoscaleMergeAfter
	}
	if o.AutoscaleInterval < 0 {
		return
	}
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		t := time.NewTicker(o.AutoscaleInterval)
		defer t.Stop()
		sc := &scaler{started: s.now(), coldSince: map[limitKey]time.Time{}}
		for {
			select {
			case <-s.bgCtx.Done():
				return
			case <-t.C:
				if err := s.autoscale(s.bgCtx, sc); err != nil && s.bgCtx.Err() == nil {
					s.log.Warn("autoscale", "err", err)
				}
			}
		}
	}()
}

// autoscale runs one round over every stream of every account.
func (s *Service) autoscale(ctx context.Context, sc *scaler) error {
	entries, err := s.store.MetaList(ctx, "kinesis.stream.>")
	if err != nil {
		return err
	}
	now := s.now()
	accountOpen := map[string]int{}
	var streams []*streamMeta
	for _, e := range entries {
		m := new(streamMeta)
		if err := json.Unmarshal(e.Value, m); err != nil {
			return fmt.Errorf("decode stream %s: %w", e.Key, err)
		}
		if m.gone(now) {
			continue
		}
		accountOpen[m.Account+"/"+m.Region] += m.openShards()
		if m.Mode == modeOnDemand && m.status(now) == statusActive && m.Reshard == nil {
			streams = append(streams, m)
		}
	}
	seen := map[limitKey]time.Time{}
	for _, m := range streams {
		room := s.opts.ShardLimit - accountOpen[m.Account+"/"+m.Region]
		splits, merges := s.scaleDecision(m, now, sc, seen, room)
		if len(splits) == 0 && len(merges) == 0 {
			continue
		}
		accountOpen[m.Account+"/"+m.Region] += len(splits) - len(merges)
		r := streamRef{Account: m.Account, Region: m.Region, Name: m.Name}
		if err := s.applyScaling(ctx, r, m.ID, splits, merges); err != nil {
			// One stream's failure (deleted meanwhile, engine error) must not hold up the
			// others; this stream is decided again next round.
			s.log.Warn("autoscale", "stream", m.Name, "err", err)
			continue
		}
		s.log.Info("autoscaled on-demand stream", "stream", m.Name, "splits", len(splits), "merges", len(merges))
	}
	sc.coldSince = seen
	return nil
}

// scaleDecision picks the open shards of m to split and the adjacent pairs (lower, upper)
// to merge, at most room more shards. It records in seen the new coldSince of m's shards.
func (s *Service) scaleDecision(m *streamMeta, now time.Time, sc *scaler, seen map[limitKey]time.Time, room int) (splits []int, merges [][2]int) {
	open := m.openByHash()
	o := &s.opts
	ready := make([]bool, len(open)) // cold for long enough to merge
	for i, sh := range open {
		recs, bytes := s.limits.writeRate(m.ID, sh.Index, now)
		k := limitKey{m.ID, sh.Index}
		seen[k] = time.Time{}
		switch {
		case recs > o.AutoscaleSplitAt*shardWriteRecords || bytes > o.AutoscaleSplitAt*shardWriteBytes:
			if _, ok := splitKey(sh.hashRange()); ok && len(splits) < room {
				splits = append(splits, sh.Index)
			}
		case recs < o.AutoscaleMergeBelow*shardWriteRecords && bytes < o.AutoscaleMergeBelow*shardWriteBytes:
			since, ok := sc.coldSince[k]
			switch {
			case !ok:
				since = timeMs(max(sh.CreatedMs, sc.started.UnixMilli()))
			case since.IsZero():
				since = now
			}
			seen[k] = since
			ready[i] = now.Sub(since) >= o.AutoscaleMergeAfter
		}
	}
	type pair struct {
		i     int
		width float64
	}
	var pairs []pair
	for i := 0; i+1 < len(open); i++ {
		if ready[i] && ready[i+1] {
			u := hashkey.Range{Start: open[i].hashRange().Start, End: open[i+1].hashRange().End}
			pairs = append(pairs, pair{i, approxWidth(u)})
		}
	}
	slices.SortStableFunc(pairs, func(a, b pair) int {
		switch {
		case a.width < b.width:
			return -1
		case a.width > b.width:
			return 1
		}
		return 0
	})
	used := make([]bool, len(open))
	count := len(open) + len(splits)
	for _, p := range pairs {
		if count <= onDemandShards {
			break
		}
		if used[p.i] || used[p.i+1] {
			continue
		}
		used[p.i], used[p.i+1] = true, true
		merges = append(merges, [2]int{open[p.i].Index, open[p.i+1].Index})
		count--
	}
	return splits, merges
}

// applyScaling stores and carries out the plan if the stream still allows it.
func (s *Service) applyScaling(ctx context.Context, r streamRef, id string, splits []int, merges [][2]int) error {
	_, err := s.update(ctx, r, func(m *streamMeta) error {
		if m.ID != id || m.Mode != modeOnDemand || s.requireActive(m) != nil {
			return errStalePlan
		}
		p := newPlanner(m, s.now().UnixMilli())
		for _, i := range splits {
			sh := m.shard(i)
			if sh == nil || sh.ClosedMs != 0 {
				return errStalePlan
			}
			key, _ := splitKey(sh.hashRange())
			p.split(i, sh.hashRange(), key)
		}
		for _, pr := range merges {
			a, b := m.shard(pr[0]), m.shard(pr[1])
			if a == nil || b == nil || a.ClosedMs != 0 || b.ClosedMs != 0 {
				return errStalePlan
			}
			p.merge(a.Index, b.Index, hashkey.Range{Start: a.hashRange().Start, End: b.hashRange().End})
		}
		s.propose(m, p.op)
		return nil
	})
	if errors.Is(err, errStalePlan) {
		return nil
	}
	if err != nil {
		return err
	}
	_, _, err = s.load(ctx, r) // carries the plan out
	return err
}

// splitKey is the middle of a range, where SplitShard accepts it (more than one above the
// start, below the end); ok is false for ranges too narrow to split.
func splitKey(rg hashkey.Range) (hashkey.Key, bool) {
	key := rg.Split(2)[1].Start
	return key, key.Cmp(rg.Start.Add(1)) > 0 && key.Cmp(rg.End) < 0
}

// approxWidth is a range's width as a float, to rank ranges by size.
func approxWidth(rg hashkey.Range) float64 {
	return (float64(rg.End.Hi)-float64(rg.Start.Hi))*(1<<64) + float64(rg.End.Lo) - float64(rg.Start.Lo)
}
