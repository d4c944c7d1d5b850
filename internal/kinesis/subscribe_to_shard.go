// SubscribeToShard
//
// Behavior:
//   - Opens a subscription of the consumer ConsumerARN names to a shard; the server streams
//     its events (internal/server/subscribe.go). Before anything is streamed, a bad request
//     is an ordinary error answer: ValidationException; a missing stream, consumer (or a
//     ConsumerARN with another creation time) or shard is ResourceNotFoundException; a
//     consumer not ACTIVE is ResourceInUseException with AWS's text.
//   - StartingPosition: TRIM_HORIZON, LATEST, AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER and
//     AT_TIMESTAMP, resolved as GetShardIterator resolves them, with its InvalidArgument
//     texts (the operation named SubscribeToShard).
//   - Each event holds the records read since the last one, in order, at most 10000 and
//     1 MiB of data and partition keys (a larger record goes alone). Records are read with
//     GetRecords' reader (shard_read.go), only when the server asks for the next event: a
//     client that reads slowly (HTTP/2 flow control blocks the writer) holds at most one
//     event in Freshet, never a queue. 1 MiB rather than AWS's 10 MiB bounds that event and
//     keeps the events of a paced subscription (below) half a second apart.
//   - ContinuationSequenceNumber is the last record's sequence number, or, in an event with
//     no records, a number just before the next record to come (it encodes the shard and
//     its creation time as any of its sequence numbers): resubscribing with
//     AFTER_SEQUENCE_NUMBER and it (as KCL and Flink do) continues without loss or
//     duplication; AT_SEQUENCE_NUMBER and it repeats that last record.
//     MillisBehindLatest is 0 when the event reaches the end of the shard, else how long
//     ago the first record not sent arrived.
//   - The first event is sent at once, even empty; after that an event goes out as soon as
//     records arrive (the store's Watch wakes the subscription after the engine stored
//     them: no polling), or empty after 5 s without any (Options.SubscriptionHeartbeat).
//   - On a closed shard, the event that reaches its end carries ChildShards and is the last
//     one. The subscription ends after 5 minutes (Options.SubscriptionLifetime).
//   - One subscription per (consumer, shard): a second one within 5 s of the first's start
//     is ResourceInUseException ("Another active subscription exists for this consumer:
//     <account>:<stream>:<shard>:<consumer>", AWS's text, even when the first has ended,
//     as AWS keeps the lease 5 s); a later one takes over, and the first ends with a
//     ResourceInUseException event.
//   - If the stream is deleted, or the consumer deregistered, the subscription ends with a
//     ResourceNotFoundException event, at the latest at the next heartbeat.
//   - With --enforce-limits, a subscription sends at most 2 MiB/s: it delays its next event
//     (as AWS paces a consumer to 2 MiB/s per shard) rather than failing.
//   - DryRun answers DryRunOperationException once every check passed, without taking the
//     subscription.
//
// Differences from AWS:
//   - The (consumer, shard) leases live in each process: in a cluster, two nodes could each
//     hold a subscription of one consumer to one shard.
//   - No LimitExceededException for more than 1 call per second per consumer and shard
//     (the 5 s lease refuses them with ResourceInUseException instead).
//   - The texts for a StartingPosition missing its SequenceNumber or Timestamp are
//     GetShardIterator's; the text of the event ending a subscription another one took over
//     is the refusal's.
package kinesis

import (
	"context"
	"errors"
	"io"
	"math"
	"sync"
	"time"

	"github.com/freshet/freshet/internal/awserr"
	"github.com/freshet/freshet/internal/awsproto"
	"github.com/freshet/freshet/internal/seqnum"
	"github.com/freshet/freshet/internal/store"
)

type SubscribeToShardInput struct {
	ConsumerARN      *string           `json:"ConsumerARN"`
	DryRun           *bool             `json:"DryRun,omitempty"`
	ShardId          *string           `json:"ShardId"`
	StartingPosition *StartingPosition `json:"StartingPosition"`
	StreamId         *string           `json:"StreamId,omitempty"`
}

type StartingPosition struct {
	SequenceNumber *string        `json:"SequenceNumber,omitempty"`
	Timestamp      *awsproto.Time `json:"Timestamp,omitempty"`
	Type           *string        `json:"Type"`
}

// SubscribeToShardEvent is the payload of one SubscribeToShardEvent event-stream message.
type SubscribeToShardEvent struct {
	ChildShards                []ChildShard `json:"ChildShards,omitempty"`
	ContinuationSequenceNumber string       `json:"ContinuationSequenceNumber"`
	MillisBehindLatest         int64        `json:"MillisBehindLatest"`
	Records                    []Record     `json:"Records"`
}

const (
	// eventMaxRecords and eventMaxBytes bound one event (see the header).
	eventMaxRecords = 10000
	eventMaxBytes   = 1 << 20
	// subscriptionReadBytes is AWS's per consumer and shard rate with limits enforced.
	subscriptionReadBytes = 2 << 20
	// leaseHold is how long a subscription keeps its (consumer, shard) from another one.
	leaseHold = 5 * time.Second
)

// Subscription is an open SubscribeToShard. The server writes the initial-response event,
// then one event per Next until Next returns an error.
type Subscription struct {
	s        *Service
	consumer consumerRef
	arn      string // the consumer's ARN: its lease key
	streamID string
	shard    int
	lease    *subscriptionLease

	// pos is the position of the next record to send; lastArrival the arrival (unix s)
	// of the last record sent, which heartbeats' continuation numbers carry.
	pos         uint64
	lastArrival uint64
	perBatch    int
	// m is the stream as last loaded (at loadedAt); it is reloaded at each heartbeat, every
	// heartbeat interval under traffic, and when the shard's log was closed.
	m        *streamMeta
	loadedAt time.Time

	watch   *store.Watch // the shard log's change notifications
	expiry  *time.Timer  // fires at the end of the lifetime
	started bool         // the first event has been sent
	ended   bool         // the last event (ChildShards) has been sent
	readyAt time.Time    // with limits enforced, when the next event may go
}

// subscriptionLeases maps (consumer ARN, shard) to its latest subscription.
type subscriptionLeases struct {
	mu sync.Mutex
	m  map[leaseKey]*subscriptionLease
}

type leaseKey struct {
	arn   string
	shard int
}

type subscriptionLease struct {
	startedMs int64
	closed    bool
	takenOver chan struct{} // closed when a later subscription takes the lease
}

// acquire takes the lease of (arn, shard) at now, or refuses within leaseHold of the
// current holder's start. With check only, it takes nothing.
func (l *subscriptionLeases) acquire(key leaseKey, now time.Time, check bool) (*subscriptionLease, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	nowMs := now.UnixMilli()
	if old := l.m[key]; old != nil {
		if nowMs-old.startedMs < leaseHold.Milliseconds() {
			return nil, false
		}
		if !check {
			close(old.takenOver)
		}
	}
	if check {
		return nil, true
	}
	for k, le := range l.m { // forget ended subscriptions that hold nothing any more
		if le.closed && nowMs-le.startedMs >= leaseHold.Milliseconds() {
			delete(l.m, k)
		}
	}
	if l.m == nil {
		l.m = map[leaseKey]*subscriptionLease{}
	}
	le := &subscriptionLease{startedMs: nowMs, takenOver: make(chan struct{})}
	l.m[key] = le
	return le, true
}

func (l *subscriptionLeases) release(le *subscriptionLease) {
	l.mu.Lock()
	le.closed = true
	l.mu.Unlock()
}

// SubscribeToShard validates the request and opens a subscription. Its errors are ordinary
// error answers: nothing has been streamed yet.
func (s *Service) SubscribeToShard(ctx context.Context, in *SubscribeToShardInput) (*Subscription, error) {
	var v awserr.Validator
	v.Str("consumerARN", in.ConsumerARN, true, 1, 2048, consumerARNPat)
	v.Str("shardId", in.ShardId, true, 1, 128, shardIDPattern)
	if p := in.StartingPosition; p == nil {
		v.Null("startingPosition")
	} else {
		v.Str("startingPosition.sequenceNumber", p.SequenceNumber, false, 0, 0, seqNumPattern)
		v.Enum("startingPosition.type", p.Type, true, shardIteratorTypes)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	c, err := parseConsumerARN(*in.ConsumerARN)
	if err != nil {
		return nil, err
	}
	m, cm, err := s.loadConsumer(ctx, c)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if cm.status(now) != consumerActive {
		return nil, awserr.Newf(awserr.ResourceInUse, "Consumer %s with creation timestamp %d under stream: %s , account %s is not in ACTIVE status.", cm.Name, cm.createdSecs(), m.Name, m.Account)
	}
	index, ok := resolveShardID(*in.ShardId)
	if !ok {
		return nil, awserr.Newf(awserr.ResourceNotFound, "Could not find shard %s in stream %s under account %s.", *in.ShardId, m.Name, m.Account)
	}
	sh := m.shard(index)
	if sh == nil {
		return nil, shardNotFound(c.stream, index)
	}
	pos, err := s.startPosition(ctx, m, sh, in.StartingPosition)
	if err != nil {
		return nil, err
	}
	arn := consumerARN(m, cm)
	key := leaseKey{arn, index}
	dryRun := in.DryRun != nil && *in.DryRun
	lease, ok := s.leases.acquire(key, now, dryRun)
	if !ok {
		return nil, anotherSubscription(m, index, cm.Name)
	}
	if dryRun {
		return nil, errDryRun
	}
	watch, err := s.store.Watch(m.logName(index))
	if err != nil {
		s.leases.release(lease)
		return nil, err
	}
	c.createdSecs = cm.createdSecs()
	return &Subscription{
		s: s, consumer: c, arn: arn, streamID: m.ID, shard: index, lease: lease,
		pos: pos, lastArrival: uint64(now.Unix()), m: m, loadedAt: time.Now(), watch: watch,
		expiry: time.NewTimer(s.opts.SubscriptionLifetime),
	}, nil
}

// startPosition resolves a StartingPosition to a shard position, as GetShardIterator
// resolves its iterator types.
func (s *Service) startPosition(ctx context.Context, m *streamMeta, sh *shardMeta, p *StartingPosition) (uint64, error) {
	typ, seq := *p.Type, p.SequenceNumber
	switch {
	case typ == iterAtTimestamp:
		return s.positionAt(ctx, m, sh.Index, p.Timestamp)
	case seq != nil && (typ == iterTrimHorizon || typ == iterLatest):
		return 0, iteratorTypeError(typ, "also a")
	case seq == nil && (typ == iterAtSequence || typ == iterAfterSequence):
		return 0, iteratorTypeError(typ, "no")
	case seq != nil:
		n, err := seqnum.Parse(*seq)
		if err != nil {
			return 0, awserr.Newf(awserr.InvalidArgument, "StartingSequenceNumber %s used in SubscribeToShard on shard %s in stream %s under account %s is invalid.", *seq, shardID(sh.Index), m.Name, m.Account)
		}
		if int64(n.Shard) != int64(sh.Index) {
			return 0, awserr.Newf(awserr.InvalidArgument, "Invalid StartingSequenceNumber. It encodes %s, while it was used in a call to a shard with %s", shardID(int(n.Shard)), shardID(sh.Index))
		}
		if n.ShardCreated != uint64(sh.CreatedMs/1000) {
			return 0, awserr.Newf(awserr.InvalidArgument, "StartingSequenceNumber %s used in SubscribeToShard on shard %s in stream %s under account %s is invalid because it did not come from this stream.", *seq, shardID(sh.Index), m.Name, m.Account)
		}
		if typ == iterAfterSequence && n.Index < math.MaxUint64 {
			return n.Index + 1, nil
		}
		return n.Index, nil
	case typ == iterLatest:
		st, err := s.store.State(ctx, m.logName(sh.Index))
		if errors.Is(err, store.ErrNotFound) {
			return 0, shardNotFound(streamRef{m.Account, m.Region, m.Name}, sh.Index)
		}
		if err != nil {
			return 0, err
		}
		return position(st.Last+1, 0), nil
	}
	return 0, nil // TRIM_HORIZON: position 0 reads from the oldest record kept
}

// Next blocks until the next event: records, or a heartbeat after 5 s without any. It
// returns io.EOF when the subscription is over (after 5 minutes, or after the event carrying
// a closed shard's ChildShards), an *awserr.Error that the server sends as an exception
// event and then ends the stream, or ctx's error when the client went away. Next is never
// called again after it returned an error.
func (sub *Subscription) Next(ctx context.Context) (*SubscribeToShardEvent, error) {
	if sub.ended {
		return nil, io.EOF
	}
	if wait := time.Until(sub.readyAt); wait > 0 { // paced: new records do not cut this short
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-t.C:
		case <-sub.expiry.C:
			sub.ended = true
			return nil, io.EOF
		case <-sub.lease.takenOver:
			return nil, sub.takenOver()
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	heartbeat := time.NewTimer(sub.s.opts.SubscriptionHeartbeat)
	defer heartbeat.Stop()
	first := !sub.started
	sub.started = true
	beat := false
	for {
		if err := sub.wait(ctx, nil, nil); err != nil { // ended or taken over meanwhile
			return nil, err
		}
		// The stream is read again before the shard: a shard marked closed is final, and
		// every record it holds was stored before it was marked so. A closed log's stored
		// reshard plan is completed by that load (reshard.go).
		if beat || time.Since(sub.loadedAt) >= sub.s.opts.SubscriptionHeartbeat ||
			sub.watch.Closed() && sub.m.shard(sub.shard).ClosedMs == 0 {
			if err := sub.reload(ctx); err != nil {
				return nil, err
			}
		}
		ev, err := sub.readOnce(ctx)
		if err != nil || ev != nil {
			return ev, err
		}
		if first || beat {
			return sub.emptyEvent(), nil
		}
		if err := sub.wait(ctx, heartbeat.C, &beat); err != nil {
			return nil, err
		}
	}
}

// wait blocks until the shard log changes or ready fires (setting *fired), or fails when
// the lifetime is over (io.EOF), another subscription took over, or ctx is done. With a nil
// ready it only checks those without blocking.
func (sub *Subscription) wait(ctx context.Context, ready <-chan time.Time, fired *bool) error {
	if ready == nil {
		select {
		case <-sub.expiry.C:
			sub.ended = true
			return io.EOF
		case <-sub.lease.takenOver:
			return sub.takenOver()
		case <-ctx.Done():
			return ctx.Err()
		default:
			return nil
		}
	}
	select {
	case <-sub.expiry.C:
		sub.ended = true
		return io.EOF
	case <-sub.lease.takenOver:
		return sub.takenOver()
	case <-ctx.Done():
		return ctx.Err()
	case <-sub.watch.C:
	case <-ready:
		if fired != nil {
			*fired = true
		}
	}
	return nil
}

// takenOver is how a subscription ends when a later one took its lease.
func (sub *Subscription) takenOver() error {
	return anotherSubscription(sub.m, sub.shard, sub.consumer.name)
}

// anotherSubscription is AWS's ResourceInUseException for a (consumer, shard) in use.
func anotherSubscription(m *streamMeta, shard int, consumer string) error {
	return awserr.Newf(awserr.ResourceInUse, "Another active subscription exists for this consumer: %s:%s:%s:%s", m.Account, m.Name, shardID(shard), consumer)
}

// readOnce reads from the position; an event only when it has records or ends the shard.
func (sub *Subscription) readOnce(ctx context.Context) (*SubscribeToShardEvent, error) {
	s, m := sub.s, sub.m
	sh := m.shard(sub.shard)
	batches := firstReadBatches + 1
	if sub.perBatch > 0 {
		batches = (eventMaxRecords+sub.perBatch-1)/sub.perBatch + 1
	}
	rd, err := s.readShard(ctx, m, sh, sub.pos, eventMaxRecords, eventMaxBytes, batches)
	if errors.Is(err, store.ErrNotFound) {
		return nil, shardNotFound(sub.consumer.stream, sub.shard)
	}
	if err != nil {
		return nil, err
	}
	if rd.Batches > 0 {
		sub.perBatch = (rd.Seen + rd.Batches - 1) / rd.Batches
	}
	now := s.now()
	atEnd := rd.millisBehind(now) == 0 && sh.ClosedMs != 0
	if len(rd.Records) == 0 && !atEnd {
		if rd.Next > sub.pos {
			// The read held only records before the position (the rest of a batch larger
			// than an event, already sent): go on past them, or the next read finds them again.
			sub.pos = rd.Next
			return sub.readOnce(ctx)
		}
		return nil, nil
	}
	sub.pos = rd.Next
	ev := &SubscribeToShardEvent{Records: rd.Records, MillisBehindLatest: rd.millisBehind(now)}
	if n := len(rd.Records); n > 0 {
		last := &rd.Records[n-1]
		ev.ContinuationSequenceNumber = last.SequenceNumber
		sub.lastArrival = uint64(last.ApproximateArrivalTimestamp.Unix())
	} else {
		ev.ContinuationSequenceNumber = sub.continuation()
	}
	if atEnd {
		ev.ChildShards = nonNil(m.children(sub.shard))
		sub.ended = true
	}
	if s.opts.EnforceLimits && rd.Bytes > 0 {
		if t := time.Now(); sub.readyAt.Before(t) {
			sub.readyAt = t
		}
		sub.readyAt = sub.readyAt.Add(time.Duration(rd.Bytes) * time.Second / subscriptionReadBytes)
	}
	return ev, nil
}

// reload reads the stream again and checks that the subscription's stream incarnation,
// consumer and shard still exist.
func (sub *Subscription) reload(ctx context.Context) error {
	m, _, err := sub.s.load(ctx, sub.consumer.stream)
	if err != nil {
		return err
	}
	if m.ID != sub.streamID {
		return sub.consumer.stream.notFound()
	}
	if _, err := sub.consumer.find(m, sub.s.now()); err != nil {
		return err
	}
	if m.shard(sub.shard) == nil {
		return shardNotFound(sub.consumer.stream, sub.shard)
	}
	sub.m, sub.loadedAt = m, time.Now()
	return nil
}

// emptyEvent is a heartbeat: no records, caught up.
func (sub *Subscription) emptyEvent() *SubscribeToShardEvent {
	return &SubscribeToShardEvent{Records: []Record{}, ContinuationSequenceNumber: sub.continuation()}
}

// continuation is a sequence number just before the next record: AFTER_SEQUENCE_NUMBER it
// resumes there. At position 0 (the trim horizon, nothing read) it is position 0 itself,
// which AFTER_SEQUENCE_NUMBER turns into 1, still before every record.
func (sub *Subscription) continuation() string {
	sh := sub.m.shard(sub.shard)
	idx := sub.pos
	if idx > 0 {
		idx--
	}
	return seqnum.Num{ShardCreated: uint64(sh.CreatedMs / 1000), Shard: uint32(sh.Index), Index: idx, Arrival: sub.lastArrival}.String()
}

// Close releases the subscription (its engine watch and its ResourceInUse lease). The
// server calls it exactly once, whatever Next returned.
func (sub *Subscription) Close() {
	sub.expiry.Stop()
	sub.watch.Stop()
	sub.s.leases.release(sub.lease)
}
