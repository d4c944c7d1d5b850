package bench

import (
	"bytes"
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// latencyRun is the latency phase's producer and what the readers measured.
type latencyRun struct {
	r        *runState
	producer uint32 // id of the latency producer, after the put producers'
	filler   string

	sent, received, errors, throttles atomic.Int64

	mu        sync.Mutex
	latencies []time.Duration
}

func (r *runState) newLatencyRun() *latencyRun {
	id := uint32(len(r.prods))
	return &latencyRun{r: r, producer: id, filler: fillerB64(id, r.cfg.Size)}
}

// observe records the latency of one record read (its header), if it is the latency
// producer's.
func (l *latencyRun) observe(h header, now time.Time) {
	if h.run != l.r.runID || h.producer != l.producer {
		return
	}
	l.received.Add(1)
	d := now.Sub(time.Unix(0, h.sentNs))
	l.mu.Lock()
	l.latencies = append(l.latencies, d)
	l.mu.Unlock()
}

// produce sends PutRecord calls at the configured rate for the configured duration.
func (l *latencyRun) produce(ctx context.Context) {
	cfg := l.r.cfg
	var buf bytes.Buffer
	data := make([]byte, headerB64+len(l.filler))
	copy(data[headerB64:], l.filler)
	interval := time.Second / time.Duration(cfg.LatencyRate)
	n := int(int64(cfg.LatencyDuration) * int64(cfg.LatencyRate) / int64(time.Second))
	start := time.Now()
	prefix := `{"StreamName":` + strconv.Quote(l.r.stream) + `,"PartitionKey":"`
	for i := range n {
		time.Sleep(time.Until(start.Add(time.Duration(i) * interval)))
		if ctx.Err() != nil {
			return
		}
		header{run: l.r.runID, producer: l.producer, counter: uint64(i), sentNs: time.Now().UnixNano()}.encode(data)
		body := []byte(prefix + strconv.Itoa(i) + `","Data":"` + string(data) + `"}`)
		_, err := l.r.c.do(ctx, "PutRecord", body, &buf)
		switch {
		case throttled(err):
			l.throttles.Add(1)
		case err != nil:
			l.errors.Add(1)
		default:
			l.sent.Add(1)
		}
	}
}

// finish waits (a few seconds at most) until every record sent was read.
func (l *latencyRun) finish(ctx context.Context) {
	deadline := time.Now().Add(5 * time.Second)
	for l.received.Load() < l.sent.Load() && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(5 * time.Millisecond)
	}
}

func (l *latencyRun) result(mode string) *LatencyResult {
	l.mu.Lock()
	defer l.mu.Unlock()
	res := &LatencyResult{Mode: mode, Sent: l.sent.Load(), Received: l.received.Load(), Latency: quantiles(l.latencies),
		Errors: l.errors.Load(), Throttles: l.throttles.Load()}
	l.r.p.line("latency (%s): %d sent, %d received, p50 %.2f ms, p99 %.2f ms", mode, res.Sent, res.Received, res.Latency.P50, res.Latency.P99)
	return res
}

// latencyPolling measures put-to-read latency with one GetRecords poller per shard: an
// iterator at LATEST, the next call at once after records, 1 ms after an empty answer.
func (r *runState) latencyPolling(ctx context.Context) (*LatencyResult, error) {
	shards, err := r.c.listShards(ctx, r.stream)
	if err != nil {
		return nil, err
	}
	its := make([]string, len(shards))
	for i, sh := range shards {
		if its[i], err = r.c.shardIterator(ctx, r.stream, sh.ShardId, "LATEST"); err != nil {
			return nil, err
		}
	}
	l := r.newLatencyRun()
	r.p.line("latency: 1 producer at %d records/s for %s, %d pollers", r.cfg.LatencyRate, r.cfg.LatencyDuration, len(shards))
	pollCtx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, it := range its {
		wg.Go(func() {
			var buf bytes.Buffer
			for pollCtx.Err() == nil {
				body := []byte(`{"ShardIterator":` + strconv.Quote(it) + `,"Limit":` + strconv.Itoa(drainLimit) + `}`)
				b, err := r.c.do(pollCtx, "GetRecords", body, &buf)
				now := time.Now()
				if pollCtx.Err() != nil {
					return
				}
				if throttled(err) {
					l.throttles.Add(1)
					time.Sleep(100 * time.Millisecond)
					continue
				}
				if err != nil {
					l.errors.Add(1)
					time.Sleep(10 * time.Millisecond)
					continue
				}
				a, err := parseGetRecords(b, func(data []byte) {
					if h, ok := decodeHeader(data); ok {
						l.observe(h, now)
					}
				})
				if err != nil || a.next == nil {
					l.errors.Add(1)
					return
				}
				it = string(a.next)
				if a.records == 0 {
					time.Sleep(time.Millisecond)
				}
			}
		})
	}
	l.produce(ctx)
	l.finish(ctx)
	cancel()
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return l.result("polling"), nil
}
