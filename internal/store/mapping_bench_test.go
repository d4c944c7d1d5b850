package store

// Measurements behind the choice of how Kinesis shards map onto JetStream (docs/DESIGN.md,
// "Storage: how shards map onto JetStream"). Two layouts are compared on the same engine:
//
//   - stream: one JetStream stream per shard, what the store does (CreateLog, Append, Read);
//   - subject: one JetStream stream per Kinesis stream with one subject per shard, read with
//     a batched direct get filtered by next_by_subj. It exists only here, built on the
//     jetstream API.
//
// Run (one process per memory figure, so that RSS deltas do not mix):
//
//	go test ./internal/store -run '^$' -bench 'BenchmarkShardCreate' -benchtime 3x
//	go test ./internal/store -run '^$' -bench 'BenchmarkAppend|BenchmarkRead' -benchtime 2s

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

const (
	benchRecords    = 500 // records per batch (one engine message), the PutRecords maximum
	benchRecordSize = 100
	benchProducers  = 16   // concurrent appenders or readers
	benchReadMax    = 10   // messages per read: up to 5,000 records, half the GetRecords maximum
	benchFill       = 5000 // messages of 500 records written before reads (280 MB)
)

// benchLayout is one way of placing a Kinesis stream's shards in the engine.
type benchLayout interface {
	// create makes shards 0..n-1, with at most workers engine calls in flight.
	create(ctx context.Context, n, workers int) error
	append(ctx context.Context, shard int, payload []byte) (uint64, error)
	// read returns up to max messages of a shard from position from on.
	read(ctx context.Context, shard int, from uint64, max int) ([]Msg, error)
	// pos is the position of message k (from 0) of a shard after filling n shards round-robin.
	pos(shard, k, n int) uint64
}

// streamLayout is one JetStream stream per shard: the store's own logs.
type streamLayout struct{ s *Store }

func benchLogName(shard int) string { return "bench_" + strconv.Itoa(shard) }

func (l streamLayout) create(ctx context.Context, n, workers int) error {
	return forEachShard(n, workers, func(i int) error {
		return l.s.CreateLog(ctx, benchLogName(i), 24*time.Hour)
	})
}

func (l streamLayout) append(ctx context.Context, shard int, payload []byte) (uint64, error) {
	return l.s.Append(ctx, benchLogName(shard), payload)
}

func (l streamLayout) read(ctx context.Context, shard int, from uint64, max int) ([]Msg, error) {
	res, err := l.s.Read(ctx, benchLogName(shard), ReadRequest{From: from, Max: max})
	return res.Msgs, err
}

func (streamLayout) pos(_, k, _ int) uint64 { return uint64(k) + 1 }

// subjectLayout is one JetStream stream for the whole Kinesis stream, one subject per shard.
type subjectLayout struct{ s *Store }

const benchStream = "bench"

func benchSubject(shard int) string { return "fk." + benchStream + "." + strconv.Itoa(shard) }

func (l subjectLayout) create(ctx context.Context, _, _ int) error {
	_, err := l.s.js.CreateStream(ctx, jetstream.StreamConfig{
		Name:        benchStream,
		Subjects:    []string{"fk." + benchStream + ".*"},
		Storage:     l.s.storage,
		Retention:   jetstream.LimitsPolicy,
		Discard:     jetstream.DiscardOld,
		MaxAge:      24 * time.Hour,
		MaxMsgSize:  maxMessage,
		AllowDirect: true,
		Duplicates:  time.Second,
	})
	return err
}

func (l subjectLayout) append(ctx context.Context, shard int, payload []byte) (uint64, error) {
	ack, err := l.s.js.Publish(ctx, benchSubject(shard), payload, jetstream.WithExpectStream(benchStream))
	if err != nil {
		return 0, err
	}
	return ack.Sequence, nil
}

func (l subjectLayout) read(ctx context.Context, shard int, from uint64, max int) ([]Msg, error) {
	return benchDirectGet(ctx, l.s.nc, benchStream, map[string]any{
		"seq": from, "next_by_subj": benchSubject(shard), "batch": max,
	})
}

func (subjectLayout) pos(shard, k, n int) uint64 { return uint64(k*n+shard) + 1 }

// benchDirectGet is one batched direct get, answered as Store.Read reads its answer.
func benchDirectGet(ctx context.Context, nc *nats.Conn, stream string, req any) ([]Msg, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	inbox := nc.NewRespInbox()
	sub, err := nc.SubscribeSync(inbox)
	if err != nil {
		return nil, err
	}
	defer sub.Unsubscribe()
	if err := nc.PublishRequest("$JS.API.DIRECT.GET."+stream, inbox, body); err != nil {
		return nil, err
	}
	var out []Msg
	for {
		m, err := sub.NextMsgWithContext(ctx)
		if err != nil {
			return nil, err
		}
		switch m.Header.Get("Status") {
		case "":
		case "404", "204":
			return out, nil
		default:
			return nil, fmt.Errorf("direct get: status %s %s", m.Header.Get("Status"), m.Header.Get("Description"))
		}
		seq, err := strconv.ParseUint(m.Header.Get("Nats-Sequence"), 10, 64)
		if err != nil {
			return nil, err
		}
		out = append(out, Msg{Seq: seq, Data: m.Data})
	}
}

// forEachShard runs fn for 0..n-1 on at most workers goroutines and returns the first error.
func forEachShard(n, workers int, fn func(i int) error) error {
	var (
		next     atomic.Int64
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	for range min(workers, n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := fn(i); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	return firstErr
}

var benchLayouts = []struct {
	name string
	new  func(*Store) benchLayout
}{
	{"stream-per-shard", func(s *Store) benchLayout { return streamLayout{s} }},
	{"subject-per-shard", func(s *Store) benchLayout { return subjectLayout{s} }},
}

var benchStorages = []struct {
	name   string
	memory bool
}{{"file", false}, {"memory", true}}

func openBench(tb testing.TB, memory bool) *Store {
	tb.Helper()
	o := Options{Memory: memory}
	if !memory {
		o.DataDir = tb.TempDir()
	}
	s, err := Open(context.Background(), o)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// benchBatch is one PutRecords batch for one shard as the service stores it: records of 100
// random bytes with their partition keys, in the kinesis batch layout.
func benchBatch(records int) []byte {
	b := []byte{1, 0}
	b = binary.AppendUvarint(b, uint64(time.Now().UnixMilli()))
	b = binary.AppendUvarint(b, uint64(records))
	data := make([]byte, benchRecordSize)
	for i := range records {
		pk := "pk-" + strconv.Itoa(i)
		b = binary.AppendUvarint(b, uint64(len(pk)))
		b = append(b, pk...)
		for j := range data {
			data[j] = byte(rand.Uint32())
		}
		b = binary.AppendUvarint(b, uint64(len(data)))
		b = append(b, data...)
	}
	return b
}

// memSample is the process's memory after a full collection.
type memSample struct {
	heap, rss  uint64
	goroutines int
}

func sampleMem(tb testing.TB) memSample {
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return memSample{heap: ms.HeapAlloc, rss: procStatus(tb, "VmRSS:"), goroutines: runtime.NumGoroutine()}
}

// procStatus is a size from /proc/self/status ("VmRSS:" the resident set, "VmHWM:" its
// peak), in bytes (0 where there is none).
func procStatus(tb testing.TB, field string) uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range bytes.Lines(b) {
		if v, ok := bytes.CutPrefix(line, []byte(field)); ok {
			var kb uint64
			if _, err := fmt.Sscanf(string(v), "%d kB", &kb); err != nil {
				tb.Fatalf("%s %q: %v", field, v, err)
			}
			return kb << 10
		}
	}
	return 0
}

func perShard(after, before uint64, n int) float64 {
	return (float64(after) - float64(before)) / float64(n)
}

// BenchmarkShardCreate creates a 500-shard Kinesis stream in a fresh engine and reports the
// time it takes and the memory and goroutines each shard costs, empty and after one write.
func BenchmarkShardCreate(b *testing.B) {
	const n = 500
	for _, st := range benchStorages {
		for _, lay := range benchLayouts {
			for _, workers := range []int{1, 8} {
				if workers > 1 && lay.name == "subject-per-shard" {
					continue // one engine call whatever the shard count
				}
				b.Run(fmt.Sprintf("%s/%s/workers=%d", lay.name, st.name, workers), func(b *testing.B) {
					payload := benchBatch(benchRecords)
					var createMs, heap, rss, gr, heapW, rssW float64
					iters := 0
					for b.Loop() {
						s := openBench(b, st.memory)
						l := lay.new(s)
						ctx := context.Background()
						before := sampleMem(b)
						start := time.Now()
						if err := l.create(ctx, n, workers); err != nil {
							b.Fatal(err)
						}
						createMs += float64(time.Since(start).Microseconds()) / 1000
						after := sampleMem(b)
						heap += perShard(after.heap, before.heap, n)
						rss += perShard(after.rss, before.rss, n)
						gr += float64(after.goroutines-before.goroutines) / n
						for i := range n {
							if _, err := l.append(ctx, i, payload); err != nil {
								b.Fatal(err)
							}
						}
						written := sampleMem(b)
						// What one stored batch per shard adds beyond its own bytes.
						heapW += perShard(written.heap, before.heap, n) - float64(len(payload))
						rssW += perShard(written.rss, before.rss, n) - float64(len(payload))
						s.Close()
						iters++
					}
					f := float64(iters)
					b.ReportMetric(createMs/f, "create-ms")
					b.ReportMetric(heap/f, "heap-B/shard")
					b.ReportMetric(rss/f, "rss-B/shard")
					b.ReportMetric(gr/f, "goroutines/shard")
					b.ReportMetric(heapW/f, "heap-B/written-shard")
					b.ReportMetric(rssW/f, "rss-B/written-shard")
				})
			}
		}
	}
}

// BenchmarkAppend measures append throughput of 500-record batches from concurrent producers
// spread over 4 or 500 shards.
func BenchmarkAppend(b *testing.B) {
	for _, st := range benchStorages {
		for _, lay := range benchLayouts {
			for _, n := range []int{4, 500} {
				b.Run(fmt.Sprintf("%s/%s/shards=%d", lay.name, st.name, n), func(b *testing.B) {
					s := openBench(b, st.memory)
					defer s.Close()
					l := lay.new(s)
					ctx := context.Background()
					if err := l.create(ctx, n, 8); err != nil {
						b.Fatal(err)
					}
					payload := benchBatch(benchRecords)
					var next atomic.Int64
					b.SetBytes(int64(len(payload)))
					b.SetParallelism(benchProducers / runtime.GOMAXPROCS(0))
					b.ResetTimer()
					cpu := cpuTime()
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							shard := int(next.Add(1) % int64(n))
							if _, err := l.append(ctx, shard, payload); err != nil {
								b.Error(err)
								return
							}
						}
					})
					reportRate(b, 1, benchRecords, cpuTime()-cpu)
					// Each log's file store keeps a write cache of up to its block size (8 MiB).
					b.ReportMetric(float64(procStatus(b, "VmHWM:"))/(1<<20), "peak-rss-MB")
				})
			}
		}
	}
}

// BenchmarkRead measures batched reads of 10 messages at random positions of 4 or 500 shards
// written round-robin, from concurrent readers: messages of 500 records (5,000 of them, as
// PutRecords writes) or of one record (50,000, as PutRecord writes).
func BenchmarkRead(b *testing.B) {
	for _, st := range benchStorages {
		for _, lay := range benchLayouts {
			for _, n := range []int{4, 500} {
				for _, records := range []int{benchRecords, 1} {
					b.Run(fmt.Sprintf("%s/%s/shards=%d/records=%d", lay.name, st.name, n, records), func(b *testing.B) {
						benchRead(b, st.memory, lay.new, n, records)
					})
				}
			}
		}
	}
}

func benchRead(b *testing.B, memory bool, newLayout func(*Store) benchLayout, n, records int) {
	s := openBench(b, memory)
	defer s.Close()
	l := newLayout(s)
	ctx := context.Background()
	if err := l.create(ctx, n, 8); err != nil {
		b.Fatal(err)
	}
	payload := benchBatch(records)
	fill := benchFill
	if records == 1 {
		fill = 10 * benchFill
	}
	for i := range fill {
		if _, err := l.append(ctx, i%n, payload); err != nil {
			b.Fatal(err)
		}
	}
	depth := fill / n
	var next atomic.Int64
	b.SetBytes(int64(benchReadMax * len(payload)))
	b.SetParallelism(benchProducers / runtime.GOMAXPROCS(0))
	b.ResetTimer()
	cpu := cpuTime()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			shard := int(next.Add(1) % int64(n))
			k := rand.IntN(depth - benchReadMax + 1)
			msgs, err := l.read(ctx, shard, l.pos(shard, k, n), benchReadMax)
			if err != nil || len(msgs) != benchReadMax {
				b.Errorf("read shard %d at %d: %d msgs, %v", shard, k, len(msgs), err)
				return
			}
		}
	})
	reportRate(b, benchReadMax, records, cpuTime()-cpu)
}

// reportRate reports engine messages and Kinesis records per second (msgsPerOp per op), and
// the process CPU time (user + system, all goroutines: client and engine) per message,
// which other load on the machine disturbs less than the rates.
func reportRate(b *testing.B, msgsPerOp, records int, cpu time.Duration) {
	secs := b.Elapsed().Seconds()
	if secs == 0 {
		return
	}
	msgs := float64(b.N*msgsPerOp) / secs
	b.ReportMetric(msgs, "msgs/s")
	b.ReportMetric(msgs*float64(records), "records/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N*msgsPerOp), "cpu-us/msg")
}

// cpuTime is the CPU time the process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestBenchLayouts checks that both layouts store and read back the same shard contents, so
// that the benchmarks compare equal work.
func TestBenchLayouts(t *testing.T) {
	const n = 3
	for _, lay := range benchLayouts {
		t.Run(lay.name, func(t *testing.T) {
			s := openTest(t)
			l := lay.new(s)
			ctx := t.Context()
			if err := l.create(ctx, n, 2); err != nil {
				t.Fatal(err)
			}
			for i := range 4 * n {
				seq, err := l.append(ctx, i%n, fmt.Appendf(nil, "s%d-m%d", i%n, i/n))
				if err != nil {
					t.Fatal(err)
				}
				if want := l.pos(i%n, i/n, n); seq != want {
					t.Fatalf("append %d: position %d, want %d", i, seq, want)
				}
			}
			for shard := range n {
				msgs, err := l.read(ctx, shard, l.pos(shard, 1, n), 2)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, m := range msgs {
					got = append(got, string(m.Data))
				}
				want := []string{fmt.Sprintf("s%d-m1", shard), fmt.Sprintf("s%d-m2", shard)}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("shard %d (-want +got):\n%s", shard, diff)
				}
			}
		})
	}
}

func TestForEachShard(t *testing.T) {
	var seen [100]atomic.Int32
	if err := forEachShard(len(seen), 7, func(i int) error { seen[i].Add(1); return nil }); err != nil {
		t.Fatal(err)
	}
	for i := range seen {
		if got := seen[i].Load(); got != 1 {
			t.Fatalf("shard %d run %d times, want 1", i, got)
		}
	}
	boom := errors.New("boom")
	if err := forEachShard(10, 3, func(i int) error {
		if i == 4 {
			return boom
		}
		return nil
	}); !errors.Is(err, boom) {
		t.Fatalf("got %v, want boom", err)
	}
}
