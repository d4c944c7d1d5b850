package store

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func openDir(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := Open(t.Context(), Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// readAll reads a whole log as "seq:data" strings.
func readAll(t *testing.T, s *Store, name string) []string {
	t.Helper()
	var out []string
	from := uint64(1)
	for {
		res, err := s.Read(t.Context(), name, ReadRequest{From: from, Max: 100})
		if err != nil {
			t.Fatalf("read %s: %v", name, err)
		}
		for _, m := range res.Msgs {
			out = append(out, fmt.Sprintf("%d:%s", m.Seq, m.Data))
			from = m.Seq + 1
		}
		if len(res.Msgs) == 0 {
			return out
		}
	}
}

// TestReopenKeepsLogsAndMeta closes a file-backed engine and opens it again: metadata
// (values and revisions), logs (messages, positions, retention) all come back.
func TestReopenKeepsLogsAndMeta(t *testing.T) {
	dir := t.TempDir()
	ctx := t.Context()
	s := openDir(t, dir)
	rev, err := s.MetaCreate(ctx, "k.a", []byte("one"))
	if err != nil {
		t.Fatal(err)
	}
	if rev, err = s.MetaUpdate(ctx, "k.a", []byte("two"), rev); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MetaCreate(ctx, "k.b", []byte("three")); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"l_0", "l_1"} {
		if err := s.CreateLog(ctx, name, time.Hour); err != nil {
			t.Fatal(err)
		}
		for i := range 30 {
			if _, err := s.Append(ctx, name, fmt.Appendf(nil, "%s-%d", name, i)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := s.SetLogMaxAge(ctx, "l_1", 48*time.Hour); err != nil {
		t.Fatal(err)
	}
	before := map[string][]string{"l_0": readAll(t, s, "l_0"), "l_1": readAll(t, s, "l_1")}
	stateBefore, err := s.State(ctx, "l_1")
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

	s = openDir(t, dir)
	defer s.Close()
	v, gotRev, err := s.MetaGet(ctx, "k.a")
	if err != nil || string(v) != "two" || gotRev != rev {
		t.Fatalf("k.a after reopen: %q rev %d %v, want two rev %d", v, gotRev, err, rev)
	}
	list, err := s.MetaList(ctx, "k.*")
	if err != nil || len(list) != 2 {
		t.Fatalf("list after reopen: %v %v, want 2 entries", list, err)
	}
	after := map[string][]string{"l_0": readAll(t, s, "l_0"), "l_1": readAll(t, s, "l_1")}
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("logs after reopen (-before +after):\n%s", diff)
	}
	stateAfter, err := s.State(ctx, "l_1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(stateBefore, stateAfter); diff != "" {
		t.Errorf("state after reopen (-before +after):\n%s", diff)
	}
	for name, want := range map[string]time.Duration{"l_0": time.Hour, "l_1": 48 * time.Hour} {
		st, err := s.js.Stream(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if got := st.CachedInfo().Config.MaxAge; got != want {
			t.Errorf("%s retention after reopen: %v, want %v", name, got, want)
		}
	}
	if seq, err := s.Append(ctx, "l_0", []byte("next")); err != nil || seq != 31 {
		t.Fatalf("append after reopen: seq %d %v, want 31", seq, err)
	}
}

// crashChildEnv names the data directory of the child process TestCrashKeepsAcknowledgedWrites
// kills.
const crashChildEnv = "FRESHET_STORE_CRASH_DIR"

// TestCrashKeepsAcknowledgedWrites kills (SIGKILL) a process that is appending to a log and
// updating a metadata key, then opens its data directory: everything the engine
// acknowledged is there. (This is a process crash; the engine does not fsync each write, so
// an operating-system crash may lose the last writes: see docs/DESIGN.md.)
func TestCrashKeepsAcknowledgedWrites(t *testing.T) {
	if dir := os.Getenv(crashChildEnv); dir != "" {
		crashChild(dir)
		return
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashKeepsAcknowledgedWrites$")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The child prints "<seq> <rev>" after the engine acknowledged append seq and metadata rev.
	var lastSeq, lastRev uint64
	sc := bufio.NewScanner(out)
	for lastSeq < 300 && sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 2 {
			continue
		}
		lastSeq, _ = strconv.ParseUint(f[0], 10, 64)
		lastRev, _ = strconv.ParseUint(f[1], 10, 64)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if lastSeq < 300 {
		t.Fatalf("child stopped after %d appends: %v", lastSeq, sc.Err())
	}

	s := openDir(t, dir)
	defer s.Close()
	got := readAll(t, s, "crash")
	t.Logf("acknowledged before SIGKILL: %d appends, metadata rev %d; stored after: %d appends", lastSeq, lastRev, len(got))
	if uint64(len(got)) < lastSeq {
		t.Fatalf("after the crash the log holds %d messages, %d were acknowledged", len(got), lastSeq)
	}
	for i, m := range got {
		if want := fmt.Sprintf("%d:m%d", i+1, i+1); m != want {
			t.Fatalf("message %d after the crash: %q, want %q", i, m, want)
		}
	}
	v, rev, err := s.MetaGet(t.Context(), "crash.meta")
	if err != nil || rev < lastRev {
		t.Fatalf("metadata after the crash: rev %d %v, acknowledged rev %d", rev, err, lastRev)
	}
	// The child may have died between an append and the metadata update that follows it.
	if a, b := fmt.Sprintf("m%d", len(got)), fmt.Sprintf("m%d", len(got)-1); string(v) != a && string(v) != b {
		t.Fatalf("metadata after the crash: %q, want %q or %q", v, a, b)
	}
}

// crashChild appends to a log and updates a metadata key until it is killed.
func crashChild(dir string) {
	ctx := context.Background()
	s, err := Open(ctx, Options{DataDir: dir})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if err := s.CreateLog(ctx, "crash", 0); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	rev, err := s.MetaCreate(ctx, "crash.meta", []byte("m0"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	for i := 1; ; i++ {
		seq, err := s.Append(ctx, "crash", fmt.Appendf(nil, "m%d", i))
		if err == nil {
			rev, err = s.MetaUpdate(ctx, "crash.meta", fmt.Appendf(nil, "m%d", i), rev)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		fmt.Printf("%d %d\n", seq, rev)
	}
}
