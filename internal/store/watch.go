package store

import (
	"fmt"
	"sync"

	"github.com/nats-io/nats.go"
)

// Change notifications for logs. After the engine has stored an Append (its ack is back)
// and after CloseLog, the store publishes an empty core NATS message on the log's notify
// subject "fln.<name>". A watcher is therefore only woken for records a read can already
// see; every node sharing the engine publishes and hears the same subjects.
//
// Why not watch the log's own subject "fl.<name>": a core subscriber there receives each
// batch (up to 10 MiB) when it is published, before the engine has stored it, so a read
// on that wake-up may miss it and the wake-up is lost; and every batch would be copied
// to the watcher.

func notifySubject(name string) string { return "fln." + name }

// notify tells a log's watchers that it changed. A failure only delays them until their
// next own check, so it is not reported.
func (s *Store) notify(name string) { _ = s.nc.Publish(notifySubject(name), nil) }

// watchHub shares one subscription per watched log among its watchers.
type watchHub struct {
	mu   sync.Mutex
	logs map[string]*logWatch
}

type logWatch struct {
	sub      *nats.Subscription
	watchers map[chan struct{}]struct{}
}

// Watch returns a channel that receives a signal whenever the log may have new records
// (or was closed), and a function that stops the watch. Signals coalesce: the channel
// holds at most one, so a watcher that reads slowly never blocks the others, and after
// draining it a watcher must re-read the log. Register the watch before the first read,
// so that no change between the two is missed.
func (s *Store) Watch(name string) (<-chan struct{}, func(), error) {
	if err := checkLogName(name); err != nil {
		return nil, nil, err
	}
	ch := make(chan struct{}, 1)
	h := &s.watches
	h.mu.Lock()
	defer h.mu.Unlock()
	lw := h.logs[name]
	if lw == nil {
		lw = &logWatch{watchers: map[chan struct{}]struct{}{}}
		sub, err := s.nc.Subscribe(notifySubject(name), func(*nats.Msg) {
			h.mu.Lock()
			defer h.mu.Unlock()
			for w := range lw.watchers {
				select {
				case w <- struct{}{}:
				default:
				}
			}
		})
		if err != nil {
			return nil, nil, fmt.Errorf("watch %s: %w", name, err)
		}
		lw.sub = sub
		if h.logs == nil {
			h.logs = map[string]*logWatch{}
		}
		h.logs[name] = lw
	}
	lw.watchers[ch] = struct{}{}
	var once sync.Once
	stop := func() {
		once.Do(func() {
			h.mu.Lock()
			defer h.mu.Unlock()
			delete(lw.watchers, ch)
			if len(lw.watchers) == 0 {
				// Unsubscribe only fails on a closed connection, which has no subscription left.
				_ = lw.sub.Unsubscribe()
				delete(h.logs, name)
			}
		})
	}
	return ch, stop, nil
}
