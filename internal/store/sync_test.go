package store

import (
	"os"
	"strings"
	"testing"
	"time"
)

// TestSyncOptions: the durability options reach the engine, and a store that fsyncs every
// write still appends and reads back.
func TestSyncOptions(t *testing.T) {
	tests := []struct {
		o            Options
		wantAlways   bool
		wantInterval time.Duration
	}{
		{Options{}, false, 2 * time.Minute},
		{Options{SyncAlways: true}, true, 2 * time.Minute},
		{Options{SyncInterval: time.Second}, false, time.Second},
	}
	for _, tt := range tests {
		tt.o.DataDir = t.TempDir()
		s, err := Open(t.Context(), tt.o)
		if err != nil {
			t.Fatal(err)
		}
		cfg := s.srv.JetStreamConfig()
		if cfg.SyncAlways != tt.wantAlways || cfg.SyncInterval != tt.wantInterval {
			t.Errorf("Open(%+v): engine sync always %v every %v, want %v every %v", tt.o, cfg.SyncAlways, cfg.SyncInterval, tt.wantAlways, tt.wantInterval)
		}
		if err := s.CreateLog(t.Context(), "l", 0); err != nil {
			t.Fatal(err)
		}
		if seq, err := s.Append(t.Context(), "l", []byte("x")); err != nil || seq != 1 {
			t.Errorf("Append: %d %v", seq, err)
		}
		if got := readAll(t, s, "l"); len(got) != 1 || got[0] != "1:x" {
			t.Errorf("read back %q", got)
		}
		s.Close()
	}
}

// TestOpenBadDataDir: a data directory that is a file is a clear error at once.
func TestOpenBadDataDir(t *testing.T) {
	file := t.TempDir() + "/file"
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{file, file + "/sub"} {
		s, err := Open(t.Context(), Options{DataDir: dir})
		if err == nil {
			s.Close()
			t.Fatalf("Open(%s): no error", dir)
		}
		if !strings.Contains(err.Error(), "data dir") {
			t.Errorf("Open(%s): %v", dir, err)
		}
	}
}
