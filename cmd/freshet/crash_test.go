package main

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// crashCyclesEnv sets how many times TestCrashKeepsAcknowledgedRecords stops the server
// (default 3, which keeps `go test ./...` quick; the README quotes a run of 25).
const crashCyclesEnv = "FRESHET_CRASH_CYCLES"

// TestCrashKeepsAcknowledgedRecords runs the real binary on one data directory and, cycle
// after cycle, drives producers at full speed and stops the server under them: with SIGKILL
// at a random moment (a random count of acknowledged records), and every fifth cycle with
// SIGTERM (a graceful shutdown under load, which must exit 0). After each restart:
//   - the server is ready (GET /healthz) within a bound, from the same data directory;
//   - every acknowledged record is readable exactly once, on its acknowledged shard at its
//     acknowledged sequence number; a record whose request failed or was cut off is there
//     at most once; nothing is there that was never sent;
//   - per shard, each producer's records are in the order it sent them;
//   - sequence numbers handed out after the restart are above every one stored before it;
//   - the stream's shards (including splits done between stops), tags and retention are
//     as they were acknowledged.
func TestCrashKeepsAcknowledgedRecords(t *testing.T) {
	if testing.Short() {
		t.Skip("crash cycles run the real binary; skipped with -short")
	}
	cycles := 3
	if v := os.Getenv(crashCyclesEnv); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q: want a positive count", crashCyclesEnv, v)
		}
		cycles = n
	}
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("FRESHET_CRASH_SEED"); v != "" {
		seed, _ = strconv.ParseUint(v, 10, 64)
	}
	rng := rand.New(rand.NewPCG(seed, 0))
	t.Logf("seed %d (FRESHET_CRASH_SEED), %d cycles", seed, cycles)

	bin := buildFreshetCached(t)
	dir := t.TempDir()
	args := []string{"--listen", "127.0.0.1:0", "--data-dir", dir, "--autoscale-interval", "-1s", "--log-level", "info"}
	if v := os.Getenv("FRESHET_SYNC"); v != "" { // the server reads it too; named for the log
		t.Logf("--sync %s", v)
	}
	ctx := t.Context()
	cs := &crashState{
		attempted: map[string]bool{},
		acked:     map[string]crashAck{},
		tags:      map[string]string{"owner": "crash-test"},
		stored:    map[string]*big.Int{},
	}

	var maxReady time.Duration
	totalAcked := 0
	var p *process
	t.Cleanup(func() {
		if t.Failed() && p != nil {
			t.Logf("log of the last server:\n%s", p.logText())
		}
	})
	for cycle := range cycles + 1 {
		began := time.Now()
		p = start(t, bin, args...)
		if os.Getenv("FRESHET_SYNC") == "always" && !strings.Contains(p.logText(), "sync_always=true") {
			t.Fatalf("FRESHET_SYNC=always, but the server says:\n%s", p.logText())
		}
		ready := waitHealthy(t, p)
		maxReady = max(maxReady, ready.Sub(began))
		c := p.client()
		if cycle == 0 {
			cs.setUp(t, c)
		} else {
			cs.verify(t, c, cycle)
		}
		if cycle == cycles {
			t.Logf("%d cycles: %d records acknowledged, 0 lost; slowest start to ready %v", cycles, totalAcked, maxReady.Round(time.Millisecond))
			p.cmd.Process.Signal(syscall.SIGTERM)
			if code := p.wait(t); code != 0 {
				t.Fatalf("exit code %d after SIGTERM:\n%s", code, p.logText())
			}
			return
		}
		// Metadata changes between stops: a tag each cycle, a split every fourth.
		key := fmt.Sprintf("cycle-%d", cycle)
		if _, err := c.AddTagsToStream(ctx, &kinesis.AddTagsToStreamInput{StreamName: aws.String(crashStream), Tags: map[string]string{key: "v"}}); err != nil {
			t.Fatalf("cycle %d: AddTagsToStream: %v", cycle, err)
		}
		cs.tags[key] = "v"
		if cycle%4 == 2 {
			cs.split(t, c, cycle)
		}

		graceful := cycle%5 == 4
		killAt := 200 + rng.IntN(3000)
		acked, unknown := cs.produce(t, p, killAt, graceful)
		totalAcked += acked
		code := p.wait(t)
		if graceful && code != 0 {
			t.Fatalf("cycle %d: exit code %d after SIGTERM under load, want 0:\n%s", cycle, code, p.logText())
		}
		how := "SIGKILL"
		if graceful {
			how = "SIGTERM"
		}
		t.Logf("cycle %d: ready in %v; %s after %d acknowledged records (%d more in requests that failed or were cut off)",
			cycle, ready.Sub(began).Round(time.Millisecond), how, acked, unknown)
	}
}

const crashStream = "crash"

// crashAck is where the server said it stored a record.
type crashAck struct {
	shard string
	seq   *big.Int
}

// crashState is what the test has been told: records sent and acknowledged, metadata.
type crashState struct {
	mu        sync.Mutex
	attempted map[string]bool     // record data → sent
	acked     map[string]crashAck // record data → acknowledged
	tags      map[string]string
	shards    []types.Shard
	consumer  *types.Consumer     // nil while the server has no consumer operations
	stored    map[string]*big.Int // shard → highest sequence number read after the last restart
	producers int
}

func (cs *crashState) setUp(t *testing.T, c *kinesis.Client) {
	t.Helper()
	ctx := t.Context()
	if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String(crashStream), ShardCount: aws.Int32(4), Tags: cs.tags}); err != nil {
		t.Fatalf("CreateStream: %v", err)
	}
	waitActive(t, c)
	if _, err := c.IncreaseStreamRetentionPeriod(ctx, &kinesis.IncreaseStreamRetentionPeriodInput{StreamName: aws.String(crashStream), RetentionPeriodHours: aws.Int32(48)}); err != nil {
		t.Fatalf("IncreaseStreamRetentionPeriod: %v", err)
	}
	waitActive(t, c)
	sum, err := c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(crashStream)})
	if err != nil {
		t.Fatal(err)
	}
	reg, err := c.RegisterStreamConsumer(ctx, &kinesis.RegisterStreamConsumerInput{
		StreamARN: sum.StreamDescriptionSummary.StreamARN, ConsumerName: aws.String("crash-consumer")})
	var ae smithy.APIError
	switch {
	case errors.As(err, &ae) && ae.ErrorCode() == "UnknownOperationException":
		t.Log("no consumer operations in this build: consumers are not checked")
	case err != nil:
		t.Fatalf("RegisterStreamConsumer: %v", err)
	default:
		cs.consumer = reg.Consumer
	}
	cs.shards = listShards(t, c)
}

// split splits the open shard with the widest hash range in two, and waits until the
// stream is ACTIVE again.
func (cs *crashState) split(t *testing.T, c *kinesis.Client, cycle int) {
	t.Helper()
	var widest types.Shard
	width := new(big.Int)
	for _, s := range cs.shards {
		if s.SequenceNumberRange.EndingSequenceNumber != nil {
			continue
		}
		lo, _ := new(big.Int).SetString(*s.HashKeyRange.StartingHashKey, 10)
		hi, _ := new(big.Int).SetString(*s.HashKeyRange.EndingHashKey, 10)
		if w := new(big.Int).Sub(hi, lo); w.Cmp(width) > 0 {
			widest, width = s, w
		}
	}
	lo, _ := new(big.Int).SetString(*widest.HashKeyRange.StartingHashKey, 10)
	mid := new(big.Int).Add(lo, new(big.Int).Rsh(width, 1))
	if _, err := c.SplitShard(t.Context(), &kinesis.SplitShardInput{StreamName: aws.String(crashStream),
		ShardToSplit: widest.ShardId, NewStartingHashKey: aws.String(mid.String())}); err != nil {
		t.Fatalf("cycle %d: SplitShard %s: %v", cycle, *widest.ShardId, err)
	}
	waitActive(t, c)
	cs.shards = listShards(t, c)
}

// produce runs producers at full speed until killAt records have been acknowledged, then
// stops the server (SIGKILL, or SIGTERM if graceful) while they keep sending. It returns
// how many records were acknowledged, and how many were sent in requests that failed.
func (cs *crashState) produce(t *testing.T, p *process, killAt int, graceful bool) (acked, unknown int) {
	t.Helper()
	c := p.client()
	var (
		count    atomic.Int64
		stopOnce sync.Once
		wg       sync.WaitGroup
		failures = make(chan error, 8)
		lost     atomic.Int64
	)
	stop := func() {
		stopOnce.Do(func() {
			if graceful {
				p.cmd.Process.Signal(syscall.SIGTERM)
			} else {
				p.cmd.Process.Kill()
			}
		})
	}
	const producers, batch = 4, 100
	for range producers {
		cs.mu.Lock()
		id := cs.producers
		cs.producers++
		cs.mu.Unlock()
		wg.Go(func() {
			for n := 0; ; n++ {
				entries := make([]types.PutRecordsRequestEntry, batch)
				for i := range entries {
					data := fmt.Sprintf("p%d-%07d", id, n*batch+i)
					entries[i] = types.PutRecordsRequestEntry{Data: []byte(data), PartitionKey: aws.String(fmt.Sprintf("k%d", (n*batch+i)%64))}
				}
				cs.mu.Lock()
				for _, e := range entries {
					cs.attempted[string(e.Data)] = true
				}
				cs.mu.Unlock()
				out, err := c.PutRecords(context.Background(), &kinesis.PutRecordsInput{StreamName: aws.String(crashStream), Records: entries})
				if err != nil {
					lost.Add(batch)
					if count.Load() < int64(killAt) {
						failures <- fmt.Errorf("PutRecords before the server was stopped: %w", err)
					}
					return // the server is gone (or going)
				}
				ok := 0
				for i, r := range out.Records {
					if r.ErrorCode != nil {
						lost.Add(1)
						continue
					}
					seq, good := new(big.Int).SetString(aws.ToString(r.SequenceNumber), 10)
					if !good {
						failures <- fmt.Errorf("acknowledged sequence number %q", aws.ToString(r.SequenceNumber))
						return
					}
					shard := aws.ToString(r.ShardId)
					cs.mu.Lock()
					prev := cs.stored[shard]
					cs.acked[string(entries[i].Data)] = crashAck{shard, seq}
					cs.mu.Unlock()
					if prev != nil && seq.Cmp(prev) <= 0 {
						failures <- fmt.Errorf("after a restart %s acknowledged sequence number %s, not above %s stored before", shard, seq, prev)
						return
					}
					ok++
				}
				if count.Add(int64(ok)) >= int64(killAt) {
					stop()
				}
			}
		})
	}
	wg.Wait()
	close(failures)
	for err := range failures {
		t.Fatalf("%v\n%s", err, p.logText())
	}
	return int(count.Load()), int(lost.Load())
}

// verify checks, after a restart, everything the test was told before the stop.
func (cs *crashState) verify(t *testing.T, c *kinesis.Client, cycle int) {
	t.Helper()
	ctx := t.Context()
	cs.mu.Lock()
	defer cs.mu.Unlock()
	sum, err := c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(crashStream)})
	if err != nil {
		t.Fatalf("cycle %d: DescribeStreamSummary: %v", cycle, err)
	}
	if s := sum.StreamDescriptionSummary; s.StreamStatus != types.StreamStatusActive || aws.ToInt32(s.RetentionPeriodHours) != 48 {
		t.Errorf("cycle %d: stream %s with retention %dh, want ACTIVE, 48h", cycle, s.StreamStatus, aws.ToInt32(s.RetentionPeriodHours))
	}
	shards := listShards(t, c)
	if diff := cmp.Diff(cs.shards, shards, cmpopts.IgnoreUnexported(types.Shard{}, types.HashKeyRange{}, types.SequenceNumberRange{})); diff != "" {
		t.Fatalf("cycle %d: shards after restart (-acknowledged +now):\n%s", cycle, diff)
	}
	tags, err := c.ListTagsForStream(ctx, &kinesis.ListTagsForStreamInput{StreamName: aws.String(crashStream)})
	if err != nil {
		t.Fatalf("cycle %d: ListTagsForStream: %v", cycle, err)
	}
	got := map[string]string{}
	for _, tag := range tags.Tags {
		got[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
	}
	if diff := cmp.Diff(cs.tags, got); diff != "" {
		t.Errorf("cycle %d: tags after restart (-acknowledged +now):\n%s", cycle, diff)
	}
	if cs.consumer != nil {
		d, err := c.DescribeStreamConsumer(ctx, &kinesis.DescribeStreamConsumerInput{ConsumerARN: cs.consumer.ConsumerARN})
		if err != nil || aws.ToString(d.ConsumerDescription.ConsumerName) != aws.ToString(cs.consumer.ConsumerName) {
			t.Errorf("cycle %d: consumer after restart: %v %v", cycle, d, err)
		}
	}

	found := map[string]bool{}
	for _, s := range shards {
		shard := aws.ToString(s.ShardId)
		last := map[string]int{} // producer → last record number read in this shard
		var top *big.Int
		for _, r := range readShard(t, c, shard) {
			data := string(r.Data)
			seq, _ := new(big.Int).SetString(aws.ToString(r.SequenceNumber), 10)
			switch {
			case !cs.attempted[data]:
				t.Fatalf("cycle %d: %s holds %q at %s, which was never sent", cycle, shard, data, seq)
			case found[data]:
				t.Fatalf("cycle %d: %q is stored twice (again in %s at %s)", cycle, data, shard, seq)
			}
			found[data] = true
			if a, ok := cs.acked[data]; ok && (a.shard != shard || a.seq.Cmp(seq) != 0) {
				t.Fatalf("cycle %d: %q was acknowledged at %s %s, is at %s %s", cycle, data, a.shard, a.seq, shard, seq)
			}
			producer, n, _ := strings.Cut(data, "-")
			num, _ := strconv.Atoi(n)
			if prev, ok := last[producer]; ok && num <= prev {
				t.Fatalf("cycle %d: in %s, %q comes after %s-%07d", cycle, shard, data, producer, prev)
			}
			last[producer] = num
			top = seq
		}
		if top != nil {
			cs.stored[shard] = top
		}
	}
	var missing []string
	for data := range cs.acked {
		if !found[data] {
			missing = append(missing, data)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		t.Fatalf("cycle %d: %d acknowledged records lost, e.g. %q", cycle, len(missing), missing[:min(5, len(missing))])
	}
}

func listShards(t *testing.T, c *kinesis.Client) []types.Shard {
	t.Helper()
	out, err := c.ListShards(t.Context(), &kinesis.ListShardsInput{StreamName: aws.String(crashStream)})
	if err != nil {
		t.Fatalf("ListShards: %v", err)
	}
	return out.Shards
}

// readShard reads a shard from its trim horizon to its end.
func readShard(t *testing.T, c *kinesis.Client, shard string) []types.Record {
	t.Helper()
	it, err := c.GetShardIterator(t.Context(), &kinesis.GetShardIteratorInput{StreamName: aws.String(crashStream),
		ShardId: aws.String(shard), ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
	if err != nil {
		t.Fatalf("GetShardIterator %s: %v", shard, err)
	}
	var recs []types.Record
	next := it.ShardIterator
	for next != nil {
		out, err := c.GetRecords(t.Context(), &kinesis.GetRecordsInput{ShardIterator: next})
		if err != nil {
			t.Fatalf("GetRecords %s: %v", shard, err)
		}
		recs = append(recs, out.Records...)
		if aws.ToInt64(out.MillisBehindLatest) == 0 && len(out.Records) == 0 {
			break // the end of an open shard (a closed one ends with no NextShardIterator)
		}
		next = out.NextShardIterator
	}
	return recs
}

// waitActive polls until the stream is ACTIVE.
func waitActive(t *testing.T, c *kinesis.Client) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, err := c.DescribeStreamSummary(t.Context(), &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(crashStream)})
		if err == nil && out.StreamDescriptionSummary.StreamStatus == types.StreamStatusActive {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("stream not ACTIVE after 30s: %v", err)
		}
	}
}

// waitHealthy polls GET /healthz until it answers 200, within 30 seconds, and returns when.
func waitHealthy(t *testing.T, p *process) time.Time {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get("http://" + p.addr + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return time.Now()
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz not 200 within 30s (%v):\n%s", err, p.logText())
		}
	}
}
