package store

import (
	"errors"
	"sync"
	"testing"
	"time"
)

func TestCloseLog(t *testing.T) {
	s := openTest(t)
	ctx := t.Context()
	if err := s.CreateLog(ctx, "c_1", time.Hour); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := s.Append(ctx, "c_1", []byte("m")); err != nil {
			t.Fatal(err)
		}
	}
	st, err := s.CloseLog(ctx, "c_1")
	if err != nil || st.Last != 3 || st.Msgs != 3 {
		t.Fatalf("close: %+v %v, want last 3", st, err)
	}
	if _, err := s.Append(ctx, "c_1", []byte("late")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("append to closed log: got %v, want ErrNotFound", err)
	}
	if err := s.SetLogMaxAge(ctx, "c_1", 2*time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Append(ctx, "c_1", []byte("late")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("append after SetLogMaxAge: got %v, want ErrNotFound (log reopened)", err)
	}
	again, err := s.CloseLog(ctx, "c_1")
	if err != nil || again.Last != 3 {
		t.Fatalf("second close: %+v %v", again, err)
	}
	res, err := s.Read(ctx, "c_1", ReadRequest{From: 1, Max: 10})
	if err != nil || len(res.Msgs) != 3 {
		t.Fatalf("read closed log: %d msgs, %v", len(res.Msgs), err)
	}
	if _, err := s.CloseLog(ctx, "missing"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("close missing: got %v, want ErrNotFound", err)
	}
}

// TestCloseLogRace closes a log under concurrent appenders: every acknowledged append must
// be inside the returned final state, and none may succeed after it.
func TestCloseLogRace(t *testing.T) {
	s := openTest(t)
	ctx := t.Context()
	if err := s.CreateLog(ctx, "r_1", time.Hour); err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		acked []uint64
		wg    sync.WaitGroup
	)
	started := make(chan struct{}, 4)
	for range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				seq, err := s.Append(ctx, "r_1", []byte("x"))
				if errors.Is(err, ErrNotFound) {
					return
				}
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				acked = append(acked, seq)
				mu.Unlock()
				if i == 20 {
					started <- struct{}{}
				}
			}
		})
	}
	for range 4 {
		<-started
	}
	st, err := s.CloseLog(ctx, "r_1")
	if err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	for _, seq := range acked {
		if seq > st.Last {
			t.Fatalf("append acknowledged at %d after close returned last %d", seq, st.Last)
		}
	}
	if uint64(len(acked)) != st.Msgs {
		t.Fatalf("%d appends acknowledged, log holds %d", len(acked), st.Msgs)
	}
}
