package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// MetaModify changes a JSON metadata value with compare-and-set: load reads the value and
// its revision (0 for a key not stored yet, which is then created), fn changes it, and the
// result is stored if the key is still at that revision. When another writer got in
// between, it starts again from load. An error from load or fn ends it with nothing stored.
func MetaModify[T any](ctx context.Context, s *Store, key string, load func() (*T, uint64, error), fn func(*T) error) (*T, error) {
	for {
		v, rev, err := load()
		if err != nil {
			return nil, err
		}
		if err := fn(v); err != nil {
			return nil, err
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", key, err)
		}
		if rev == 0 {
			_, err = s.MetaCreate(ctx, key, b)
		} else {
			_, err = s.MetaUpdate(ctx, key, b, rev)
		}
		if errors.Is(err, ErrConflict) || errors.Is(err, ErrExists) {
			continue
		}
		if err != nil {
			return nil, err
		}
		return v, nil
	}
}
