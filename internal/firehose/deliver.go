package firehose

// The delivery loop: one goroutine per delivery stream reads its Source into a buffer,
// and when the buffer reaches the size hint, its oldest record the interval hint, or the
// service closes, runs the processing stages and hands the batch to the Destination. Only
// then is the source's checkpoint stored (compare-and-set in the metadata bucket), so a
// killed process delivers again, after restart, whatever it had not recorded as delivered:
// delivery is at-least-once. A failed delivery is retried with back-off, the buffer kept.

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/freshet/freshet/internal/awserr"
	"github.com/freshet/freshet/internal/store"
)

type loop struct {
	id, key string // stream ID, cursor key
	ref     streamRef
	wake    chan struct{} // a record was put (capacity 1)
	flush   chan struct{} // closed: deliver everything, then stop
	once    sync.Once
	ctx     context.Context
	cancel  context.CancelFunc // stop at once (delete, or Close ran out of time)
}

func (l *loop) flushAndStop() { l.once.Do(func() { close(l.flush) }) }

// startLoop starts the delivery loop of a delivery stream unless it runs already.
func (s *Service) startLoop(m *streamMeta) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing || s.loops[m.ID] != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	l := &loop{id: m.ID, key: m.cursorKey(), ref: streamRef{m.Account, m.Region, m.Name},
		wake: make(chan struct{}, 1), flush: make(chan struct{}), ctx: ctx, cancel: cancel}
	s.loops[m.ID] = l
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer cancel()
		s.run(l)
		s.mu.Lock()
		if s.loops[l.id] == l {
			delete(s.loops, l.id)
		}
		s.mu.Unlock()
	}()
}

// stopLoop stops a delivery loop without flushing (the stream is being deleted).
func (s *Service) stopLoop(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if l := s.loops[id]; l != nil {
		l.cancel()
		delete(s.loops, id)
	}
}

// wakeLoop tells a delivery loop that records arrived.
func (s *Service) wakeLoop(id string) {
	s.mu.Lock()
	l := s.loops[id]
	s.mu.Unlock()
	if l == nil {
		return
	}
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

func (s *Service) run(l *loop) {
	ctx := l.ctx
	cursor := cursorState{key: l.key}
	for {
		err := cursor.load(ctx, s.store)
		if err == nil {
			break
		}
		s.log.Warn("read delivery position", "stream", l.ref.Name, "err", err)
		if !sleep(ctx, s.opts.RetryMax) {
			return
		}
	}
	var (
		buf      []DeliveryRecord
		bytes    int
		next     = cursor.cp
		attempt  int
		retryAt  time.Time // wall clock
		flushing bool
		flushCh  = l.flush
	)
	for {
		wait := s.opts.Tick
		m, _, err := s.load(ctx, l.ref)
		if awserr.IsCode(err, awserr.ResourceNotFound) || err == nil && (m.ID != l.id || m.Status == statusDeleting) {
			return // deleted or being deleted (perhaps created again: a new loop serves the new one)
		}
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			s.log.Warn("load delivery stream", "stream", l.ref.Name, "err", err)
		} else if due, d := s.step(ctx, m, &buf, &bytes, &next, flushing); due && time.Now().After(retryAt) {
			err := s.deliver(ctx, m, buf)
			if err == nil {
				if err := cursor.save(ctx, s.store, next); err != nil {
					s.log.Warn("store delivery position", "stream", m.Name, "err", err)
				}
				buf, bytes, attempt, retryAt = nil, 0, 0, time.Time{}
				continue
			}
			if ctx.Err() != nil {
				return
			}
			attempt++
			backoff := min(s.opts.RetryMin<<min(attempt-1, 20), s.opts.RetryMax)
			retryAt = time.Now().Add(backoff)
			wait = backoff
			s.log.Warn("delivery failed; will retry", "stream", m.Name, "attempt", attempt, "records", len(buf), "err", err)
		} else if len(buf) == 0 && next != cursor.cp {
			// Everything read was dropped (retention): move the stored position past it.
			if err := cursor.save(ctx, s.store, next); err != nil {
				s.log.Warn("store delivery position", "stream", m.Name, "err", err)
			}
			attempt, retryAt = 0, time.Time{}
		} else if flushing && len(buf) == 0 {
			return
		} else if !retryAt.IsZero() {
			wait = max(time.Until(retryAt), time.Millisecond)
		} else if d > 0 {
			wait = min(wait, d)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-l.wake:
		case <-flushCh:
			flushing, flushCh = true, nil
		case <-t.C:
		}
		t.Stop()
	}
}

// step fills the buffer from the source up to the size hint and reports whether it is due
// for delivery, or else how long until its oldest record reaches the interval hint.
func (s *Service) step(ctx context.Context, m *streamMeta, buf *[]DeliveryRecord, bytes *int, next *Checkpoint, flushing bool) (bool, time.Duration) {
	size, interval := buffering(m)
	src, err := s.source(m)
	if err != nil {
		s.log.Warn("delivery source", "stream", m.Name, "err", err)
		return false, 0
	}
	for *bytes < size {
		recs, cp, err := src.Read(ctx, *next, size-*bytes)
		if err != nil {
			if ctx.Err() == nil {
				s.log.Warn("read delivery source", "stream", m.Name, "err", err)
			}
			break
		}
		if len(recs) == 0 {
			break
		}
		*buf = append(*buf, recs...)
		*next = cp
		for _, r := range recs {
			*bytes += len(r.Data)
		}
	}
	// Records the destination has not taken within the retention period are dropped, as
	// AWS drops them after 24 h (the log drops them too). A Kinesis source's records stay
	// in the Kinesis stream for its own retention, and may be older than that when read.
	if cut := s.now().Add(-s.opts.Retention); m.Type == typeDirectPut && len(*buf) > 0 && (*buf)[0].Arrival.Before(cut) {
		i := 0
		for i < len(*buf) && (*buf)[i].Arrival.Before(cut) {
			*bytes -= len((*buf)[i].Data)
			i++
		}
		s.log.Warn("dropping undelivered records older than the retention period", "stream", m.Name, "records", i)
		*buf = append([]DeliveryRecord(nil), (*buf)[i:]...)
	}
	if len(*buf) == 0 {
		return false, 0
	}
	// The buffer is in log order, which is arrival order to within concurrent puts: its
	// first record stands for the oldest (O(1), where the loop looks at every wake-up).
	left := (*buf)[0].Arrival.Add(interval).Sub(s.now())
	return flushing || *bytes >= size || left <= 0, left
}

// deliver runs a buffer through the stream's processing stages and its destination.
func (s *Service) deliver(ctx context.Context, m *streamMeta, recs []DeliveryRecord) error {
	info := m.info()
	b := &Batch{Stream: info, Source: recs, Records: slices.Clone(recs)}
	stages, err := s.stages(info, processingOf(m))
	if err != nil {
		return err
	}
	for _, st := range stages {
		if err := st.Process(ctx, b); err != nil {
			return err
		}
	}
	dest, err := s.destination(m)
	if err != nil {
		return err
	}
	return dest.Deliver(ctx, b)
}

// processingOf returns the destination's processing configuration.
func processingOf(m *streamMeta) *ProcessingConfiguration {
	if m.HTTP != nil {
		return m.HTTP.ProcessingConfiguration
	}
	if m.S3 != nil {
		return m.S3.ProcessingConfiguration
	}
	return nil
}

// cursorState is a delivery loop's stored checkpoint and its metadata revision.
type cursorState struct {
	key string
	cp  Checkpoint
	rev uint64 // 0: not stored yet
}

func (c *cursorState) load(ctx context.Context, st *store.Store) error {
	b, rev, err := st.MetaGet(ctx, c.key)
	if errors.Is(err, store.ErrNotFound) {
		c.cp, c.rev = "", 0
		return nil
	}
	if err != nil {
		return err
	}
	c.cp, c.rev = Checkpoint(b), rev
	return nil
}

// save stores cp with compare-and-set. Losing a race (another writer moved the position)
// reloads the stored value: the other writer's position wins.
func (c *cursorState) save(ctx context.Context, st *store.Store, cp Checkpoint) error {
	var rev uint64
	var err error
	if c.rev == 0 {
		rev, err = st.MetaCreate(ctx, c.key, []byte(cp))
	} else {
		rev, err = st.MetaUpdate(ctx, c.key, []byte(cp), c.rev)
	}
	if errors.Is(err, store.ErrExists) || errors.Is(err, store.ErrConflict) {
		return errors.Join(err, c.load(ctx, st))
	}
	if err != nil {
		return err
	}
	c.cp, c.rev = cp, rev
	return nil
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
