package store

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Recovery from write errors (a full disk). When a write fails, JetStream's file store
// keeps that error for good: every later write to the same log fails, without an answer,
// until the log is reopened, even once space is back ("critical write error"). The store
// repairs that without a restart of the process: after any failed write, and every
// repairCheck, it asks the engine's health check whether a log holds a write error. If
// one does, it waits until the data directory takes a probe write of probeSize again, then
// restarts JetStream inside the running server, which reopens every log from its files
// with the error cleared (as a process restart would, and as nats-server's own re-enable
// after a configuration reload does).
//
// Every call into the engine holds s.engine for reading (enter); the restart holds it for
// writing, so no call sees the logs missing while they are reopened: calls wait, at most
// for the in-flight ones to end plus the reopening. If JetStream does not come back, calls
// fail with errEngineDown (never ErrNotFound) and the restart is tried again.

const (
	repairCheck  = 10 * time.Second
	repairRetry  = time.Second
	probeSize    = 4 << 20
	writeErrText = "write error" // how the engine's health check names a held write error
)

var errEngineDown = errors.New("store: engine unavailable after a write error; retrying")

// enter waits while the engine restarts and fails while it is down. On success the caller
// must call s.engine.RUnlock when its engine call is done.
func (s *Store) enter() error {
	s.engine.RLock()
	if s.down.Load() {
		s.engine.RUnlock()
		return errEngineDown
	}
	return nil
}

// writeFailed asks the repair loop to check the engine now.
func (s *Store) writeFailed() {
	select {
	case s.repairNow <- struct{}{}:
	default:
	}
}

// repairLoop runs until Close, for file storage only (memory storage holds no write error).
func (s *Store) repairLoop(cfg server.JetStreamConfig) {
	defer close(s.repairDone)
	tick := time.NewTicker(repairCheck)
	defer tick.Stop()
	for {
		select {
		case <-s.quit:
			return
		case <-tick.C:
		case <-s.repairNow:
		}
		for waited := false; s.down.Load() || s.writeError() != ""; waited = true {
			if !waited {
				s.log.Warn("engine write error; writes to the affected shards fail until the data directory takes writes again", "error", s.writeError())
			}
			if err := probe(cfg.StoreDir, probeSize); err != nil {
				if !waited {
					s.log.Warn("data directory not writable yet", "error", err)
				}
			} else if err := s.restartEngine(cfg); err != nil {
				s.log.Error("engine restart after a write error failed; retrying", "error", err)
			} else {
				break
			}
			select {
			case <-s.quit:
				return
			case <-time.After(repairRetry):
			}
		}
	}
}

// writeError returns the engine's report of a log holding a write error, or "".
func (s *Store) writeError() string {
	h := s.srv.Healthz(&server.HealthzOptions{Details: true})
	for _, e := range h.Errors {
		if strings.Contains(e.Error, writeErrText) {
			return e.Error
		}
	}
	return ""
}

// restartEngine restarts JetStream in the running server, with every engine call waiting.
func (s *Store) restartEngine(cfg server.JetStreamConfig) error {
	start := time.Now()
	s.engine.Lock()
	defer s.engine.Unlock()
	if err := s.srv.ShutdownJetStream(); err != nil {
		s.down.Store(true)
		return fmt.Errorf("stop: %w", err)
	}
	if err := s.srv.EnableJetStream(&cfg); err != nil {
		s.down.Store(true)
		return fmt.Errorf("start: %w", err)
	}
	s.down.Store(false)
	s.log.Warn("engine restarted after a write error; writes work again", "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// probe checks that n bytes can be written and synced in dir.
func probe(dir string, n int) error {
	f, err := os.CreateTemp(dir, ".freshet-probe-")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	_, err = f.Write(make([]byte, n))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
