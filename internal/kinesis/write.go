package kinesis

// The write path shared by PutRecord and PutRecords: route every record to the open shard
// owning its hash key, write one batch per shard (shards in parallel), and follow resharding
// when a shard closes under the request.

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"

	"github.com/freshet/freshet/internal/awserr"
	"github.com/freshet/freshet/internal/hashkey"
	"github.com/freshet/freshet/internal/store"
)

const (
	// putAttempts bounds how often a request re-routes records whose shard closed under it.
	putAttempts = 5
	// distributionAuto is the RecordDistributionStrategy under which Kinesis picks shards.
	distributionAuto = "AUTO"
)

// errInternalEntry is the per-record failure of a PutRecords entry whose write failed.
var errInternalEntry = awserr.New(awserr.InternalFailure, "Internal service failure.")

// errDryRun answers a data-plane request with DryRun set that would have succeeded.
var errDryRun = awserr.New(awserr.DryRunOperation, "Request would have succeeded, but DryRun flag is set.")

// batchBufs recycles encoded batches: the engine copies a message before Append returns.
var batchBufs = sync.Pool{New: func() any { return new([]byte) }}

// maxPooledBatch is the largest buffer kept for reuse; rare large batches are not pinned.
const maxPooledBatch = 1 << 20

// router finds the open shard owning a hash key; routerCache keeps one per stream.
type router struct {
	shards []*shardMeta    // open shards, by starting hash key
	ranges []hashkey.Range // their ranges, same order
}

func newRouter(m *streamMeta) *router {
	rt := new(router)
	for i := range m.Shards {
		if m.Shards[i].ClosedMs == 0 {
			rt.shards = append(rt.shards, &m.Shards[i])
		}
	}
	rt.ranges = make([]hashkey.Range, len(rt.shards))
	for i, sh := range rt.shards {
		rt.ranges[i] = sh.hashRange()
	}
	order := make([]int, len(rt.shards))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return rt.ranges[a].Start.Cmp(rt.ranges[b].Start) })
	shards, ranges := make([]*shardMeta, len(order)), make([]hashkey.Range, len(order))
	for i, o := range order {
		shards[i], ranges[i] = rt.shards[o], rt.ranges[o]
	}
	rt.shards, rt.ranges = shards, ranges
	return rt
}

// routerCache keeps each stream's router for its latest metadata revision: parsing the hash
// ranges of a 500-shard stream takes about 0.7 ms, more than the rest of a PutRecords.
// Metadata at a revision never changes, so a cached router is never stale for that revision.
type routerCache struct {
	mu sync.Mutex
	m  map[string]routerAt // by stream ID
}

type routerAt struct {
	rev uint64
	rt  *router
}

// maxCachedRouters bounds the cache; when full it starts over.
const maxCachedRouters = 4096

func (c *routerCache) get(m *streamMeta, rev uint64) *router {
	if rev == 0 {
		return newRouter(m)
	}
	c.mu.Lock()
	e, ok := c.m[m.ID]
	c.mu.Unlock()
	if ok && e.rev == rev {
		return e.rt
	}
	rt := newRouter(m)
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCachedRouters {
		c.m = map[string]routerAt{}
	}
	c.m[m.ID] = routerAt{rev, rt}
	c.mu.Unlock()
	return rt
}

// route returns the position in rt.shards of the shard owning k, or -1.
func (rt *router) route(k hashkey.Key) int {
	i, _ := slices.BinarySearchFunc(rt.ranges, k, func(r hashkey.Range, k hashkey.Key) int { return r.End.Cmp(k) })
	if i < len(rt.ranges) && rt.ranges[i].Contains(k) {
		return i
	}
	return -1
}

// putEntry is one record on its way to a shard.
type putEntry struct {
	rec record
	key hashkey.Key // the record's hash key (unused under AUTO distribution)
}

// putResult is what became of one entry: stored at seq in shard (its ShardId), or failed
// with err.
type putResult struct {
	shard string
	seq   string
	err   *awserr.Error
}

// writable fails unless the stream takes writes: ACTIVE or UPDATING. A CREATING or DELETING
// stream is not found, as on AWS.
func (s *Service) writable(r streamRef, m *streamMeta) error {
	switch m.status(s.now()) {
	case statusActive, statusUpdating:
		return nil
	}
	return r.notFound()
}

// putAt writes entries to stream m, read at metadata revision rev (0: unknown, the router
// is not cached), and returns one result per entry, in order. Entries whose shard closed
// concurrently (its log refuses appends) are routed again on the reloaded metadata, at most
// putAttempts times. A stream deleted meanwhile is ResourceNotFound.
func (s *Service) putAt(ctx context.Context, r streamRef, m *streamMeta, rev uint64, entries []putEntry) ([]putResult, error) {
	res := make([]putResult, len(entries))
	pending := make([]int, len(entries))
	for i := range pending {
		pending[i] = i
	}
	for attempt := 1; ; attempt++ {
		retry, err := s.putOnce(ctx, m, s.routers.get(m, rev), entries, pending, res)
		if err != nil {
			return nil, err
		}
		if len(retry) == 0 {
			return res, nil
		}
		if attempt == putAttempts {
			for _, i := range retry {
				res[i] = putResult{err: errInternalEntry}
			}
			s.log.Error("shards keep closing under a write", "stream", m.Name, "records", len(retry))
			return res, nil
		}
		id := m.ID
		if m, rev, err = s.load(ctx, r); err != nil {
			return nil, err
		}
		if m.ID != id {
			return nil, r.notFound() // deleted and created again: not the stream written to
		}
		if err := s.writable(r, m); err != nil {
			return nil, err
		}
		pending = retry
	}
}

// putOnce routes the pending entries with rt (m's router) and writes one batch per shard,
// concurrently. It fills res for every entry it settles and returns those whose shard's log
// is gone.
func (s *Service) putOnce(ctx context.Context, m *streamMeta, rt *router, entries []putEntry, pending []int, res []putResult) ([]int, error) {
	if len(rt.shards) == 0 {
		return nil, fmt.Errorf("stream %s has no open shard", m.Name)
	}
	groups := make([][]int, len(rt.shards))
	if m.RecordDistribution == distributionAuto {
		off := rand.IntN(len(rt.shards))
		for j, i := range pending {
			p := (off + j) % len(rt.shards)
			groups[p] = append(groups[p], i)
		}
	} else {
		for _, i := range pending {
			p := rt.route(entries[i].key)
			if p < 0 {
				return nil, fmt.Errorf("stream %s: no open shard owns hash key %s", m.Name, entries[i].key)
			}
			groups[p] = append(groups[p], i)
		}
	}
	now := s.now()
	arrivalMs := now.UnixMilli()
	closed := make([][]int, len(groups))
	write := func(p int) {
		idx, sh := groups[p], rt.shards[p]
		id := shardID(sh.Index)
		recs := make([]record, len(idx))
		size := 16
		for j, i := range idx {
			recs[j] = entries[i].rec
			size += len(recs[j].PartitionKey) + len(recs[j].Data) + 8
		}
		n := s.limits.allowWrite(m.ID, sh.Index, recs, now)
		if n < len(idx) {
			e := throttled(m, sh.Index)
			for _, i := range idx[n:] {
				res[i] = putResult{shard: id, err: e}
			}
		}
		if n == 0 {
			return
		}
		b := &batch{KMS: m.EncryptionType == "KMS", ArrivalMs: arrivalMs, Records: recs[:n]}
		buf := batchBufs.Get().(*[]byte)
		if cap(*buf) < size {
			*buf = make([]byte, 0, size)
		}
		*buf = appendBatch((*buf)[:0], b)
		seq, err := s.store.Append(ctx, m.logName(sh.Index), *buf)
		if cap(*buf) <= maxPooledBatch {
			batchBufs.Put(buf)
		}
		switch {
		case errors.Is(err, store.ErrNotFound):
			closed[p] = idx[:n]
		case err != nil:
			s.log.Error("write records", "stream", m.Name, "shard", id, "err", err)
			for _, i := range idx[:n] {
				res[i] = putResult{shard: id, err: errInternalEntry}
			}
		default:
			seqs := recordSeq(sh, seq, 0, arrivalMs).Strings(n)
			for j, i := range idx[:n] {
				res[i] = putResult{shard: id, seq: seqs[j]}
			}
		}
	}
	var wg sync.WaitGroup
	last := -1
	for p := range groups {
		if len(groups[p]) == 0 {
			continue
		}
		if q := last; q >= 0 {
			wg.Go(func() { write(q) })
		}
		last = p
	}
	if last >= 0 {
		write(last) // the last (often the only) group runs on the request's goroutine
	}
	wg.Wait()
	var retry []int
	for _, c := range closed {
		retry = append(retry, c...)
	}
	return retry, nil
}

func encryptionType(m *streamMeta) string {
	if m.EncryptionType == "" {
		return "NONE"
	}
	return m.EncryptionType
}

// maxRecordBytes is the largest record (partition key plus data) the stream accepts.
func maxRecordBytes(m *streamMeta) int {
	if m.MaxRecordSizeKiB == 0 {
		return defaultRecordKiB << 10
	}
	return m.MaxRecordSizeKiB << 10
}

// checkRecordSize fails for a record (partition key plus data) above the stream's maximum
// record size.
func checkRecordSize(m *streamMeta, pk string, data []byte) error {
	if size := len(pk) + len(data); size > maxRecordBytes(m) {
		return awserr.Newf(awserr.InvalidArgument, "Record size %d bytes (partition key and data) exceeds the maximum record size of %d KiB of stream %s under account %s.", size, maxRecordBytes(m)>>10, m.Name, m.Account)
	}
	return nil
}
