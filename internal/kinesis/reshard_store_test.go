package kinesis

import (
	"encoding/json"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/freshet/freshet/internal/auth"
	"github.com/freshet/freshet/internal/hashkey"
	"github.com/freshet/freshet/internal/seqnum"
	"github.com/freshet/freshet/internal/store"
)

// reshardService runs a service (autoscaling off) on st, or on a new memory engine holding
// one 4-shard stream of the given mode.
func reshardService(t *testing.T, st *store.Store, mode string) (*Service, streamRef) {
	t.Helper()
	r := streamRef{Account: "000000000000", Region: "us-east-1", Name: "s"}
	create := st == nil
	if create {
		var err error
		if st, err = store.Open(t.Context(), store.Options{Memory: true}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
	}
	s, err := New(t.Context(), Options{Store: st, AutoscaleInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	if create {
		ctx := auth.WithScope(t.Context(), auth.Scope{Account: r.Account, Region: r.Region})
		if _, err := s.CreateStream(ctx, &CreateStreamInput{StreamName: &r.Name, StreamModeDetails: &StreamModeDetails{StreamMode: &mode}}); err != nil {
			t.Fatal(err)
		}
	}
	return s, r
}

func rawMeta(t *testing.T, s *Service, r streamRef) *streamMeta {
	t.Helper()
	b, _, err := s.store.MetaGet(t.Context(), r.key())
	if err != nil {
		t.Fatal(err)
	}
	m := new(streamMeta)
	if err := json.Unmarshal(b, m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestReshardResumesAfterCrash stores a plan (step 1) and stops as a crash would, at each
// point of step 2; the next load completes it with the same result.
func TestReshardResumesAfterCrash(t *testing.T) {
	for _, stage := range []string{"decided", "children created", "parent closed"} {
		t.Run(stage, func(t *testing.T) {
			s, r := reshardService(t, nil, modeProvisioned)
			ctx := t.Context()
			if _, err := s.store.Append(ctx, rawMeta(t, s, r).logName(0), appendBatch(nil, &batch{ArrivalMs: 1_700_000_000_000, Records: []record{{"a", []byte("1")}, {"b", []byte("2")}}})); err != nil {
				t.Fatal(err)
			}
			if _, err := s.update(ctx, r, func(m *streamMeta) error {
				p := newPlanner(m, s.now().UnixMilli())
				rg := m.shard(0).hashRange()
				k, _ := splitKey(rg)
				p.split(0, rg, k)
				s.propose(m, p.op)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			m := rawMeta(t, s, r)
			if m.Reshard == nil || len(m.Reshard.Open) != 2 || m.NextShardIndex != 6 {
				t.Fatalf("plan not stored: %+v", m.Reshard)
			}
			if stage != "decided" {
				for _, sh := range m.Reshard.Open {
					if err := s.store.CreateLog(ctx, m.logName(sh.Index), s.retention(m)); err != nil {
						t.Fatal(err)
					}
				}
			}
			if stage == "parent closed" {
				if _, err := s.store.CloseLog(ctx, m.logName(0)); err != nil {
					t.Fatal(err)
				}
			}
			// A new process (same engine) loads the stream.
			s2, _ := reshardService(t, s.store, modeProvisioned)
			got, _, err := s2.load(ctx, r)
			if err != nil {
				t.Fatal(err)
			}
			stored := rawMeta(t, s, r)
			if stored.Reshard != nil || got.Reshard != nil || len(stored.Shards) != 6 || stored.openShards() != 5 {
				t.Fatalf("plan not completed: %d shards, %d open, plan %+v", len(stored.Shards), stored.openShards(), stored.Reshard)
			}
			p := stored.shard(0)
			want := recordSeq(p, 1, 1, 1_700_000_000_000).String()
			if p.ClosedMs == 0 || p.EndingSeq != want {
				t.Fatalf("parent: closed %d, ending %s, want %s", p.ClosedMs, p.EndingSeq, want)
			}
			if _, err := s.store.Append(ctx, stored.logName(0), []byte("late")); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("append to the closed parent: got %v, want ErrNotFound", err)
			}
			for _, i := range []int{4, 5} {
				if _, err := s.store.Append(ctx, stored.logName(i), appendBatch(nil, &batch{Records: []record{{"c", nil}}})); err != nil {
					t.Fatalf("append to child %d: %v", i, err)
				}
			}
		})
	}
}

// TestApplyScalingConcurrent: two nodes sharing an engine decide to split the same hot shard
// at once; the shard is split exactly once.
func TestApplyScalingConcurrent(t *testing.T) {
	s1, r := reshardService(t, nil, modeOnDemand)
	s2, _ := reshardService(t, s1.store, modeOnDemand)
	id := rawMeta(t, s1, r).ID
	var wg sync.WaitGroup
	for _, s := range []*Service{s1, s2, s1, s2} {
		wg.Go(func() {
			if err := s.applyScaling(t.Context(), r, id, []int{0}, nil); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	m := rawMeta(t, s1, r)
	if len(m.Shards) != 6 || m.openShards() != 5 || m.NextShardIndex != 6 || len(m.children(0)) != 2 {
		t.Fatalf("after concurrent splits of shard 0: %d shards, %d open, next index %d, %d children", len(m.Shards), m.openShards(), m.NextShardIndex, len(m.children(0)))
	}
}

// TestReshardAfterDelete: a plan carried out late, after the stream was deleted, leaves no
// child log behind.
func TestReshardAfterDelete(t *testing.T) {
	s, r := reshardService(t, nil, modeProvisioned)
	ctx := t.Context()
	m, err := s.update(ctx, r, func(m *streamMeta) error {
		p := newPlanner(m, s.now().UnixMilli())
		rg := m.shard(1).hashRange()
		k, _ := splitKey(rg)
		p.split(1, rg, k)
		s.propose(m, p.op)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The stream is deleted meanwhile (logs, then metadata, as finishDelete does).
	s.deleteLogs(ctx, m, m.Shards)
	_, rev, err := s.store.MetaGet(ctx, r.key())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.store.MetaDelete(ctx, r.key(), rev); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.settle(ctx, r, m, rev); err == nil || err.Error() != r.notFound().Error() {
		t.Fatalf("settle after delete: got %v, want %v", err, r.notFound())
	}
	for _, sh := range m.Reshard.Open {
		if _, err := s.store.State(ctx, m.logName(sh.Index)); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("child log %d left behind: %v", sh.Index, err)
		}
	}
}

// BenchmarkReshard measures a SplitShard followed by the MergeShards that undoes it, and an
// UpdateShardCount 4 → 8 → 4, on a memory engine (each op completes before it returns).
func BenchmarkReshard(b *testing.B) {
	b.Run("split+merge", func(b *testing.B) {
		s, r := reshardBenchService(b)
		ctx := auth.WithScope(b.Context(), auth.Scope{Account: r.Account, Region: r.Region})
		shard := 0
		for b.Loop() {
			m, _, err := s.load(ctx, r)
			if err != nil {
				b.Fatal(err)
			}
			rg := m.shard(shard).hashRange()
			k, _ := splitKey(rg)
			key := k.String()
			if _, err := s.SplitShard(ctx, &SplitShardInput{StreamName: &r.Name, ShardToSplit: reshardPtr(shardID(shard)), NewStartingHashKey: &key}); err != nil {
				b.Fatal(err)
			}
			lo, hi := m.NextShardIndex, m.NextShardIndex+1
			if _, err := s.MergeShards(ctx, &MergeShardsInput{StreamName: &r.Name, ShardToMerge: reshardPtr(shardID(lo)), AdjacentShardToMerge: reshardPtr(shardID(hi))}); err != nil {
				b.Fatal(err)
			}
			shard = hi + 1
		}
	})
	b.Run("updateShardCount-4-8-4", func(b *testing.B) {
		s, r := reshardBenchService(b)
		ctx := auth.WithScope(b.Context(), auth.Scope{Account: r.Account, Region: r.Region})
		scaling := "UNIFORM_SCALING"
		for b.Loop() {
			for _, n := range []int64{8, 4} {
				if _, err := s.UpdateShardCount(ctx, &UpdateShardCountInput{StreamName: &r.Name, ScalingType: &scaling, TargetShardCount: &n}); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

func reshardBenchService(b *testing.B) (*Service, streamRef) {
	st, err := store.Open(b.Context(), store.Options{Memory: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	s, err := New(b.Context(), Options{Store: st, AutoscaleInterval: -1, ShardLimit: 1 << 20})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(s.Close)
	r := streamRef{Account: "000000000000", Region: "us-east-1", Name: "bench"}
	ctx := auth.WithScope(b.Context(), auth.Scope{Account: r.Account, Region: r.Region})
	if _, err := s.CreateStream(ctx, &CreateStreamInput{StreamName: &r.Name}); err != nil {
		b.Fatal(err)
	}
	return s, r
}

func reshardPtr[T any](v T) *T { return &v }

// TestSplitUnderWrites splits a shard while four producers write to it: every write the
// parent acknowledged is in its log at or before its EndingSequenceNumber, and the parent's
// log takes nothing after it closed.
func TestSplitUnderWrites(t *testing.T) {
	s, r := reshardService(t, nil, modeProvisioned)
	ctx := auth.WithScope(t.Context(), auth.Scope{Account: r.Account, Region: r.Region})
	var (
		mu       sync.Mutex
		inParent []string // sequence numbers acknowledged by shard 0
		stop     atomic.Bool
		wg       sync.WaitGroup
		started  = make(chan struct{}, 4)
	)
	for p := range 4 {
		wg.Go(func() {
			for n := 0; !stop.Load(); n++ {
				entries := make([]PutRecordsRequestEntry, 10)
				for i := range entries {
					entries[i] = PutRecordsRequestEntry{Data: []byte("x"), PartitionKey: reshardPtr("k"), ExplicitHashKey: reshardPtr(strconv.Itoa(p*100 + i))}
				}
				out, err := s.PutRecords(ctx, &PutRecordsInput{StreamName: &r.Name, Records: entries})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				for _, e := range out.Records {
					if e.ErrorCode != "" {
						t.Errorf("put: %s %s", e.ErrorCode, e.ErrorMessage)
					}
					if e.ShardId == shardID(0) {
						inParent = append(inParent, e.SequenceNumber)
					}
				}
				mu.Unlock()
				if n == 5 {
					started <- struct{}{}
				}
			}
		})
	}
	for range 4 {
		<-started
	}
	key := "42535295865117307932921825928971026432" // 2^125, inside shard 0 = [0, 2^126-1]
	if _, err := s.SplitShard(ctx, &SplitShardInput{StreamName: &r.Name, ShardToSplit: reshardPtr(shardID(0)), NewStartingHashKey: &key}); err != nil {
		t.Fatal(err)
	}
	// Keep writing for a while after the split (to the children now).
	m, _, err := s.load(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	for range 50 {
		if _, err := s.PutRecords(ctx, &PutRecordsInput{StreamName: &r.Name, Records: []PutRecordsRequestEntry{{Data: []byte("y"), PartitionKey: reshardPtr("k"), ExplicitHashKey: reshardPtr("7")}}}); err != nil {
			t.Fatal(err)
		}
	}
	stop.Store(true)
	wg.Wait()

	parent := m.shard(0)
	end, err := seqnum.Parse(parent.EndingSeq)
	if err != nil {
		t.Fatalf("EndingSequenceNumber %q: %v", parent.EndingSeq, err)
	}
	endSeq, _ := splitPosition(end.Index)
	st, err := s.store.State(ctx, m.logName(0))
	if err != nil {
		t.Fatal(err)
	}
	if st.Last != endSeq {
		t.Fatalf("parent log ends at engine sequence %d, its EndingSequenceNumber says %d: written after closing", st.Last, endSeq)
	}
	res, err := s.store.Read(ctx, m.logName(0), store.ReadRequest{From: 1, Max: 100000})
	if err != nil {
		t.Fatal(err)
	}
	stored := 0
	for _, msg := range res.Msgs {
		b, err := decodeBatch(msg.Data)
		if err != nil {
			t.Fatal(err)
		}
		stored += len(b.Records)
	}
	mu.Lock()
	defer mu.Unlock()
	if stored != len(inParent) {
		t.Fatalf("parent holds %d records, %d acknowledged by it", stored, len(inParent))
	}
	for _, sq := range inParent {
		n, err := seqnum.Parse(sq)
		if err != nil || n.Index > end.Index {
			t.Fatalf("acknowledged %s is past the parent's end %s (%v)", sq, parent.EndingSeq, err)
		}
	}
}

// TestStaleWriteAfterSplit: a write routed on metadata read before a split (a slow
// request) reaches the engine after the split: it cannot land in the closed parent and is
// re-routed to the child owning its key.
func TestStaleWriteAfterSplit(t *testing.T) {
	s, r := reshardService(t, nil, modeProvisioned)
	ctx := auth.WithScope(t.Context(), auth.Scope{Account: r.Account, Region: r.Region})
	stale, _, err := s.load(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	key := "1000"
	if _, err := s.SplitShard(ctx, &SplitShardInput{StreamName: &r.Name, ShardToSplit: reshardPtr(shardID(0)), NewStartingHashKey: &key}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.store.Append(ctx, stale.logName(0), []byte("late")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("append to the split parent: got %v, want ErrNotFound", err)
	}
	k, _ := hashkey.Parse("999")
	res, err := s.putAt(ctx, r, stale, 0, []putEntry{{rec: record{PartitionKey: "k", Data: []byte("late")}, key: k}})
	if err != nil || res[0].err != nil || res[0].shard != shardID(4) {
		t.Fatalf("stale write: %+v %v, want it stored in shard 4", res, err)
	}
}
