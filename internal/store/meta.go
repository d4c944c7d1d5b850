package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
)

// MetaGet returns a metadata value and its revision, or ErrNotFound (also for a key that
// is not valid, such as one holding '*': nothing can be stored under it).
func (s *Store) MetaGet(ctx context.Context, key string) ([]byte, uint64, error) {
	if err := s.enter(); err != nil {
		return nil, 0, err
	}
	defer s.engine.RUnlock()
	e, err := s.meta.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrInvalidKey) {
		return nil, 0, ErrNotFound
	}
	if err != nil {
		return nil, 0, fmt.Errorf("get %s: %w", key, err)
	}
	return e.Value(), e.Revision(), nil
}

// MetaCreate stores a value under a key that must not exist yet (ErrExists otherwise).
func (s *Store) MetaCreate(ctx context.Context, key string, val []byte) (uint64, error) {
	if err := s.enter(); err != nil {
		return 0, err
	}
	defer s.engine.RUnlock()
	rev, err := s.meta.Create(ctx, key, val)
	if errors.Is(err, jetstream.ErrKeyExists) {
		return 0, ErrExists
	}
	if err != nil {
		s.writeFailed() // perhaps a write error the engine holds (repair.go)
		return 0, fmt.Errorf("create %s: %w", key, err)
	}
	return rev, nil
}

// MetaUpdate replaces a value if its revision is still rev (ErrConflict otherwise).
func (s *Store) MetaUpdate(ctx context.Context, key string, val []byte, rev uint64) (uint64, error) {
	if err := s.enter(); err != nil {
		return 0, err
	}
	defer s.engine.RUnlock()
	n, err := s.meta.Update(ctx, key, val, rev)
	if errors.Is(err, jetstream.ErrKeyRevisionMismatch) || errors.Is(err, jetstream.ErrKeyExists) {
		return 0, ErrConflict
	}
	if err != nil {
		s.writeFailed() // perhaps a write error the engine holds (repair.go)
		return 0, fmt.Errorf("update %s: %w", key, err)
	}
	return n, nil
}

// MetaDelete removes a key if its revision is still rev (ErrConflict otherwise).
func (s *Store) MetaDelete(ctx context.Context, key string, rev uint64) error {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.engine.RUnlock()
	err := s.meta.Purge(ctx, key, jetstream.LastRevision(rev))
	if errors.Is(err, jetstream.ErrKeyRevisionMismatch) || errors.Is(err, jetstream.ErrKeyExists) {
		return ErrConflict
	}
	if err != nil {
		s.writeFailed() // perhaps a write error the engine holds (repair.go)
		return fmt.Errorf("delete %s: %w", key, err)
	}
	return nil
}

// Entry is one metadata key with its value and revision.
type Entry struct {
	Key   string
	Value []byte
	Rev   uint64
}

// MetaList returns every entry whose key matches a filter such as
// "kinesis.stream.000000000000.us-east-1.*", in no particular order.
func (s *Store) MetaList(ctx context.Context, filter string) ([]Entry, error) {
	if err := s.enter(); err != nil {
		return nil, err
	}
	defer s.engine.RUnlock()
	w, err := s.meta.WatchFiltered(ctx, []string{filter}, jetstream.IgnoreDeletes())
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", filter, err)
	}
	defer w.Stop()
	var out []Entry
	for {
		select {
		case e := <-w.Updates():
			if e == nil { // all current values delivered
				return out, nil
			}
			out = append(out, Entry{Key: e.Key(), Value: e.Value(), Rev: e.Revision()})
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}
