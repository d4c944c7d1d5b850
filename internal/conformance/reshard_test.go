package conformance

// Resharding: SplitShard, MergeShards, UpdateShardCount, closed-shard expiry. Helpers are
// prefixed "rs".

import (
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/google/go-cmp/cmp"

	"github.com/freshet/freshet/internal/store"
)

// rsShards lists every shard of a stream (open and closed).
func rsShards(t *testing.T, e *env, stream string) []types.Shard {
	t.Helper()
	var out []types.Shard
	in := &kinesis.ListShardsInput{StreamName: aws.String(stream)}
	for {
		res, err := e.Client.ListShards(t.Context(), in)
		if err != nil {
			t.Fatalf("ListShards %s: %v", stream, err)
		}
		out = append(out, res.Shards...)
		if res.NextToken == nil {
			return out
		}
		in = &kinesis.ListShardsInput{NextToken: res.NextToken}
	}
}

// rsOpenRanges returns the open shards' hash ranges ordered by start, as "start-end".
func rsOpenRanges(shards []types.Shard) []string {
	var open []types.Shard
	for _, s := range shards {
		if s.SequenceNumberRange.EndingSequenceNumber == nil {
			open = append(open, s)
		}
	}
	slices.SortFunc(open, func(a, b types.Shard) int {
		return rsBig(*a.HashKeyRange.StartingHashKey).Cmp(rsBig(*b.HashKeyRange.StartingHashKey))
	})
	var out []string
	for _, s := range open {
		out = append(out, *s.HashKeyRange.StartingHashKey+"-"+*s.HashKeyRange.EndingHashKey)
	}
	return out
}

func rsBig(s string) *big.Int {
	b, ok := new(big.Int).SetString(s, 10)
	if !ok {
		panic("bad hash key " + s)
	}
	return b
}

// rsUniform is what n evenly spread shards cover, as AWS computes it.
func rsUniform(n int) []string {
	space := new(big.Int).Lsh(big.NewInt(1), 128)
	step := new(big.Int).Quo(space, big.NewInt(int64(n)))
	var out []string
	start := new(big.Int)
	for i := range n {
		end := new(big.Int).Add(start, step)
		end.Sub(end, big.NewInt(1))
		if i == n-1 {
			end.Sub(space, big.NewInt(1))
		}
		out = append(out, start.String()+"-"+end.String())
		start = new(big.Int).Add(end, big.NewInt(1))
	}
	return out
}

// rsCheckCover asserts ranges ("start-end", ordered) tile 0..2^128-1 with no gap or overlap.
func rsCheckCover(t *testing.T, ranges []string) {
	t.Helper()
	next := new(big.Int)
	for _, r := range ranges {
		se := strings.Split(r, "-")
		if rsBig(se[0]).Cmp(next) != 0 {
			t.Fatalf("open ranges %v: %s does not start at %s", ranges, r, next)
		}
		next = new(big.Int).Add(rsBig(se[1]), big.NewInt(1))
	}
	if next.Cmp(new(big.Int).Lsh(big.NewInt(1), 128)) != 0 {
		t.Fatalf("open ranges %v end before 2^128-1", ranges)
	}
}

// rsCheckLineage asserts every shard has at most two parents, listed shards' parents cover
// its range, and no shard has more than two children.
func rsCheckLineage(t *testing.T, shards []types.Shard) {
	t.Helper()
	byID := map[string]types.Shard{}
	for _, s := range shards {
		byID[*s.ShardId] = s
	}
	children := map[string]int{}
	for _, s := range shards {
		var parents []types.Shard
		for _, p := range []*string{s.ParentShardId, s.AdjacentParentShardId} {
			if p == nil {
				continue
			}
			children[*p]++
			ps, ok := byID[*p]
			if !ok {
				t.Fatalf("shard %s: parent %s not listed", *s.ShardId, *p)
			}
			if ps.SequenceNumberRange.EndingSequenceNumber == nil {
				t.Fatalf("shard %s: parent %s still open", *s.ShardId, *p)
			}
			parents = append(parents, ps)
		}
		if len(parents) == 0 {
			continue
		}
		lo, hi := rsBig(*s.HashKeyRange.StartingHashKey), rsBig(*s.HashKeyRange.EndingHashKey)
		pl, ph := rsBig(*parents[0].HashKeyRange.StartingHashKey), rsBig(*parents[0].HashKeyRange.EndingHashKey)
		for _, p := range parents[1:] {
			if l := rsBig(*p.HashKeyRange.StartingHashKey); l.Cmp(pl) < 0 {
				pl = l
			}
			if h := rsBig(*p.HashKeyRange.EndingHashKey); h.Cmp(ph) > 0 {
				ph = h
			}
		}
		if pl.Cmp(lo) > 0 || ph.Cmp(hi) < 0 {
			t.Fatalf("shard %s [%s,%s] not covered by its parents [%s,%s]", *s.ShardId, lo, hi, pl, ph)
		}
	}
	for id, n := range children {
		if n > 2 {
			t.Fatalf("shard %s has %d children", id, n)
		}
	}
}

func TestReshardErrors(t *testing.T) {
	clock := &fakeClock{t: time.Now().Truncate(time.Millisecond)}
	e := newEnv(t, envOptions{StateDelay: time.Minute, Now: clock.Now, ShardLimit: 10})
	ctx := t.Context()
	c := e.Client
	raw := func(o *kinesis.Options) { noInputValidation(o) }
	for _, name := range []string{"s", "busy"} {
		if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String(name), ShardCount: aws.Int32(2)}); err != nil {
			t.Fatal(err)
		}
	}
	clock.Advance(2 * time.Minute) // both ACTIVE
	if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("od"), StreamModeDetails: &types.StreamModeDetails{StreamMode: types.StreamModeOnDemand}}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(2 * time.Minute)
	split := func(stream, shard, key string) func() error {
		return func() error {
			_, err := c.SplitShard(ctx, &kinesis.SplitShardInput{StreamName: aws.String(stream), ShardToSplit: aws.String(shard), NewStartingHashKey: aws.String(key)})
			return err
		}
	}
	merge := func(stream, a, b string) func() error {
		return func() error {
			_, err := c.MergeShards(ctx, &kinesis.MergeShardsInput{StreamName: aws.String(stream), ShardToMerge: aws.String(a), AdjacentShardToMerge: aws.String(b)})
			return err
		}
	}
	scale := func(stream string, n int32) func() error {
		return func() error {
			_, err := c.UpdateShardCount(ctx, &kinesis.UpdateShardCountInput{StreamName: aws.String(stream), TargetShardCount: aws.Int32(n), ScalingType: types.ScalingTypeUniformScaling})
			return err
		}
	}
	half := "170141183460469231731687303715884105728" // 2^127: start of shardId-000000000001 of "s"
	cases := []errCase{
		{"split no members", func() error { _, err := c.SplitShard(ctx, &kinesis.SplitShardInput{}, raw); return err }},
		{"split bad key and shard", func() error {
			_, err := c.SplitShard(ctx, &kinesis.SplitShardInput{StreamName: aws.String("s"), ShardToSplit: aws.String("shard 0"), NewStartingHashKey: aws.String("-1")})
			return err
		}},
		{"split unknown stream", split("nope", "shardId-000000000000", "100")},
		{"split unknown shard", split("s", "shardId-000000000009", "100")},
		{"split unknown shard name", split("s", "shard-x", "100")},
		{"split key at start", split("s", "shardId-000000000000", "0")},
		{"split key at start+1", split("s", "shardId-000000000000", "1")},
		{"split key at end", split("s", "shardId-000000000001", "340282366920938463463374607431768211455")},
		{"split key past 2^128", split("s", "shardId-000000000001", "999999999999999999999999999999999999999")},
		{"split key in other shard", split("s", "shardId-000000000000", half)},
		{"merge no members", func() error { _, err := c.MergeShards(ctx, &kinesis.MergeShardsInput{}, raw); return err }},
		{"merge unknown shard", merge("s", "shardId-000000000000", "shardId-000000000007")},
		{"merge with itself", merge("s", "shardId-000000000000", "shardId-000000000000")},
		{"scale no members", func() error { _, err := c.UpdateShardCount(ctx, &kinesis.UpdateShardCountInput{}, raw); return err }},
		{"scale bad type and count", func() error {
			_, err := c.UpdateShardCount(ctx, &kinesis.UpdateShardCountInput{StreamName: aws.String("s"), TargetShardCount: aws.Int32(0), ScalingType: "LINEAR"}, raw)
			return err
		}},
		{"scale over double", scale("s", 5)},
		{"split on-demand", split("od", "shardId-000000000000", "100")},
		{"merge on-demand", merge("od", "shardId-000000000000", "shardId-000000000001")},
		{"scale on-demand", scale("od", 4)},
	}
	var b strings.Builder
	run := func(cs []errCase) {
		for _, tc := range cs {
			fmt.Fprintf(&b, "%s: %s\n", tc.name, errorLine(t, tc.call()))
		}
	}
	run(cases)

	// "s": split shard 0, then shard 0 is closed for splitting and merging.
	if err := split("s", "shardId-000000000000", "1000")(); err != nil {
		t.Fatal(err)
	}
	run([]errCase{
		{"while UPDATING split", split("s", "shardId-000000000001", "340282366920938463463374607431768211000")},
		{"while UPDATING merge", merge("s", "shardId-000000000002", "shardId-000000000003")},
		{"while UPDATING scale", scale("s", 3)},
	})
	clock.Advance(2 * time.Minute)
	run([]errCase{
		{"split closed shard", split("s", "shardId-000000000000", "10")},
		{"merge closed shard", merge("s", "shardId-000000000000", "shardId-000000000001")},
		{"merge closed adjacent shard", merge("s", "shardId-000000000002", "shardId-000000000000")},
		{"merge not adjacent", merge("s", "shardId-000000000002", "shardId-000000000001")},
		{"scale under half", scale("s", 1)},
	})
	// 3 ("s") + 3 ("busy") + 4 ("od") open: one more shard exceeds the limit of 10.
	if err := split("busy", "shardId-000000000000", "1000")(); err != nil {
		t.Fatal(err)
	}
	clock.Advance(2 * time.Minute)
	run([]errCase{
		{"split over shard limit", split("s", "shardId-000000000001", "340282366920938463463374607431768211000")},
		{"scale over shard limit", scale("busy", 4)},
	})
	golden(t, "reshard_errors", b.String())
}

func TestUpdateShardCountRanges(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	e.createStream(t, "scale", 4)
	current := 4
	for _, target := range []int{8, 5, 3, 6, 12, 7, 4, 2, 1, 2, 3} {
		out, err := e.Client.UpdateShardCount(ctx, &kinesis.UpdateShardCountInput{StreamName: aws.String("scale"), TargetShardCount: aws.Int32(int32(target)), ScalingType: types.ScalingTypeUniformScaling})
		if err != nil {
			t.Fatalf("UpdateShardCount %d → %d: %v", current, target, err)
		}
		if *out.CurrentShardCount != int32(current) || *out.TargetShardCount != int32(target) || *out.StreamName != "scale" ||
			*out.StreamARN != "arn:aws:kinesis:us-east-1:000000000000:stream/scale" {
			t.Fatalf("UpdateShardCount %d → %d answered %d → %d (%s, %s)", current, target, *out.CurrentShardCount, *out.TargetShardCount, *out.StreamName, *out.StreamARN)
		}
		shards := rsShards(t, e, "scale")
		got := rsOpenRanges(shards)
		rsCheckCover(t, got)
		if diff := cmp.Diff(rsUniform(target), got); diff != "" {
			t.Fatalf("open ranges after scaling %d → %d (-want +got):\n%s", current, target, diff)
		}
		rsCheckLineage(t, shards)
		sum, err := e.Client.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("scale")})
		if err != nil || *sum.StreamDescriptionSummary.OpenShardCount != int32(target) {
			t.Fatalf("summary after scaling to %d: %v %v", target, sum, err)
		}
		current = target
	}
}

func TestSplitMergeShape(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	e.createStream(t, "shape", 2)
	if _, err := e.Client.SplitShard(ctx, &kinesis.SplitShardInput{StreamName: aws.String("shape"), ShardToSplit: aws.String("shardId-000000000000"), NewStartingHashKey: aws.String("1000")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Client.MergeShards(ctx, &kinesis.MergeShardsInput{StreamARN: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/shape"), ShardToMerge: aws.String("shardId-000000000003"), AdjacentShardToMerge: aws.String("shardId-000000000001")}); err != nil {
		t.Fatal(err)
	}
	type row struct {
		ID, Parent, Adjacent, Start, End string
		Closed                           bool
	}
	var got []row
	for _, s := range rsShards(t, e, "shape") {
		r := row{ID: *s.ShardId, Start: *s.HashKeyRange.StartingHashKey, End: *s.HashKeyRange.EndingHashKey, Parent: aws.ToString(s.ParentShardId), Adjacent: aws.ToString(s.AdjacentParentShardId)}
		if end := s.SequenceNumberRange.EndingSequenceNumber; end != nil {
			r.Closed = true
			if rsBig(*end).Cmp(rsBig(*s.SequenceNumberRange.StartingSequenceNumber)) < 0 {
				t.Fatalf("shard %s ends (%s) before it starts (%s)", r.ID, *end, *s.SequenceNumberRange.StartingSequenceNumber)
			}
		}
		got = append(got, r)
	}
	const half, last = "170141183460469231731687303715884105728", "340282366920938463463374607431768211455"
	want := []row{
		{ID: "shardId-000000000000", Start: "0", End: "170141183460469231731687303715884105727", Closed: true},
		{ID: "shardId-000000000001", Start: half, End: last, Closed: true},
		{ID: "shardId-000000000002", Parent: "shardId-000000000000", Start: "0", End: "999"},
		{ID: "shardId-000000000003", Parent: "shardId-000000000000", Start: "1000", End: "170141183460469231731687303715884105727", Closed: true},
		{ID: "shardId-000000000004", Parent: "shardId-000000000003", Adjacent: "shardId-000000000001", Start: "1000", End: last},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("shards (-want +got):\n%s", diff)
	}
}

// TestClosedShardsExpire: a closed shard disappears, log and all, once the retention period
// has passed since it closed; its children keep naming it as parent, as on AWS.
func TestClosedShardsExpire(t *testing.T) {
	clock := &fakeClock{t: time.Now().Truncate(time.Millisecond)}
	e := newEnv(t, envOptions{Now: clock.Now})
	ctx := t.Context()
	e.createStream(t, "exp", 1)
	if _, err := e.Client.SplitShard(ctx, &kinesis.SplitShardInput{StreamName: aws.String("exp"), ShardToSplit: aws.String("shardId-000000000000"), NewStartingHashKey: aws.String("1000")}); err != nil {
		t.Fatal(err)
	}
	sum, err := e.Client.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("exp")})
	if err != nil {
		t.Fatal(err)
	}
	parentLog := *sum.StreamDescriptionSummary.StreamId + "_0"
	ids := func() []string {
		var out []string
		for _, s := range rsShards(t, e, "exp") {
			out = append(out, *s.ShardId)
		}
		return out
	}
	clock.Advance(23 * time.Hour)
	if diff := cmp.Diff([]string{"shardId-000000000000", "shardId-000000000001", "shardId-000000000002"}, ids()); diff != "" {
		t.Fatalf("shards within retention (-want +got):\n%s", diff)
	}
	if _, err := e.Store.State(ctx, parentLog); err != nil {
		t.Fatalf("parent log within retention: %v", err)
	}
	clock.Advance(2 * time.Hour)
	if diff := cmp.Diff([]string{"shardId-000000000001", "shardId-000000000002"}, ids()); diff != "" {
		t.Fatalf("shards after retention (-want +got):\n%s", diff)
	}
	if _, err := e.Store.State(ctx, parentLog); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("parent log after retention: got %v, want ErrNotFound", err)
	}
	out, err := e.Client.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String("exp")})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(out.StreamDescription.Shards); n != 2 || aws.ToString(out.StreamDescription.Shards[0].ParentShardId) != "shardId-000000000000" {
		t.Fatalf("DescribeStream after retention: %d shards, first %+v", n, out.StreamDescription.Shards[0])
	}
}

// TestConcurrentSplits: eight clients split the same shard at once; exactly one succeeds,
// the others are told the shard was already split.
func TestConcurrentSplits(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createStream(t, "race", 2)
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = e.Client.SplitShard(t.Context(), &kinesis.SplitShardInput{StreamName: aws.String("race"), ShardToSplit: aws.String("shardId-000000000000"), NewStartingHashKey: aws.String(fmt.Sprint(1000 + i))})
		})
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
			continue
		}
		wantError(t, err, "InvalidArgumentException", "Shard shardId-000000000000 in stream race under account 000000000000 has already been merged or split, and thus is not eligible for merging or splitting.")
	}
	shards := rsShards(t, e, "race")
	if ok != 1 || len(shards) != 4 {
		t.Fatalf("%d splits succeeded, %d shards; want 1 and 4", ok, len(shards))
	}
	rsCheckCover(t, rsOpenRanges(shards))
	rsCheckLineage(t, shards)
}
