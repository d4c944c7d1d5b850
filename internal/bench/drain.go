package bench

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// drainLimit is the GetRecords Limit of the drain and the pollers.
const drainLimit = 10000

// drain reads every shard from TRIM_HORIZON to its end, one reader per shard, and checks
// what it reads against what the producers had acknowledged.
func (r *runState) drain(ctx context.Context) (*DrainResult, error) {
	shards, err := r.c.listShards(ctx, r.stream)
	if err != nil {
		return nil, err
	}
	for _, p := range r.prods {
		p.seen = make(bitset, p.next/64+1)
	}
	r.p.line("drain: %d readers from TRIM_HORIZON, GetRecords Limit %d", len(shards), drainLimit)
	var v verifier
	var records, calls, throttles, errs atomic.Int64
	start := time.Now()
	stop := r.p.every(func() string {
		n := records.Load()
		el := time.Since(start).Seconds()
		return "drain: " + fmtCount(n) + " records, " + fmtCount(int64(float64(n)/el)) + " records/s, " + strconv.FormatFloat(el, 'f', 1, 64) + " s"
	})
	var wg sync.WaitGroup
	errc := make(chan error, len(shards))
	for _, sh := range shards {
		wg.Go(func() {
			rd := reader{run: r, last: make([]uint64, len(r.prods)), v: &v}
			it, err := r.c.shardIterator(ctx, r.stream, sh.ShardId, "TRIM_HORIZON")
			if err != nil {
				errc <- err
				return
			}
			var buf bytes.Buffer
			failures := 0
			for ctx.Err() == nil {
				body := []byte(`{"ShardIterator":` + strconv.Quote(it) + `,"Limit":` + strconv.Itoa(drainLimit) + `}`)
				b, err := r.c.do(ctx, "GetRecords", body, &buf)
				calls.Add(1)
				if throttled(err) {
					throttles.Add(1)
					time.Sleep(100 * time.Millisecond)
					continue
				}
				if err != nil {
					errs.Add(1)
					if failures++; failures == 5 {
						errc <- fmt.Errorf("drain shard %s: %w", sh.ShardId, err)
						return
					}
					time.Sleep(time.Duration(failures) * 100 * time.Millisecond)
					continue
				}
				failures = 0
				a, err := parseGetRecords(b, rd.check)
				if err != nil {
					errc <- fmt.Errorf("drain shard %s: %w", sh.ShardId, err)
					return
				}
				records.Add(int64(a.records))
				if a.next == nil || a.records == 0 && a.millisBehind == 0 {
					return
				}
				it = string(a.next)
			}
		})
	}
	wg.Wait()
	stop()
	el := time.Since(start).Seconds()
	close(errc)
	if err := <-errc; err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res := &DrainResult{Seconds: el, Calls: calls.Load(), Records: records.Load(), Throttles: throttles.Load(), Errors: errs.Load()}
	res.RecordsPerSec = float64(res.Records) / el
	res.MiBPerSec = float64(res.Records) * float64(r.cfg.Size) / el / (1 << 20)
	res.Verify = v.result(r.prods)
	r.p.line("drain: %s records in %.2f s, %s records/s; verified: %s", fmtCount(res.Records), el, fmtCount(int64(res.RecordsPerSec)), res.Verify)
	return res, nil
}

// reader checks one shard's records as they arrive.
type reader struct {
	run  *runState
	last []uint64 // per producer, 1 + the last counter read in this shard (0: none yet)
	v    *verifier
}

func (rd *reader) check(data []byte) {
	h, ok := decodeHeader(data)
	if !ok || h.run != rd.run.runID || int(h.producer) >= len(rd.run.prods) {
		rd.v.corrupt.Add(1)
		return
	}
	p := rd.run.prods[h.producer]
	if string(data[headerB64:]) != p.filler {
		rd.v.corrupt.Add(1)
		return
	}
	if h.counter >= p.next {
		rd.v.unexpected.Add(1)
		return
	}
	if p.seen.setAtomic(h.counter) {
		rd.v.duplicates.Add(1)
		return
	}
	if l := rd.last[h.producer]; l != 0 && h.counter < l {
		rd.v.outOfOrder.Add(1)
	}
	rd.last[h.producer] = h.counter + 1
}

// verifier counts what the readers found wrong.
type verifier struct {
	corrupt, unexpected, duplicates, outOfOrder atomic.Int64
}

func (v *verifier) result(prods []*producer) Verify {
	r := Verify{Corrupt: v.corrupt.Load(), Unexpected: v.unexpected.Load(), Duplicates: v.duplicates.Load(), OutOfOrder: v.outOfOrder.Load()}
	for _, p := range prods {
		r.Expected += p.acked.count()
		r.Uncertain += p.uncertain.count()
		for w, seen := range p.seen {
			var acked, unsure uint64
			if w < len(p.acked) {
				acked = p.acked[w]
			}
			if w < len(p.uncertain) {
				unsure = p.uncertain[w]
			}
			r.Missing += bitset{acked &^ seen}.count()
			r.Unexpected += bitset{seen &^ acked &^ unsure}.count()
		}
	}
	r.OK = r.Missing == 0 && r.Unexpected == 0 && r.Duplicates == 0 && r.Corrupt == 0 && r.OutOfOrder == 0
	return r
}

func (v Verify) String() string {
	if v.OK {
		s := "OK (" + fmtCount(v.Expected) + " acknowledged records read once each, content and per-shard order checked"
		if v.Uncertain > 0 {
			s += ", " + fmtCount(v.Uncertain) + " of failed calls ignored"
		}
		return s + ")"
	}
	return fmt.Sprintf("FAILED (expected %d, missing %d, unexpected %d, duplicates %d, corrupt %d, out of order %d)",
		v.Expected, v.Missing, v.Unexpected, v.Duplicates, v.Corrupt, v.OutOfOrder)
}
