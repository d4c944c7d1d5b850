package conformance

// Resharding under load: a lineage-following consumer against producers while the stream
// is split, merged, rescaled and the server restarted; on-demand autoscaling.

import (
	"context"
	"fmt"
	"math/big"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	fkinesis "github.com/freshet/freshet/internal/kinesis"
	"github.com/freshet/freshet/internal/server"
	"github.com/freshet/freshet/internal/store"
)

// rsStart runs engine, service and server on dir ("" for memory) and addr ("127.0.0.1:0"
// for any port), with the given service options (Store is filled in). The returned stop
// shuts them down, once; the test's cleanup calls it too.
func rsStart(t *testing.T, dir, addr string, o fkinesis.Options) (*env, func()) {
	t.Helper()
	st, err := store.Open(t.Context(), store.Options{DataDir: dir, Memory: dir == ""})
	if err != nil {
		t.Fatal(err)
	}
	o.Store = st
	svc, err := fkinesis.New(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(server.Config{Kinesis: svc})
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	stop := sync.OnceFunc(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		<-done
		svc.Close()
		st.Close()
	})
	t.Cleanup(stop)
	e := &env{URL: "http://" + ln.Addr().String(), Store: st, Svc: svc}
	e.Client = e.client("AKIDEXAMPLE", "us-east-1")
	return e, stop
}

// rsLive is a server that can be restarted on the same data directory and address while
// producers and consumers use it: they hold gate for reading around each call.
type rsLive struct {
	gate   sync.RWMutex
	client atomic.Pointer[kinesis.Client]
	e      *env
	stop   func()
	dir    string
	opts   fkinesis.Options
}

func (l *rsLive) call(fn func(c *kinesis.Client) error) error {
	l.gate.RLock()
	defer l.gate.RUnlock()
	return fn(l.client.Load())
}

func (l *rsLive) restart(t *testing.T) {
	t.Helper()
	l.gate.Lock()
	defer l.gate.Unlock()
	addr := strings.TrimPrefix(l.e.URL, "http://")
	l.stop()
	l.e, l.stop = rsStart(t, l.dir, addr, l.opts)
	l.client.Store(l.e.Client)
}

// rsProducer writes records "key:n" for its keys, n = 0, 1, 2, … per key, each only after
// the previous one of its key was acknowledged, so per-key order is the order of n.
type rsProducer struct {
	keys  []string
	acked []atomic.Int64 // per key: records acknowledged (the next n)
}

func (p *rsProducer) run(ctx context.Context, l *rsLive, stream string, errs chan<- error) {
	for ctx.Err() == nil {
		entries := make([]types.PutRecordsRequestEntry, len(p.keys))
		for i, k := range p.keys {
			entries[i] = types.PutRecordsRequestEntry{PartitionKey: aws.String(k), Data: fmt.Appendf(nil, "%s:%d", k, p.acked[i].Load())}
		}
		var out *kinesis.PutRecordsOutput
		err := l.call(func(c *kinesis.Client) error {
			var err error
			out, err = c.PutRecords(context.Background(), &kinesis.PutRecordsInput{StreamName: aws.String(stream), Records: entries})
			return err
		})
		if err != nil {
			errs <- fmt.Errorf("PutRecords: %w", err)
			return
		}
		for i, r := range out.Records {
			if r.ErrorCode == nil {
				p.acked[i].Add(1)
			}
		}
	}
}

// rsConsumer reads a stream following lineage: a shard is read only once every parent it
// has (among the shards listed) was read to its end (GetRecords until NextShardIterator is
// null); children come from ChildShards and ListShards. It checks that each key's records
// arrive as 0, 1, 2, … (no loss, duplicate or reordering).
type rsConsumer struct {
	stream  string
	known   map[string]types.Shard
	parents map[string][]string
	done    map[string]bool
	iters   map[string]*string
	last    map[string]int // per key: last n read
}

func newRSConsumer(stream string) *rsConsumer {
	return &rsConsumer{stream: stream, known: map[string]types.Shard{}, parents: map[string][]string{}, done: map[string]bool{}, iters: map[string]*string{}, last: map[string]int{}}
}

func (c *rsConsumer) learn(id string, parents ...*string) {
	if _, ok := c.parents[id]; ok {
		return
	}
	var ps []string
	for _, p := range parents {
		if p != nil {
			ps = append(ps, *p)
		}
	}
	c.parents[id] = ps
}

// step lists shards, starts the ready ones and reads each active shard once. It returns
// how many records it read.
func (c *rsConsumer) step(l *rsLive) (int, error) {
	ctx := context.Background()
	var shards []types.Shard
	err := l.call(func(cl *kinesis.Client) error {
		in := &kinesis.ListShardsInput{StreamName: aws.String(c.stream)}
		for {
			out, err := cl.ListShards(ctx, in)
			if err != nil {
				return err
			}
			shards = append(shards, out.Shards...)
			if out.NextToken == nil {
				return nil
			}
			in = &kinesis.ListShardsInput{NextToken: out.NextToken}
		}
	})
	if err != nil {
		return 0, fmt.Errorf("ListShards: %w", err)
	}
	for _, s := range shards {
		c.known[*s.ShardId] = s
		c.learn(*s.ShardId, s.ParentShardId, s.AdjacentParentShardId)
	}
	ids := make([]string, 0, len(c.parents))
	for id := range c.parents {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if c.done[id] || c.iters[id] != nil {
			continue
		}
		ready := true
		for _, p := range c.parents[id] {
			if _, listed := c.parents[p]; listed && !c.done[p] {
				ready = false
			}
		}
		if !ready {
			continue
		}
		err := l.call(func(cl *kinesis.Client) error {
			out, err := cl.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String(c.stream), ShardId: aws.String(id), ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
			if err == nil {
				c.iters[id] = out.ShardIterator
			}
			return err
		})
		if err != nil {
			return 0, fmt.Errorf("GetShardIterator %s: %w", id, err)
		}
	}
	read := 0
	for _, id := range ids {
		it := c.iters[id]
		if it == nil {
			continue
		}
		var out *kinesis.GetRecordsOutput
		err := l.call(func(cl *kinesis.Client) error {
			var err error
			out, err = cl.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it, Limit: aws.Int32(1000)})
			return err
		})
		if err != nil {
			return 0, fmt.Errorf("GetRecords %s: %w", id, err)
		}
		for _, r := range out.Records {
			key, n, ok := strings.Cut(string(r.Data), ":")
			v, err := strconv.Atoi(n)
			if !ok || err != nil || key != *r.PartitionKey {
				return 0, fmt.Errorf("shard %s: bad record %q (key %s)", id, r.Data, *r.PartitionKey)
			}
			last, seen := c.last[key]
			if !seen {
				last = -1
			}
			if v != last+1 {
				return 0, fmt.Errorf("shard %s: key %s: read %d after %d (lost, duplicated or out of order)", id, key, v, last)
			}
			c.last[key] = v
			read++
		}
		if out.NextShardIterator == nil {
			c.done[id] = true
			delete(c.iters, id)
			for _, ch := range out.ChildShards {
				var ps []*string
				for _, p := range ch.ParentShards {
					ps = append(ps, aws.String(p))
				}
				c.learn(*ch.ShardId, ps...)
			}
			continue
		}
		c.iters[id] = out.NextShardIterator
	}
	return read, nil
}

// rsMid is the middle of a shard's hash range.
func rsMid(s types.Shard) string {
	lo, hi := rsBig(*s.HashKeyRange.StartingHashKey), rsBig(*s.HashKeyRange.EndingHashKey)
	return new(big.Int).Rsh(new(big.Int).Add(lo, hi), 1).String()
}

// rsOpen returns the open shards ordered by starting hash key.
func rsOpen(t *testing.T, l *rsLive, stream string) []types.Shard {
	t.Helper()
	var open []types.Shard
	l.gate.RLock()
	e := &env{Client: l.client.Load()}
	l.gate.RUnlock()
	for _, s := range rsShards(t, e, stream) {
		if s.SequenceNumberRange.EndingSequenceNumber == nil {
			open = append(open, s)
		}
	}
	slices.SortFunc(open, func(a, b types.Shard) int {
		return rsBig(*a.HashKeyRange.StartingHashKey).Cmp(rsBig(*b.HashKeyRange.StartingHashKey))
	})
	return open
}

// TestReshardLineage: 3 producers write continuously while the stream is split, merged,
// rescaled up and down and the server restarted; a lineage-following consumer reads every
// record exactly once and in per-key order.
func TestReshardLineage(t *testing.T) {
	l := &rsLive{dir: t.TempDir()}
	l.e, l.stop = rsStart(t, l.dir, "127.0.0.1:0", l.opts)
	l.client.Store(l.e.Client)
	const stream = "lineage"
	l.e.createStream(t, stream, 4)

	ctx, stopProducers := context.WithCancel(t.Context())
	defer stopProducers()
	errs := make(chan error, 8)
	producers := make([]*rsProducer, 3)
	var wg sync.WaitGroup
	for i := range producers {
		p := &rsProducer{acked: make([]atomic.Int64, 8)}
		for k := range 8 {
			p.keys = append(p.keys, fmt.Sprintf("p%d-key%d", i, k))
		}
		producers[i] = p
		wg.Go(func() { p.run(ctx, l, stream, errs) })
	}
	acked := func() int64 {
		var n int64
		for _, p := range producers {
			for i := range p.acked {
				n += p.acked[i].Load()
			}
		}
		return n
	}
	c := newRSConsumer(stream)
	consumerDone := make(chan struct{})
	var consumerErr error
	var want atomic.Pointer[map[string]int] // set when producers stopped: final n per key
	go func() {
		defer close(consumerDone)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		deadline := time.Now().Add(2 * time.Minute)
		for time.Now().Before(deadline) {
			n, err := c.step(l)
			if err != nil {
				consumerErr = err
				return
			}
			if w := want.Load(); w != nil && n == 0 {
				caughtUp := true
				for k, v := range *w {
					if c.last[k] != v {
						caughtUp = false
					}
				}
				if caughtUp {
					return
				}
			}
			if n == 0 {
				<-tick.C
			}
		}
		consumerErr = fmt.Errorf("consumer did not catch up before its deadline")
	}()
	progress := func(what string) {
		t.Helper()
		start := acked()
		deadline := time.Now().Add(30 * time.Second)
		for acked() < start+50 {
			select {
			case err := <-errs:
				t.Fatalf("%s: producer: %v", what, err)
			case <-consumerDone:
				t.Fatalf("%s: consumer stopped: %v", what, consumerErr)
			default:
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: producers made no progress", what)
			}
			time.Sleep(time.Millisecond) // poll interval
		}
	}
	do := func(what string, fn func(c *kinesis.Client) error) {
		t.Helper()
		t0 := time.Now()
		if err := l.call(fn); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		t1 := time.Now()
		progress(what)
		t.Logf("%s took %v, then 50 records %v", what, t1.Sub(t0), time.Since(t1))
	}
	split := func() {
		s := rsOpen(t, l, stream)[0]
		do("SplitShard "+*s.ShardId, func(c *kinesis.Client) error {
			_, err := c.SplitShard(t.Context(), &kinesis.SplitShardInput{StreamName: aws.String(stream), ShardToSplit: s.ShardId, NewStartingHashKey: aws.String(rsMid(s))})
			return err
		})
	}
	merge := func() {
		open := rsOpen(t, l, stream)
		do("MergeShards "+*open[1].ShardId, func(c *kinesis.Client) error {
			_, err := c.MergeShards(t.Context(), &kinesis.MergeShardsInput{StreamName: aws.String(stream), ShardToMerge: open[1].ShardId, AdjacentShardToMerge: open[2].ShardId})
			return err
		})
	}
	scale := func(n int32) {
		do(fmt.Sprintf("UpdateShardCount %d", n), func(c *kinesis.Client) error {
			_, err := c.UpdateShardCount(t.Context(), &kinesis.UpdateShardCountInput{StreamName: aws.String(stream), TargetShardCount: aws.Int32(n), ScalingType: types.ScalingTypeUniformScaling})
			return err
		})
	}

	progress("start")
	split()
	merge()
	scale(7)
	scale(4)
	l.restart(t)
	progress("restart")
	scale(3)
	split()
	scale(6)
	merge()

	stopProducers()
	wg.Wait()
	select {
	case err := <-errs:
		t.Fatalf("producer: %v", err)
	default:
	}
	final := map[string]int{}
	for _, p := range producers {
		for i, k := range p.keys {
			final[k] = int(p.acked[i].Load()) - 1
		}
	}
	want.Store(&final)
	<-consumerDone
	if consumerErr != nil {
		t.Fatal(consumerErr)
	}
	rsCheckLineage(t, slices.Collect(func(yield func(types.Shard) bool) {
		for _, s := range c.known {
			if !yield(s) {
				return
			}
		}
	}))
	t.Logf("%d records by %d keys read in order across %d shards", acked(), len(final), len(c.known))
}

// TestOnDemandAutoscale: a hot shard of an ON_DEMAND stream is split; once every shard has
// been cold for the quiet period, cold neighbours are merged back down to 4 shards.
func TestOnDemandAutoscale(t *testing.T) {
	clock := &fakeClock{t: time.Now().Truncate(time.Second)}
	e, _ := rsStart(t, "", "127.0.0.1:0", fkinesis.Options{Now: clock.Now, AutoscaleInterval: 5 * time.Millisecond})
	ctx := t.Context()
	if _, err := e.Client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("od"), StreamModeDetails: &types.StreamModeDetails{StreamMode: types.StreamModeOnDemand}}); err != nil {
		t.Fatal(err)
	}
	if got := rsOpenRanges(rsShards(t, e, "od")); len(got) != 4 {
		t.Fatalf("on-demand stream starts with %d shards, want 4", len(got))
	}
	// 5000 records in one second into shardId-000000000000: 1000 records/s over the
	// 5-second window, above 80% of the 1000 records/s limit.
	for range 10 {
		entries := make([]types.PutRecordsRequestEntry, 500)
		for i := range entries {
			entries[i] = types.PutRecordsRequestEntry{PartitionKey: aws.String("hot"), ExplicitHashKey: aws.String(strconv.Itoa(i + 10)), Data: []byte("x")}
		}
		out, err := e.Client.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("od"), Records: entries})
		if err != nil || aws.ToInt32(out.FailedRecordCount) != 0 {
			t.Fatalf("PutRecords: %v", err)
		}
	}
	clock.Advance(time.Second)
	shards := rsPollShards(t, e, "od", func(s []types.Shard) bool { return len(rsOpenRanges(s)) == 5 })
	for _, s := range shards {
		if *s.ShardId == "shardId-000000000000" && s.SequenceNumberRange.EndingSequenceNumber == nil {
			t.Fatalf("hot shard 0 still open after the split: %+v", shards)
		}
	}
	rsCheckCover(t, rsOpenRanges(shards))
	rsCheckLineage(t, shards)

	clock.Advance(6 * time.Minute)
	shards = rsPollShards(t, e, "od", func(s []types.Shard) bool { return len(rsOpenRanges(s)) == 4 })
	rsCheckCover(t, rsOpenRanges(shards))
	rsCheckLineage(t, shards)
	last := shards[len(shards)-1]
	if aws.ToString(last.ParentShardId) != "shardId-000000000004" || aws.ToString(last.AdjacentParentShardId) != "shardId-000000000005" {
		t.Fatalf("merged shard %s has parents %s and %s, want the split's children 4 and 5", *last.ShardId, aws.ToString(last.ParentShardId), aws.ToString(last.AdjacentParentShardId))
	}
	if got, want := rsOpenRanges(shards), rsUniform(4); !slices.Equal(got, want) {
		t.Fatalf("open ranges after merging back: %v, want %v", got, want)
	}
}

// rsPollShards lists a stream's shards until ok accepts them (deadline 20s).
func rsPollShards(t *testing.T, e *env, stream string, ok func([]types.Shard) bool) []types.Shard {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		s := rsShards(t, e, stream)
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("shards never reached the expected state: %d open: %v", len(rsOpenRanges(s)), rsOpenRanges(s))
		}
		time.Sleep(5 * time.Millisecond) // poll interval
	}
}
