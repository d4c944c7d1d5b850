package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// TestWritesRecoverAfterDiskFull fills the disk under a file-backed store (a small tmpfs;
// skipped where mounting is not permitted) until an append fails, then frees the space:
// appends to the same log work again without reopening the store, and every message
// acknowledged before, during and after is read back intact, with the metadata.
func TestWritesRecoverAfterDiskFull(t *testing.T) {
	if testing.Short() {
		t.Skip("mounts a tmpfs and waits out engine write timeouts; skipped with -short")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs to fill (%v %s)", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	logs := &syncBuffer{}
	s, err := Open(t.Context(), Options{DataDir: dir + "/data", Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx := t.Context()
	for _, name := range []string{"full", "other"} {
		if err := s.CreateLog(ctx, name, 0); err != nil {
			t.Fatal(err)
		}
	}
	acked := map[uint64]string{} // of log "full"
	n := 0
	appendOne := func(name string) (uint64, error) {
		n++
		body := fmt.Sprintf("%d-%s", n, strings.Repeat("x", 100<<10))
		c, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		seq, err := s.Append(c, name, []byte(body))
		if err == nil && name == "full" {
			acked[seq] = body
		}
		return seq, err
	}
	for range 5 {
		if _, err := appendOne("full"); err != nil {
			t.Fatal(err)
		}
	}

	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	junk := dir + "/junk"
	if out, err := exec.Command("fallocate", "-l", strconv.FormatUint(st.Bavail*uint64(st.Bsize)-64<<10, 10), junk).CombinedOutput(); err != nil {
		t.Skipf("fallocate: %v %s", err, out)
	}
	failed := false
	for i := 0; !failed && i < 50; i++ {
		_, err := appendOne("full")
		failed = err != nil
	}
	if !failed {
		t.Fatal("50 appends of 100 KiB all succeeded on a full disk")
	}
	if _, err := appendOne("full"); err == nil {
		t.Fatal("an append succeeded with the disk still full after a failed one")
	}

	if err := os.Remove(junk); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		if _, err := appendOne("full"); err == nil {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("appends still fail 60s after space came back: %v\n%s", err, logs)
		}
	}
	for range 5 {
		if _, err := appendOne("full"); err != nil {
			t.Fatalf("append after recovery: %v", err)
		}
		if _, err := appendOne("other"); err != nil {
			t.Fatalf("append to another log after recovery: %v", err)
		}
	}
	if _, err := s.MetaCreate(ctx, "after", []byte("1")); err != nil {
		t.Fatalf("metadata write after recovery: %v", err)
	}
	if !strings.Contains(logs.String(), "engine restarted after a write error") {
		t.Errorf("log lacks the restart:\n%s", logs)
	}

	res, err := s.Read(ctx, "full", ReadRequest{From: 1, Max: 1000})
	if err != nil {
		t.Fatal(err)
	}
	got := map[uint64]string{}
	for _, m := range res.Msgs {
		got[m.Seq] = string(m.Data)
	}
	for seq, body := range acked {
		if got[seq] != body {
			t.Fatalf("acknowledged message %d reads back as %.20q, want %.20q", seq, got[seq], body)
		}
	}
	t.Logf("%d messages acknowledged, all read back; %d stored", len(acked), len(got))
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestRestartKeepsCallsWaiting restarts the engine (as the repair does) three times while
// appends, reads and metadata updates run: none of them fails or finds a log missing, and
// every acknowledged message is read back at its sequence.
func TestRestartKeepsCallsWaiting(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(t.Context(), Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx := t.Context()
	logs := []string{"a", "b"}
	for _, name := range logs {
		if err := s.CreateLog(ctx, name, 0); err != nil {
			t.Fatal(err)
		}
	}
	stop := make(chan struct{})
	errs := make(chan error, 8)
	progress := make(chan struct{}, 1000) // a tick per finished call
	tick := func() {
		select {
		case progress <- struct{}{}:
		default:
		}
	}
	acked := make([]map[uint64]string, len(logs))
	var wg sync.WaitGroup
	for i, name := range logs {
		acked[i] = map[uint64]string{}
		wg.Go(func() {
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				body := fmt.Sprintf("%s-%d", name, n)
				seq, err := s.Append(ctx, name, []byte(body))
				if err != nil {
					errs <- fmt.Errorf("append to %s: %w", name, err)
					return
				}
				acked[i][seq] = body
				tick()
				if _, err := s.Read(ctx, name, ReadRequest{From: seq, Max: 1}); err != nil {
					errs <- fmt.Errorf("read %s: %w", name, err)
					return
				}
				tick()
			}
		})
	}
	wg.Go(func() {
		for n := 0; ; n++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := MetaModify(ctx, s, "counter", func() (*int, uint64, error) {
				v, rev, err := s.MetaGet(ctx, "counter")
				if errors.Is(err, ErrNotFound) {
					return new(int), 0, nil
				}
				var c int
				if err == nil {
					c, err = strconv.Atoi(string(v))
				}
				return &c, rev, err
			}, func(c *int) error { *c++; return nil }); err != nil {
				errs <- fmt.Errorf("metadata: %w", err)
				return
			}
			tick()
		}
	})
	cfg := server.JetStreamConfig{StoreDir: dir, Strict: true, MaxMemory: -1, MaxStore: -1, CompressOK: true}
	for range 3 {
		for range 200 { // calls are running
			<-progress
		}
		if err := s.restartEngine(cfg); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for i, name := range logs {
		res, err := s.Read(ctx, name, ReadRequest{From: 1, Max: len(acked[i]) + 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Msgs) != len(acked[i]) {
			t.Errorf("log %s holds %d messages, %d acknowledged", name, len(res.Msgs), len(acked[i]))
		}
		for _, m := range res.Msgs {
			if acked[i][m.Seq] != string(m.Data) {
				t.Errorf("log %s message %d is %q, want %q", name, m.Seq, m.Data, acked[i][m.Seq])
			}
		}
	}
}
