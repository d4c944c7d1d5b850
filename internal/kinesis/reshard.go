package kinesis

// Resharding, shared by SplitShard, MergeShards, UpdateShardCount and the on-demand
// autoscaler, and the expiry of closed shards.
//
// A reshard closes some open shards (the parents) and opens others (the children) in three
// steps, each safe to repeat:
//
//  1. decide: one compare-and-set update validates the request against the current
//     metadata and stores the plan in streamMeta.Reshard (AtMs; the shards that close;
//     the shards that open, with their indexes taken from NextShardIndex, ranges and
//     parents), and marks the stream UPDATING. This CAS is the decision: of two
//     concurrent reshards one stores its plan, the other reloads, re-validates and fails
//     (the parent is closed, or the stream is UPDATING).
//  2. carry out: create the children's logs, then CloseLog each parent's log (every later
//     append to it fails, every acknowledged one is in its final state), and derive each
//     parent's EndingSequenceNumber from that final state.
//  3. commit: a second CAS marks the parents closed (ClosedMs = when their logs closed,
//     EndingSeq), appends the children (CreatedMs = AtMs) and clears the plan.
//
// Whoever loads a stream with a stored plan carries it out (s.load → s.settle): the caller
// itself, any request to the stream meanwhile, a producer whose append found its shard's
// log closed (it reloads the metadata, so completes the reshard before routing again), or
// any node after a crash. Step 2 is idempotent (CreateLog of an existing log, CloseLog of
// a closed log) and its result is fixed once the parents are closed, so concurrent or
// repeated executions agree and only one commit CAS wins. In one process a mutex lets one
// request do the work while the others wait and read the committed result, so a request
// routes on pre-reshard metadata only if it loaded it before step 1; its append to a
// closed parent fails and it re-routes. A crash between 1 and 3 leaves the plan stored;
// the next load of the stream completes it (until then producers on other nodes may find
// a parent closed and retry through load, which completes the plan).
//
// Closed shards whose records are all past retention are dropped by the same load: their
// logs are deleted first, then the metadata updated, so a crash in between is finished by
// the next load. Children keep naming them as parents, as on AWS.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/freshet/freshet/internal/awserr"
	"github.com/freshet/freshet/internal/hashkey"
	"github.com/freshet/freshet/internal/seqnum"
	"github.com/freshet/freshet/internal/store"
)

// maxStreamShards is AWS's per-stream shard maximum for UpdateShardCount.
const maxStreamShards = 10000

// reshardOp is a decided, not yet committed reshard (step 1 above).
type reshardOp struct {
	AtMs  int64 `json:"at"`
	Close []int `json:"close"` // open shards that close
	// Open are the shards that appear. Short-lived shards of a multi-step UpdateShardCount
	// are among them, already closed (they never take a write).
	Open []shardMeta `json:"open"`
}

// empty reports whether the plan changes nothing.
func (op *reshardOp) empty() bool { return len(op.Close) == 0 && len(op.Open) == 0 }

// planner builds a reshardOp on a stream's metadata.
type planner struct {
	m  *streamMeta
	op *reshardOp
}

func newPlanner(m *streamMeta, atMs int64) *planner {
	return &planner{m: m, op: &reshardOp{AtMs: atMs}}
}

// add opens a shard over rg with the given parents (-1: none) and returns its index.
func (p *planner) add(rg hashkey.Range, parent, adjacent int) int {
	sh := shardMeta{
		Index: p.m.NextShardIndex, StartHash: rg.Start.String(), EndHash: rg.End.String(),
		Parent: parent, Adjacent: adjacent, CreatedMs: p.op.AtMs,
	}
	p.m.NextShardIndex++
	p.op.Open = append(p.op.Open, sh)
	return sh.Index
}

// retire closes a shard: an existing one through its log, a short-lived one of this plan
// at once (it never took a write, so it ends where it starts).
func (p *planner) retire(index int) {
	for i := range p.op.Open {
		if sh := &p.op.Open[i]; sh.Index == index {
			sh.ClosedMs = p.op.AtMs
			sh.EndingSeq = emptyEnding(sh, p.op.AtMs)
			return
		}
	}
	p.op.Close = append(p.op.Close, index)
}

// split closes parent and opens two children split at key (the upper one starts at key).
func (p *planner) split(parent int, rg hashkey.Range, key hashkey.Key) (lo, hi int) {
	p.retire(parent)
	lo = p.add(hashkey.Range{Start: rg.Start, End: key.Sub(1)}, parent, -1)
	hi = p.add(hashkey.Range{Start: key, End: rg.End}, parent, -1)
	return lo, hi
}

// merge closes two adjacent shards and opens their union, with a as parent and b as
// adjacent parent.
func (p *planner) merge(a, b int, union hashkey.Range) int {
	p.retire(a)
	p.retire(b)
	return p.add(union, a, b)
}

// propose stores a plan on m (step 1): the caller runs it inside s.update.
func (s *Service) propose(m *streamMeta, op *reshardOp) {
	if s.opts.StateDelay > 0 {
		m.Status, m.StatusUntil = statusUpdating, s.now().Add(s.opts.StateDelay).UnixMilli()
	}
	if !op.empty() {
		m.Reshard = op
	}
}

// emptyEnding is the EndingSequenceNumber of a shard that closed holding no record: its
// StartingSequenceNumber's position, stamped with the closing time, so never below it.
func emptyEnding(sh *shardMeta, closedMs int64) string {
	return seqnum.Num{
		ShardCreated: uint64(sh.CreatedMs / 1000), Shard: uint32(sh.Index),
		Arrival: uint64(max(closedMs, sh.CreatedMs) / 1000),
	}.String()
}

// settle brings loaded metadata up to date (called by load): it carries out and commits a
// stored reshard plan, and drops closed shards whose records have all expired (deleting
// their logs first, so that a crash leaves nothing behind that a later load would not
// finish). It returns the metadata and revision to use.
func (s *Service) settle(ctx context.Context, r streamRef, m *streamMeta, rev uint64) (*streamMeta, uint64, error) {
	if m.Status == statusDeleting {
		return m, rev, nil
	}
	if m.Reshard != nil {
		return s.completeReshard(ctx, r)
	}
	expired := s.expiredShards(m)
	if len(expired) == 0 {
		return m, rev, nil
	}
	for _, i := range expired {
		if err := s.store.DeleteLog(ctx, m.logName(i)); err != nil {
			return nil, 0, err
		}
	}
	m.Shards = slices.DeleteFunc(m.Shards, func(sh shardMeta) bool { return slices.Contains(expired, sh.Index) })
	b, err := marshalMeta(m)
	if err != nil {
		return nil, 0, err
	}
	newRev, err := s.store.MetaUpdate(ctx, r.key(), b, rev)
	if errors.Is(err, store.ErrConflict) {
		return s.load(ctx, r) // changed meanwhile (maybe settled by someone else): start over
	}
	if err != nil {
		return nil, 0, err
	}
	return m, newRev, nil
}

// completeReshard carries out and commits the stream's stored plan. In one process one
// call at a time does the engine work (reshardMu): after a reshard is decided, every
// request to the stream reaches here, and the others then find the plan committed instead
// of all repeating it. Other processes may still do it concurrently: that is safe.
func (s *Service) completeReshard(ctx context.Context, r streamRef) (*streamMeta, uint64, error) {
	s.reshardMu.Lock()
	m, rev, err := s.completeReshardLocked(ctx, r)
	s.reshardMu.Unlock()
	if err != nil {
		return nil, 0, err
	}
	if m == nil {
		return s.load(ctx, r) // the stored state changed under us: read it again
	}
	return s.settle(ctx, r, m, rev)
}

// completeReshardLocked reads the stream without settling it (load would come back here)
// and commits its plan. It returns nil metadata when there is no plan to commit any more.
func (s *Service) completeReshardLocked(ctx context.Context, r streamRef) (*streamMeta, uint64, error) {
	m, rev, err := s.loadRaw(ctx, r)
	if err != nil || m == nil || m.Reshard == nil || m.Status == statusDeleting || m.gone(s.now()) {
		return nil, 0, err
	}
	err = s.carryOut(ctx, m)
	if errors.Is(err, store.ErrNotFound) {
		// A parent's log is gone: the stream was deleted while this plan was carried out
		// elsewhere. Drop the child logs this call may have created again.
		if cur, _, err := s.loadRaw(ctx, r); err != nil || (cur != nil && cur.ID == m.ID && !cur.gone(s.now())) {
			return nil, 0, fmt.Errorf("stream %s: open shard log missing (%v)", m.Name, err)
		}
		s.deleteLogs(ctx, m, m.Reshard.Open)
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	b, err := marshalMeta(m)
	if err != nil {
		return nil, 0, err
	}
	newRev, err := s.store.MetaUpdate(ctx, r.key(), b, rev)
	if errors.Is(err, store.ErrConflict) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	return m, newRev, nil
}

// loadRaw reads a stream's stored metadata as is (nil when there is none).
func (s *Service) loadRaw(ctx context.Context, r streamRef) (*streamMeta, uint64, error) {
	b, rev, err := s.store.MetaGet(ctx, r.key())
	if errors.Is(err, store.ErrNotFound) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	m := new(streamMeta)
	if err := json.Unmarshal(b, m); err != nil {
		return nil, 0, fmt.Errorf("decode stream %s: %w", r.key(), err)
	}
	return m, rev, nil
}

// carryOut performs steps 2 and 3 of m.Reshard on m (in memory).
func (s *Service) carryOut(ctx context.Context, m *streamMeta) error {
	op := m.Reshard
	for _, sh := range op.Open {
		if err := s.store.CreateLog(ctx, m.logName(sh.Index), s.retention(m)); err != nil {
			return err
		}
	}
	for _, i := range op.Close {
		sh := m.shard(i)
		if sh == nil || sh.ClosedMs != 0 {
			continue
		}
		st, err := s.store.CloseLog(ctx, m.logName(i))
		if err != nil {
			return err
		}
		end, err := s.endingSeq(ctx, m, sh, st, op.AtMs)
		if err != nil {
			return err
		}
		// Closed when its log closed: writes accepted between the decision and now are in it.
		sh.ClosedMs, sh.EndingSeq = max(op.AtMs, s.now().UnixMilli()), end
	}
	m.Shards = append(m.Shards, op.Open...)
	m.Reshard = nil
	return nil
}

// endingSeq is the sequence number of the last record of a closed shard's log.
func (s *Service) endingSeq(ctx context.Context, m *streamMeta, sh *shardMeta, st store.LogState, closedMs int64) (string, error) {
	if st.Last == 0 {
		return emptyEnding(sh, closedMs), nil
	}
	res, err := s.store.Read(ctx, m.logName(sh.Index), store.ReadRequest{From: st.Last, Max: 1})
	if err != nil {
		return "", err
	}
	if len(res.Msgs) == 1 && res.Msgs[0].Seq == st.Last {
		if b, err := decodeBatch(res.Msgs[0].Data); err == nil && len(b.Records) > 0 {
			return recordSeq(sh, st.Last, len(b.Records)-1, b.ArrivalMs).String(), nil
		}
	}
	// The last batch expired already: no record is left to name, any position past it will do.
	n := recordSeq(sh, st.Last, 0, closedMs)
	return n.String(), nil
}

// expiredShards lists the closed shards whose every record is past retention: they closed
// more than the retention period ago (their last record is older than their closing).
func (s *Service) expiredShards(m *streamMeta) []int {
	cutoff := s.now().Add(-s.retention(m)).UnixMilli()
	var out []int
	for _, sh := range m.Shards {
		if sh.ClosedMs != 0 && sh.ClosedMs < cutoff {
			out = append(out, sh.Index)
		}
	}
	return out
}

// openByHash returns the open shards ordered by starting hash key.
func (m *streamMeta) openByHash() []*shardMeta {
	var out []*shardMeta
	for i := range m.Shards {
		if m.Shards[i].ClosedMs == 0 {
			out = append(out, &m.Shards[i])
		}
	}
	slices.SortFunc(out, func(a, b *shardMeta) int { return a.hashRange().Start.Cmp(b.hashRange().Start) })
	return out
}

// accountOpenShards counts the open shards of every stream of an account and region.
func (s *Service) accountOpenShards(ctx context.Context, r streamRef) (int, error) {
	all, err := s.listStreams(ctx, r.Account, r.Region)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, m := range all {
		n += m.openShards()
	}
	return n, nil
}

// reshardTarget resolves a ShardToSplit / ShardToMerge argument to an open shard of m, or
// fails with AWS's error.
func reshardTarget(m *streamMeta, id string) (*shardMeta, error) {
	i := parseShardID(id)
	var sh *shardMeta
	if i >= 0 {
		sh = m.shard(i)
	}
	if sh == nil {
		return nil, awserr.Newf(awserr.ResourceNotFound, "Could not find shard %s in stream %s under account %s.", id, m.Name, m.Account)
	}
	if sh.ClosedMs != 0 {
		return nil, awserr.Newf(awserr.InvalidArgument, "Shard %s in stream %s under account %s has already been merged or split, and thus is not eligible for merging or splitting.", shardID(sh.Index), m.Name, m.Account)
	}
	return sh, nil
}

// notOnDemand is AWS's ValidationException for a provisioned-only operation on an
// ON_DEMAND stream.
func notOnDemand(m *streamMeta, op string) error {
	if m.Mode != modeOnDemand {
		return nil
	}
	return awserr.Newf(awserr.Validation, "%s is not supported for stream %s under account %s because it is in ON_DEMAND capacity mode.", op, m.Name, m.Account)
}

// uniformPlan reshapes m's open shards into n shards evenly spread over the hash-key space
// (hashkey.Full.Split(n)), as AWS does, out of splits and merges:
//
//   - every open shard containing new boundaries is split at them, one split at a time
//     (a chain: the upper child is split again), so each piece lies inside one target;
//   - the pieces of each target are merged left to right, one merge at a time.
//
// So every shard has at most two parents and two children, a child's parents cover
// exactly its range, and a consumer that reads parents before children keeps per-key
// order. Open shards already equal to a target stay as they are; the intermediate shards
// of chains are created closed and empty.
func (p *planner) uniformPlan(n int) {
	targets := hashkey.Full.Split(n)
	type piece struct {
		index int
		rg    hashkey.Range
	}
	var pieces []piece
	t := 0
	for _, sh := range p.m.openByHash() {
		cur := piece{sh.Index, sh.hashRange()}
		for {
			for targets[t].End.Cmp(cur.rg.Start) < 0 {
				t++
			}
			if targets[t].End.Cmp(cur.rg.End) >= 0 {
				break
			}
			cut := targets[t].End.Add(1)
			lo, hi := p.split(cur.index, cur.rg, cut)
			pieces = append(pieces, piece{lo, hashkey.Range{Start: cur.rg.Start, End: targets[t].End}})
			cur = piece{hi, hashkey.Range{Start: cut, End: cur.rg.End}}
		}
		pieces = append(pieces, cur)
	}
	t = 0
	for i := 0; i < len(pieces); {
		for targets[t].End.Cmp(pieces[i].rg.Start) < 0 {
			t++
		}
		acc := pieces[i]
		for i++; i < len(pieces) && pieces[i].rg.End.Cmp(targets[t].End) <= 0; i++ {
			union := hashkey.Range{Start: acc.rg.Start, End: pieces[i].rg.End}
			acc = piece{p.merge(acc.index, pieces[i].index, union), union}
		}
	}
}
