package kinesis

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/freshet/freshet/internal/auth"
	"github.com/freshet/freshet/internal/awserr"
	"github.com/freshet/freshet/internal/store"
)

// TestDeleteStreamCompletedAfterRestart stops the service while a stream is DELETING, before
// its timer fires; the next service on the same engine completes the deletion when the
// stream is read.
func TestDeleteStreamCompletedAfterRestart(t *testing.T) {
	st, err := store.Open(t.Context(), store.Options{Memory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	ctx := auth.WithScope(t.Context(), auth.Scope{Account: "000000000000", Region: "us-east-1"})
	name := "s"

	s1, err := New(t.Context(), Options{Store: st, Now: clock, StateDelay: time.Hour, AutoscaleInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	n := int64(2)
	if _, err := s1.CreateStream(ctx, &CreateStreamInput{StreamName: &name, ShardCount: &n}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	now = now.Add(time.Hour)
	mu.Unlock()
	if _, err := s1.DeleteStream(ctx, &DeleteStreamInput{StreamName: &name}); err != nil {
		t.Fatal(err)
	}
	m := rawMeta(t, s1, streamRef{"000000000000", "us-east-1", name})
	s1.Close() // the deletion timer never fires

	if m.Status != statusDeleting {
		t.Fatalf("stored status %s, want DELETING", m.Status)
	}
	for i := range 2 {
		if _, err := st.State(t.Context(), m.logName(i)); err != nil {
			t.Fatalf("log %d before the deletion completes: %v", i, err)
		}
	}
	mu.Lock()
	now = now.Add(time.Hour)
	mu.Unlock()
	s2, err := New(t.Context(), Options{Store: st, Now: clock, StateDelay: time.Hour, AutoscaleInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s2.Close)
	out, err := s2.ListStreams(ctx, &ListStreamsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.StreamNames) != 0 {
		t.Fatalf("ListStreams after the deletion time: %v", out.StreamNames)
	}
	for i := range 2 {
		if _, err := st.State(t.Context(), m.logName(i)); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("log %d after the deletion completed: %v, want ErrNotFound", i, err)
		}
	}
	if _, _, err := st.MetaGet(t.Context(), streamRef{"000000000000", "us-east-1", name}.key()); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("metadata after the deletion completed: %v", err)
	}
	_, err = s2.DescribeStream(ctx, &DescribeStreamInput{StreamName: &name})
	if !awserr.IsCode(err, awserr.ResourceNotFound) {
		t.Errorf("DescribeStream: %v, want ResourceNotFoundException", err)
	}
}
