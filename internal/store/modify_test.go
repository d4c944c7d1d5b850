package store

import (
	"encoding/json"
	"errors"
	"sync"
	"testing"
)

type modifyCounter struct{ N int }

// TestMetaModify: concurrent writers each add one, many times, starting from a missing key;
// no increment is lost, and an error from fn stores nothing.
func TestMetaModify(t *testing.T) {
	s := openTest(t)
	ctx := t.Context()
	const key, writers, each = "modify.counter", 4, 25
	load := func() (*modifyCounter, uint64, error) {
		b, rev, err := s.MetaGet(ctx, key)
		if errors.Is(err, ErrNotFound) {
			return new(modifyCounter), 0, nil
		}
		if err != nil {
			return nil, 0, err
		}
		c := new(modifyCounter)
		return c, rev, json.Unmarshal(b, c)
	}
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			for range each {
				if _, err := MetaModify(ctx, s, key, load, func(c *modifyCounter) error { c.N++; return nil }); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	stop := errors.New("stop")
	if _, err := MetaModify(ctx, s, key, load, func(c *modifyCounter) error { c.N = -1; return stop }); !errors.Is(err, stop) {
		t.Fatalf("fn's error: got %v, want %v", err, stop)
	}
	c, _, err := load()
	if err != nil {
		t.Fatal(err)
	}
	if c.N != writers*each {
		t.Fatalf("counter is %d, want %d", c.N, writers*each)
	}
}
