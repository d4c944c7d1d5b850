package kinesis

// Per-shard throughput limits (AWS's provisioned-mode shard limits) and the per-shard write
// rate that on-demand autoscaling reads.
//
// GetRecords calls
//
//	if !s.limits.allowRead(m.ID, shardIndex, s.now()) { … ProvisionedThroughputExceeded … }
//
// before reading, then s.limits.chargeRead(m.ID, shardIndex, bytesReturned, s.now()) after.
// allowRead admits a call while the shard has a call token (5 per second) and its read-byte
// balance (2 MiB per second, burst 2 MiB) is not in debt; chargeRead may drive the balance
// negative, so a 10 MiB answer blocks the shard's reads for about 5 s as on AWS. Both are
// no-ops (allowRead returns true) unless Options.EnforceLimits is set. throttled(m, shard)
// renders AWS's "Rate exceeded for shard …" error.
//
// For on-demand autoscaling (autoscale.go), s.limits.writeRate(m.ID, shardIndex, s.now())
// is the shard's accepted write rate over the last writeRateWindow seconds, tracked whether
// or not limits are enforced.

import (
	"sync"
	"time"

	"github.com/freshet/freshet/internal/awserr"
)

// AWS's per-shard limits.
const (
	shardWriteRecords = 1000    // records per second
	shardWriteBytes   = 1 << 20 // bytes per second
	shardReadCalls    = 5       // GetRecords calls per second
	shardReadBytes    = 2 << 20 // bytes per second
	// writeRateWindow is how many whole seconds writeRate averages over.
	writeRateWindow = 5
	// limiterIdle is how long an untouched shard's state is kept.
	limiterIdle = time.Minute
)

// limiter holds every shard's buckets, keyed by stream ID (unique per stream incarnation)
// and shard index. One mutex guards the map and the buckets: the critical sections are a
// few arithmetic operations per call.
type limiter struct {
	enforce bool

	mu        sync.Mutex
	shards    map[limitKey]*shardLimits
	lastSweep time.Time
}

type limitKey struct {
	stream string
	shard  int
}

// bucket is a token bucket refilled continuously at rate per second up to burst. A balance
// may go negative (debt) when a charge is made after the fact.
type bucket struct {
	tokens float64
	last   time.Time
}

func (b *bucket) refill(now time.Time, rate, burst float64) {
	if b.last.IsZero() {
		b.tokens, b.last = burst, now
		return
	}
	if d := now.Sub(b.last).Seconds(); d > 0 {
		b.tokens = min(burst, b.tokens+d*rate)
		b.last = now
	}
}

// secondCount is what one wall-clock second saw.
type secondCount struct {
	sec            int64
	records, bytes int64
}

type shardLimits struct {
	writeRecords, writeBytes bucket
	readCalls, readBytes     bucket
	// seen is a ring of the last seconds' accepted writes, indexed by unix second.
	seen    [writeRateWindow + 1]secondCount
	touched time.Time
}

func newLimiter(enforce bool) *limiter {
	return &limiter{enforce: enforce, shards: map[limitKey]*shardLimits{}}
}

// get returns a shard's state, creating it; the caller holds mu.
func (l *limiter) get(stream string, shard int, now time.Time) *shardLimits {
	if now.Sub(l.lastSweep) > limiterIdle {
		for k, sl := range l.shards {
			if now.Sub(sl.touched) > limiterIdle {
				delete(l.shards, k)
			}
		}
		l.lastSweep = now
	}
	k := limitKey{stream, shard}
	sl := l.shards[k]
	if sl == nil {
		sl = new(shardLimits)
		l.shards[k] = sl
	}
	sl.touched = now
	return sl
}

// allowWrite admits the longest prefix of recs that the shard's write limits allow at now
// and returns its length (len(recs) when limits are not enforced). The admitted records
// count toward writeRate.
func (l *limiter) allowWrite(stream string, shard int, recs []record, now time.Time) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	sl := l.get(stream, shard, now)
	n := len(recs)
	var bytes int64
	if l.enforce {
		sl.writeRecords.refill(now, shardWriteRecords, shardWriteRecords)
		sl.writeBytes.refill(now, shardWriteBytes, shardWriteBytes)
		n = 0
		for _, r := range recs {
			size := float64(len(r.PartitionKey) + len(r.Data))
			if sl.writeRecords.tokens < 1 || sl.writeBytes.tokens < size {
				break
			}
			sl.writeRecords.tokens--
			sl.writeBytes.tokens -= size
			bytes += int64(size)
			n++
		}
	} else {
		for _, r := range recs {
			bytes += int64(len(r.PartitionKey) + len(r.Data))
		}
	}
	sec := now.Unix()
	c := &sl.seen[sec%int64(len(sl.seen))]
	if c.sec != sec {
		*c = secondCount{sec: sec}
	}
	c.records += int64(n)
	c.bytes += bytes
	return n
}

// allowRead reports whether a GetRecords call on the shard may proceed at now, taking one
// call token when it may.
func (l *limiter) allowRead(stream string, shard int, now time.Time) bool {
	if !l.enforce {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	sl := l.get(stream, shard, now)
	sl.readCalls.refill(now, shardReadCalls, shardReadCalls)
	sl.readBytes.refill(now, shardReadBytes, shardReadBytes)
	if sl.readCalls.tokens < 1 || sl.readBytes.tokens <= 0 {
		return false
	}
	sl.readCalls.tokens--
	return true
}

// chargeRead records that a read returned bytes bytes.
func (l *limiter) chargeRead(stream string, shard int, bytes int, now time.Time) {
	if !l.enforce {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	sl := l.get(stream, shard, now)
	sl.readBytes.refill(now, shardReadBytes, shardReadBytes)
	sl.readBytes.tokens -= float64(bytes)
}

// writeRate is the shard's accepted writes per second, averaged over the writeRateWindow
// whole seconds before now's second.
func (l *limiter) writeRate(stream string, shard int, now time.Time) (recordsPerSec, bytesPerSec float64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	sl := l.shards[limitKey{stream, shard}]
	if sl == nil {
		return 0, 0
	}
	sec := now.Unix()
	var recs, bytes int64
	for _, c := range sl.seen {
		if c.sec < sec && c.sec >= sec-writeRateWindow {
			recs += c.records
			bytes += c.bytes
		}
	}
	return float64(recs) / writeRateWindow, float64(bytes) / writeRateWindow
}

// throttled is AWS's error for a shard over its limits.
func throttled(m *streamMeta, shard int) *awserr.Error {
	return awserr.Newf(awserr.ProvisionedThroughputExceeded, "Rate exceeded for shard %s in stream %s under account %s.", shardID(shard), m.Name, m.Account)
}
