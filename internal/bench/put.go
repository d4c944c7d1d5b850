package bench

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// A record's data is a 24-byte header — run id (4 bytes), producer (4), the producer's
// counter (8), the send time in Unix nanoseconds (8) — then filler that depends on the
// producer. The header is a multiple of 3 bytes, so on the wire it is exactly the first 32
// base64 characters and the filler's base64 text follows unchanged: a producer patches
// 32 characters per record into a pre-built body, and a reader checks the rest of a record
// by comparing text.

const headerB64 = HeaderSize / 3 * 4

type header struct {
	run      uint32
	producer uint32
	counter  uint64
	sentNs   int64
}

func (h header) encode(dst []byte) {
	var b [HeaderSize]byte
	binary.BigEndian.PutUint32(b[0:], h.run)
	binary.BigEndian.PutUint32(b[4:], h.producer)
	binary.BigEndian.PutUint64(b[8:], h.counter)
	binary.BigEndian.PutUint64(b[16:], uint64(h.sentNs))
	base64.StdEncoding.Encode(dst[:headerB64], b[:])
}

// decodeHeader reads the header of a record's base64 text.
func decodeHeader(data []byte) (header, bool) {
	var b [HeaderSize]byte
	if len(data) < headerB64 {
		return header{}, false
	}
	if n, err := base64.StdEncoding.Decode(b[:], data[:headerB64]); err != nil || n != HeaderSize {
		return header{}, false
	}
	return decodeRawHeader(b[:])
}

// decodeRawHeader reads the header of a record's data.
func decodeRawHeader(b []byte) (header, bool) {
	if len(b) < HeaderSize {
		return header{}, false
	}
	return header{
		run:      binary.BigEndian.Uint32(b[0:]),
		producer: binary.BigEndian.Uint32(b[4:]),
		counter:  binary.BigEndian.Uint64(b[8:]),
		sentNs:   int64(binary.BigEndian.Uint64(b[16:])),
	}, true
}

// fillerB64 is the base64 text of producer p's filler for records of size bytes.
func fillerB64(p uint32, size int) string {
	f := make([]byte, size-HeaderSize)
	for i := range f {
		f[i] = 'a' + byte((i+int(p)*7)%26)
	}
	return base64.StdEncoding.EncodeToString(f)
}

// bitset is a growable set of counters.
type bitset []uint64

func (b *bitset) set(i uint64) {
	w := int(i / 64)
	if w >= len(*b) {
		*b = append(*b, make([]uint64, w+1-len(*b)+len(*b)/2)...)
	}
	(*b)[w] |= 1 << (i % 64)
}

// setAtomic adds i (within the set's size) and reports whether it was there already.
func (b bitset) setAtomic(i uint64) bool {
	bit := uint64(1) << (i % 64)
	return atomic.OrUint64(&b[i/64], bit)&bit != 0
}

func (b bitset) count() (n int64) {
	for _, w := range b {
		n += int64(bits.OnesCount64(w))
	}
	return n
}

// producer is one PutRecords client with its pre-built body and what became of its records.
type producer struct {
	id      uint32
	body    []byte
	dataOff []int // where each record's base64 data starts in body
	keyOff  []int // where each record's 16-character partition key starts
	filler  string
	rng     *rand.PCG

	next      uint64 // counter of the next record
	acked     bitset // counters acknowledged as stored
	uncertain bitset // counters of calls whose outcome is unknown
	seen      bitset // counters read back (set by the drain, atomically)
	latencies []time.Duration

	records, calls, errors, throttles atomic.Int64
}

const keyLen = 16

func newProducer(id uint32, stream string, batch, size int) *producer {
	p := &producer{id: id, filler: fillerB64(id, size), rng: rand.NewPCG(uint64(id), uint64(time.Now().UnixNano()))}
	b := []byte(`{"StreamName":` + strconv.Quote(stream) + `,"Records":[`)
	for i := range batch {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"Data":"`...)
		p.dataOff = append(p.dataOff, len(b))
		b = append(b, bytes.Repeat([]byte{'A'}, headerB64)...)
		b = append(b, p.filler...)
		b = append(b, `","PartitionKey":"`...)
		p.keyOff = append(p.keyOff, len(b))
		b = append(b, bytes.Repeat([]byte{'k'}, keyLen)...)
		b = append(b, `"}`...)
	}
	p.body = append(b, "]}"...)
	return p
}

const hexDigits = "0123456789abcdef"

// fill writes the next batch's headers and random partition keys into the body.
func (p *producer) fill(run uint32) {
	now := time.Now().UnixNano()
	for i, off := range p.dataOff {
		header{run: run, producer: p.id, counter: p.next + uint64(i), sentNs: now}.encode(p.body[off:])
		k := p.rng.Uint64()
		key := p.body[p.keyOff[i] : p.keyOff[i]+keyLen]
		for j := range key {
			key[j] = hexDigits[k>>(4*j)&0xf]
		}
	}
}

// put runs the producers for the configured duration.
func (r *runState) put(ctx context.Context) (*PutResult, error) {
	cfg := r.cfg
	r.prods = make([]*producer, cfg.Producers)
	for i := range r.prods {
		r.prods[i] = newProducer(uint32(i), r.stream, cfg.Batch, cfg.Size)
	}
	r.p.line("put: %d producers × PutRecords of %d records × %d bytes for %s", cfg.Producers, cfg.Batch, cfg.Size, cfg.Duration)
	var interval time.Duration // between one producer's calls, when the rate is capped
	if cfg.Rate > 0 {
		interval = time.Duration(float64(time.Second) * float64(cfg.Batch*cfg.Producers) / float64(cfg.Rate))
	}
	start := time.Now()
	end := start.Add(cfg.Duration)
	stop := r.p.every(func() string {
		var n int64
		for _, p := range r.prods {
			n += p.records.Load()
		}
		el := time.Since(start).Seconds()
		return "put: " + fmtCount(n) + " records, " + fmtCount(int64(float64(n)/el)) + " records/s, " + strconv.FormatFloat(el, 'f', 1, 64) + " s"
	})
	var wg sync.WaitGroup
	for _, p := range r.prods {
		wg.Go(func() {
			var buf bytes.Buffer
			at := start
			for time.Now().Before(end) && ctx.Err() == nil {
				if interval > 0 {
					time.Sleep(time.Until(at))
					at = at.Add(interval)
				}
				r.putOnce(ctx, p, &buf)
			}
		})
	}
	wg.Wait()
	stop()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	el := time.Since(start).Seconds()
	res := &PutResult{Seconds: el}
	var lat []time.Duration
	for _, p := range r.prods {
		res.Calls += p.calls.Load()
		res.Records += p.records.Load()
		res.Errors += p.errors.Load()
		res.Throttles += p.throttles.Load()
		lat = append(lat, p.latencies...)
	}
	res.RecordsPerSec = float64(res.Records) / el
	res.MiBPerSec = float64(res.Records) * float64(cfg.Size) / el / (1 << 20)
	res.CallLatency = quantiles(lat)
	r.p.line("put: %s records acknowledged, %s records/s, %.1f MiB/s", fmtCount(res.Records), fmtCount(int64(res.RecordsPerSec)), res.MiBPerSec)
	return res, nil
}

// putOnce sends the producer's next batch and records what became of it.
func (r *runState) putOnce(ctx context.Context, p *producer, buf *bytes.Buffer) {
	p.fill(r.runID)
	first, n := p.next, uint64(len(p.dataOff))
	p.next += n
	t0 := time.Now()
	b, err := r.c.do(ctx, "PutRecords", p.body, buf)
	p.latencies = append(p.latencies, time.Since(t0))
	p.calls.Add(1)
	switch {
	case throttled(err):
		p.throttles.Add(int64(n))
		if unavailable(err) {
			for i := range n {
				p.uncertain.set(first + i)
			}
		}
		return
	case err != nil:
		if ctx.Err() == nil {
			p.errors.Add(1)
			r.p.line("put: %v", err)
		}
		for i := range n {
			p.uncertain.set(first + i)
		}
		return
	}
	if allStored(b) {
		for i := range n {
			p.acked.set(first + i)
		}
		p.records.Add(int64(n))
		return
	}
	_, err = parsePutRecords(b, func(i int, code []byte) {
		c := first + uint64(i)
		switch {
		case len(code) == 0:
			p.acked.set(c)
			p.records.Add(1)
		case string(code) == "ProvisionedThroughputExceededException":
			p.throttles.Add(1)
		default:
			p.errors.Add(1)
		}
	})
	if err != nil {
		p.errors.Add(1)
		for i := range n {
			p.uncertain.set(first + i)
		}
	}
}

// allStored reports whether a PutRecords answer says FailedRecordCount 0, without parsing
// its entries.
func allStored(b []byte) bool {
	const key = `"FailedRecordCount":`
	i := bytes.Index(b, []byte(key))
	if i < 0 {
		return false
	}
	rest := bytes.TrimLeft(b[i+len(key):], " ")
	return len(rest) > 1 && rest[0] == '0' && (rest[1] < '0' || rest[1] > '9')
}

// quantiles summarises latencies in milliseconds.
func quantiles(d []time.Duration) Quantiles {
	if len(d) == 0 {
		return Quantiles{}
	}
	slices.Sort(d)
	at := func(q float64) float64 {
		i := int(q*float64(len(d))+0.5) - 1
		return float64(d[min(max(i, 0), len(d)-1)]) / float64(time.Millisecond)
	}
	return Quantiles{P50: at(0.50), P90: at(0.90), P99: at(0.99), Max: float64(d[len(d)-1]) / float64(time.Millisecond)}
}
