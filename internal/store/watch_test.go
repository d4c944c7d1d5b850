package store

import (
	"testing"
	"time"
)

// waitSignal fails unless ch signals within a generous deadline.
func waitSignal(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatalf("no signal after %s", what)
	}
}

func TestWatchAppendWakesEveryWatcher(t *testing.T) {
	s := openTest(t)
	ctx := t.Context()
	if err := s.CreateLog(ctx, "w", 0); err != nil {
		t.Fatal(err)
	}
	wa, err := s.Watch("w")
	if err != nil {
		t.Fatal(err)
	}
	defer wa.Stop()
	wb, err := s.Watch("w")
	if err != nil {
		t.Fatal(err)
	}
	a, b := wa.C, wb.C
	if got := len(s.watches.logs["w"].watchers); got != 2 {
		t.Fatalf("watchers of w = %d, want 2 sharing one subscription", got)
	}
	seq, err := s.Append(ctx, "w", []byte("x"))
	if err != nil {
		t.Fatal(err)
	}
	waitSignal(t, a, "append")
	waitSignal(t, b, "append")
	// A woken watcher finds the record: the signal follows the engine's ack.
	res, err := s.Read(ctx, "w", ReadRequest{From: seq, Max: 1})
	if err != nil || len(res.Msgs) != 1 {
		t.Fatalf("read after signal: %v, %d msgs", err, len(res.Msgs))
	}

	// Signals coalesce: a watcher that does not read holds one signal and never blocks
	// the others.
	for range 50 {
		if _, err := s.Append(ctx, "w", []byte("y")); err != nil {
			t.Fatal(err)
		}
	}
	waitSignal(t, a, "50 appends")
	if cap(b) != 1 || len(b) > 1 {
		t.Fatalf("idle watcher holds %d signals (capacity %d), want at most 1", len(b), cap(b))
	}

	// A stopped watcher hears nothing; the last one to stop removes the subscription.
	wb.Stop()
	wb.Stop() // idempotent
	select {
	case <-b:
	default:
	}
	if _, err := s.Append(ctx, "w", []byte("z")); err != nil {
		t.Fatal(err)
	}
	// The callback that signalled a for this append looked at every watcher.
	waitSignal(t, a, "append after the other watcher stopped")
	if len(b) != 0 {
		t.Fatal("a stopped watcher was signalled")
	}
	if wa.Closed() {
		t.Fatal("appends marked the log closed")
	}
	wa.Stop()
	if _, ok := s.watches.logs["w"]; ok {
		t.Fatal("subscription of w kept after its last watcher stopped")
	}
}

func TestWatchCloseLogWakes(t *testing.T) {
	s := openTest(t)
	ctx := t.Context()
	if err := s.CreateLog(ctx, "c", 0); err != nil {
		t.Fatal(err)
	}
	w, err := s.Watch("c")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	if _, err := s.CloseLog(ctx, "c"); err != nil {
		t.Fatal(err)
	}
	waitSignal(t, w.C, "CloseLog")
	if !w.Closed() {
		t.Fatal("CloseLog's signal did not mark the log closed")
	}
	if _, err := s.Watch("bad.name"); err == nil {
		t.Fatal("Watch accepted an invalid log name")
	}
}
