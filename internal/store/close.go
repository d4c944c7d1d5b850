package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
)

// closedSubject is what a closed log listens on instead of "fl.<name>": nothing appends
// there, so an Append to a closed log finds no stream and fails with ErrNotFound.
func closedSubject(name string) string { return logSubject(name) + ".closed" }

// errCodeStreamNotMatch is JetStream's answer to a publish whose expected stream differs.
const errCodeStreamNotMatch = 10060

// CloseLog stops a log from taking appends, for good, and returns its final extent. Every
// Append acknowledged before CloseLog returns is inside that extent; every later Append
// fails with ErrNotFound. The log stays readable and keeps expiring by age. Closing a
// closed log only returns its state, so a retry after a crash is harmless.
//
// The log's subject moves to "fl.<name>.closed". A message the engine accepted just
// before the move may still wait in the log's ingest queue, so CloseLog then sends a
// barrier through that same FIFO queue (on the same connection as Append): a publish the
// engine rejects because it expects another stream. Once the rejection arrives, every
// earlier message is stored. (On one node; a clustered engine orders proposals the same
// way but appends from other nodes' connections are not covered by this barrier.)
func (s *Store) CloseLog(ctx context.Context, name string) (LogState, error) {
	if err := s.enter(); err != nil {
		return LogState{}, err
	}
	defer s.engine.RUnlock()
	st, err := s.js.Stream(ctx, name)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return LogState{}, ErrNotFound
	}
	if err != nil {
		return LogState{}, fmt.Errorf("close log %s: %w", name, err)
	}
	cfg := st.CachedInfo().Config
	if len(cfg.Subjects) != 1 || cfg.Subjects[0] != closedSubject(name) {
		cfg.Subjects = []string{closedSubject(name)}
		if _, err := s.js.UpdateStream(ctx, cfg); err != nil {
			return LogState{}, fmt.Errorf("close log %s: %w", name, err)
		}
	}
	_, err = s.js.Publish(ctx, closedSubject(name), nil, jetstream.WithExpectStream(name+"-barrier"))
	var apiErr *jetstream.APIError
	if err == nil || !errors.As(err, &apiErr) || apiErr.ErrorCode != errCodeStreamNotMatch {
		return LogState{}, fmt.Errorf("close log %s: barrier: %v", name, err)
	}
	s.notify(name, true) // watchers re-read and find the log closed (watch.go)
	return s.state(ctx, name)
}
