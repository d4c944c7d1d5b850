package store

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/nats-io/nats.go"
)

// Change notifications for logs. After the engine has stored an Append (its ack is back)
// and after CloseLog, the store publishes a core NATS message on the log's notify subject
// "fln.<name>" (empty for an append, "closed" for a close). A watcher is therefore only
// woken for records a read can already see; every node sharing the engine publishes and
// hears the same subjects. Core NATS is at most once: watchers keep a timer of their own.
//
// Why not watch the log's own subject "fl.<name>": a core subscriber there receives each
// batch (up to 10 MiB) when it is published, before the engine has stored it, so a read
// on that wake-up may miss it and the wake-up is lost; and every batch would be copied
// to the watcher.

func notifySubject(name string) string { return "fln." + name }

var closedNote = []byte("closed")

// notify tells a log's watchers that it has new records, or that it was closed. A failure
// only delays them until their own timer, so it is not reported.
func (s *Store) notify(name string, closed bool) {
	var data []byte
	if closed {
		data = closedNote
	}
	_ = s.nc.Publish(notifySubject(name), data)
}

// watchHub shares one subscription per watched log among its watchers.
type watchHub struct {
	mu   sync.Mutex
	logs map[string]*logWatch
}

type logWatch struct {
	sub      *nats.Subscription
	watchers map[*Watch]struct{}
}

// Watch is one watcher of a log.
type Watch struct {
	// C receives a signal whenever the log may have new records or was closed. Signals
	// coalesce: C holds at most one, so a watcher that reads slowly never blocks the
	// others, and after draining it a watcher must re-read the log.
	C      <-chan struct{}
	c      chan struct{}
	closed atomic.Bool
	stop   func()
}

// Closed reports whether the log was closed (CloseLog) since the watch began.
func (w *Watch) Closed() bool { return w.closed.Load() }

// Stop ends the watch; calling it again does nothing.
func (w *Watch) Stop() { w.stop() }

// Watch starts watching a log. Start it before the first read, so that no change between
// the two is missed.
func (s *Store) Watch(name string) (*Watch, error) {
	if err := checkLogName(name); err != nil {
		return nil, err
	}
	c := make(chan struct{}, 1)
	w := &Watch{C: c, c: c}
	h := &s.watches
	h.mu.Lock()
	defer h.mu.Unlock()
	lw := h.logs[name]
	if lw == nil {
		lw = &logWatch{watchers: map[*Watch]struct{}{}}
		sub, err := s.nc.Subscribe(notifySubject(name), func(msg *nats.Msg) {
			closed := len(msg.Data) > 0
			h.mu.Lock()
			defer h.mu.Unlock()
			for w := range lw.watchers {
				if closed {
					w.closed.Store(true)
				}
				select {
				case w.c <- struct{}{}:
				default:
				}
			}
		})
		if err != nil {
			return nil, fmt.Errorf("watch %s: %w", name, err)
		}
		lw.sub = sub
		if h.logs == nil {
			h.logs = map[string]*logWatch{}
		}
		h.logs[name] = lw
	}
	lw.watchers[w] = struct{}{}
	var once sync.Once
	w.stop = func() {
		once.Do(func() {
			h.mu.Lock()
			defer h.mu.Unlock()
			delete(lw.watchers, w)
			if len(lw.watchers) == 0 {
				// Unsubscribe only fails on a closed connection, which has no subscription left.
				_ = lw.sub.Unsubscribe()
				delete(h.logs, name)
			}
		})
	}
	return w, nil
}
