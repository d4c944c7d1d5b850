package store

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func openTest(t *testing.T) *Store {
	t.Helper()
	s, err := Open(t.Context(), Options{Memory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestMetaCAS(t *testing.T) {
	s := openTest(t)
	ctx := t.Context()
	rev, err := s.MetaCreate(ctx, "a.b", []byte("1"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.MetaCreate(ctx, "a.b", []byte("2")); !errors.Is(err, ErrExists) {
		t.Fatalf("second create: got %v, want ErrExists", err)
	}
	if _, err := s.MetaUpdate(ctx, "a.b", []byte("3"), rev+7); !errors.Is(err, ErrConflict) {
		t.Fatalf("stale update: got %v, want ErrConflict", err)
	}
	rev2, err := s.MetaUpdate(ctx, "a.b", []byte("4"), rev)
	if err != nil {
		t.Fatal(err)
	}
	v, got, err := s.MetaGet(ctx, "a.b")
	if err != nil || string(v) != "4" || got != rev2 {
		t.Fatalf("get: %q %d %v, want 4 %d", v, got, err, rev2)
	}
	if _, err := s.MetaCreate(ctx, "a.c", []byte("5")); err != nil {
		t.Fatal(err)
	}
	list, err := s.MetaList(ctx, "a.*")
	if err != nil || len(list) != 2 {
		t.Fatalf("list: %v %v, want 2 entries", list, err)
	}
	if err := s.MetaDelete(ctx, "a.b", rev); !errors.Is(err, ErrConflict) {
		t.Fatalf("stale delete: got %v, want ErrConflict", err)
	}
	if err := s.MetaDelete(ctx, "a.b", rev2); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.MetaGet(ctx, "a.b"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("get deleted: got %v, want ErrNotFound", err)
	}
	if _, err := s.MetaCreate(ctx, "a.b", []byte("6")); err != nil {
		t.Fatalf("create after delete: %v", err)
	}
}

func TestLogAppendRead(t *testing.T) {
	s := openTest(t)
	ctx := t.Context()
	if err := s.CreateLog(ctx, "x_1", 24*time.Hour); err != nil {
		t.Fatal(err)
	}
	if res, err := s.Read(ctx, "x_1", ReadRequest{From: 1, Max: 10}); err != nil || len(res.Msgs) != 0 {
		t.Fatalf("read empty: %v %v", res, err)
	}
	for i := range 25 {
		seq, err := s.Append(ctx, "x_1", fmt.Appendf(nil, "m%d", i))
		if err != nil || seq != uint64(i+1) {
			t.Fatalf("append %d: seq %d err %v", i, seq, err)
		}
	}
	res, err := s.Read(ctx, "x_1", ReadRequest{From: 5, Max: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Msgs) != 10 || res.Msgs[0].Seq != 5 || string(res.Msgs[9].Data) != "m13" || res.Pending != 11 {
		t.Fatalf("read: %d msgs, first %d, last %q, pending %d", len(res.Msgs), res.Msgs[0].Seq, res.Msgs[9].Data, res.Pending)
	}
	res, err = s.Read(ctx, "x_1", ReadRequest{From: 26, Max: 10})
	if err != nil || len(res.Msgs) != 0 {
		t.Fatalf("read past end: %v %v", res, err)
	}
	st, err := s.State(ctx, "x_1")
	if err != nil || st.Last != 25 || st.First != 1 {
		t.Fatalf("state: %+v %v", st, err)
	}
	if err := s.DeleteLog(ctx, "x_1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Append(ctx, "x_1", []byte("late")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("append to deleted: got %v, want ErrNotFound", err)
	}
	if _, err := s.Read(ctx, "x_1", ReadRequest{From: 1, Max: 1}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("read deleted: got %v, want ErrNotFound", err)
	}
}

// TestReadSinceLongAgo reads by a time the engine's JSON cannot carry (before year 0): it
// reads from the first message, as any time before the first one does.
func TestReadSinceLongAgo(t *testing.T) {
	s := openTest(t)
	ctx := t.Context()
	if err := s.CreateLog(ctx, "x_1", 0); err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"a", "b"} {
		if _, err := s.Append(ctx, "x_1", []byte(m)); err != nil {
			t.Fatal(err)
		}
	}
	for _, since := range []time.Time{time.Unix(-1e11, 0), time.Unix(0, 0), time.Unix(1, 0)} {
		res, err := s.Read(ctx, "x_1", ReadRequest{Since: since, Max: 10})
		if err != nil || len(res.Msgs) != 2 || res.Msgs[0].Seq != 1 {
			t.Fatalf("read since %v: %+v %v, want both messages", since, res, err)
		}
	}
}

// TestMetaGetInvalidKey reads a key no value can have (a region from a client's ARN may hold
// any character): not found, not an engine error.
func TestMetaGetInvalidKey(t *testing.T) {
	s := openTest(t)
	for _, key := range []string{"kinesis.stream.000000000000.us*east.x", "kinesis.stream.000000000000.us east.x", "a..b"} {
		if _, _, err := s.MetaGet(t.Context(), key); !errors.Is(err, ErrNotFound) {
			t.Errorf("MetaGet(%q): got %v, want ErrNotFound", key, err)
		}
	}
}
