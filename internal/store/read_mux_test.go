package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nats-io/nats.go"
)

// waiting is how many reads the mux still routes answers to.
func (m *readMux) waiting() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.reads)
}

// silentLog answers no direct get of log name: it hands each request to the test instead.
func silentLog(t *testing.T, s *Store, name string) <-chan *nats.Msg {
	t.Helper()
	reqs := make(chan *nats.Msg, 4)
	sub, err := s.nc.Subscribe("$JS.API.DIRECT.GET."+name, func(m *nats.Msg) { reqs <- m })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sub.Unsubscribe() })
	if err := s.nc.Flush(); err != nil {
		t.Fatal(err)
	}
	return reqs
}

// TestReadConcurrent reads 8 logs from 32 goroutines at different positions at once: each
// Read gets exactly the messages it asked for, and nothing stays registered afterwards.
func TestReadConcurrent(t *testing.T) {
	s := openTest(t)
	ctx := t.Context()
	const logs, msgs, readers, max = 8, 40, 32, 5
	for l := range logs {
		name := fmt.Sprintf("cr_%d", l)
		if err := s.CreateLog(ctx, name, 0); err != nil {
			t.Fatal(err)
		}
		for i := range msgs {
			if _, err := s.Append(ctx, name, fmt.Appendf(nil, "%s/%d", name, i+1)); err != nil {
				t.Fatal(err)
			}
		}
	}
	var wg sync.WaitGroup
	for g := range readers {
		wg.Go(func() {
			name := fmt.Sprintf("cr_%d", g%logs)
			for k := range 10 {
				from := uint64((g+k)%(msgs-max) + 1)
				res, err := s.Read(ctx, name, ReadRequest{From: from, Max: max})
				if err != nil {
					t.Error(err)
					return
				}
				var got, want []string
				for _, m := range res.Msgs {
					got = append(got, fmt.Sprintf("%d:%s", m.Seq, m.Data))
				}
				for seq := from; seq < from+max; seq++ {
					want = append(want, fmt.Sprintf("%d:%s/%d", seq, name, seq))
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("read %s from %d (-want +got):\n%s", name, from, diff)
					return
				}
				if wantPending := uint64(msgs) - (from + max - 1); res.Pending != wantPending {
					t.Errorf("read %s from %d: pending %d, want %d", name, from, res.Pending, wantPending)
				}
			}
		})
	}
	wg.Wait()
	if n := s.reads.waiting(); n != 0 {
		t.Fatalf("%d reads still registered", n)
	}
}

// TestReadCancelled gives up on a read the engine has not answered: the read returns the
// context's error and is deregistered; its late answer is dropped, and later reads work.
func TestReadCancelled(t *testing.T) {
	s := openTest(t)
	reqs := silentLog(t, s, "silent")
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		_, err := s.Read(ctx, "silent", ReadRequest{From: 1, Max: 10})
		done <- err
	}()
	req := <-reqs
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled read: got %v, want context.Canceled", err)
	}
	if n := s.reads.waiting(); n != 0 {
		t.Fatalf("%d reads still registered after cancel", n)
	}
	late := nats.NewMsg(req.Reply)
	late.Header.Set("Status", "404")
	if err := s.nc.PublishMsg(late); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateLog(t.Context(), "after", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Append(t.Context(), "after", []byte("a")); err != nil {
		t.Fatal(err)
	}
	res, err := s.Read(t.Context(), "after", ReadRequest{From: 1, Max: 10})
	if err != nil || len(res.Msgs) != 1 || string(res.Msgs[0].Data) != "a" {
		t.Fatalf("read after a dropped answer: %+v %v", res, err)
	}
}

// TestReadTimeout is TestReadCancelled with a deadline.
func TestReadTimeout(t *testing.T) {
	s := openTest(t)
	silentLog(t, s, "silent")
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if _, err := s.Read(ctx, "silent", ReadRequest{From: 1, Max: 1}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("read: got %v, want context.DeadlineExceeded", err)
	}
	if n := s.reads.waiting(); n != 0 {
		t.Fatalf("%d reads still registered after timeout", n)
	}
}

// TestReadMissingLog reads a log that never existed: the engine's no-responders status
// reaches the shared subscription and becomes ErrNotFound.
func TestReadMissingLog(t *testing.T) {
	s := openTest(t)
	for _, r := range []ReadRequest{{From: 1, Max: 10}, {Since: time.Unix(1, 0), Max: 1}} {
		if _, err := s.Read(t.Context(), "missing", r); !errors.Is(err, ErrNotFound) {
			t.Fatalf("read %+v: got %v, want ErrNotFound", r, err)
		}
	}
	if n := s.reads.waiting(); n != 0 {
		t.Fatalf("%d reads still registered", n)
	}
}

// TestReadDuringClose closes the store while a read waits for its answer: the read fails at
// once rather than at its deadline, and so does any read after Close.
func TestReadDuringClose(t *testing.T) {
	s, err := Open(t.Context(), Options{Memory: true})
	if err != nil {
		t.Fatal(err)
	}
	reqs := silentLog(t, s, "silent")
	done := make(chan error, 1)
	go func() {
		_, err := s.Read(t.Context(), "silent", ReadRequest{From: 1, Max: 1})
		done <- err
	}()
	<-reqs
	s.Close()
	if err := <-done; !errors.Is(err, errClosed) {
		t.Fatalf("read in flight during Close: got %v, want errClosed", err)
	}
	if _, err := s.Read(t.Context(), "silent", ReadRequest{From: 1, Max: 1}); !errors.Is(err, errClosed) {
		t.Fatalf("read after Close: got %v, want errClosed", err)
	}
}
