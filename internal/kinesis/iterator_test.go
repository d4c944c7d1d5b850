package kinesis

import (
	"crypto/cipher"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/freshet/freshet/internal/awserr"
	"github.com/freshet/freshet/internal/store"
	"github.com/google/go-cmp/cmp"
)

func testAEAD(t testing.TB) cipher.AEAD {
	t.Helper()
	aead, err := newIteratorAEAD([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	return aead
}

var testIterator = shardIterator{
	Account: "000000000000", Region: "us-east-1", Stream: "orders", StreamID: "abcdefghij0123456789-xyz",
	Shard: 7, Position: position(123456, 42), IssuedMs: 1795671884057, PerBatch: 500,
}

func TestIteratorRoundTrip(t *testing.T) {
	aead := testAEAD(t)
	long := testIterator
	long.Stream = strings.Repeat("s", 128)
	long.Region = "ap-southeast-5"
	long.Shard = 1<<31 - 1
	long.Position = 1<<64 - 1
	for _, it := range []shardIterator{testIterator, long} {
		tok := sealIterator(aead, &it)
		if !strings.HasPrefix(tok, "AAAAAAAAAAE") || len(tok) > maxIteratorChars {
			t.Fatalf("token %q: want prefix AAAAAAAAAAE and at most %d chars", tok, maxIteratorChars)
		}
		raw, _ := base64.StdEncoding.DecodeString(tok)
		if len(raw) < 152 || len(raw)%16 != 8 {
			t.Fatalf("decoded token is %d bytes, want >= 152 and 8 + 16k", len(raw))
		}
		for _, s := range []string{tok, `"` + tok + `"`} {
			got, err := openIterator(aead, s)
			if err != nil {
				t.Fatalf("open %q: %v", s, err)
			}
			if diff := cmp.Diff(&it, got); diff != "" {
				t.Fatalf("round trip (-want +got):\n%s", diff)
			}
		}
	}
}

func TestIteratorTampered(t *testing.T) {
	aead := testAEAD(t)
	raw, _ := base64.StdEncoding.DecodeString(sealIterator(aead, &testIterator))
	for i := range raw {
		b := append([]byte(nil), raw...)
		b[i] ^= 0x01
		if _, err := openIterator(aead, base64.StdEncoding.EncodeToString(b)); !awserr.IsCode(err, awserr.InvalidArgument) {
			t.Fatalf("byte %d flipped: got %v, want InvalidArgument", i, err)
		}
	}
	other, _ := newIteratorAEAD([]byte("another key, another key, 32 byt"))
	if _, err := openIterator(other, sealIterator(aead, &testIterator)); !awserr.IsCode(err, awserr.InvalidArgument) {
		t.Fatalf("other key: got %v, want InvalidArgument", err)
	}
}

func TestIteratorExpiry(t *testing.T) {
	issued := time.Date(2015, 1, 22, 1, 17, 2, 0, time.UTC)
	it := shardIterator{IssuedMs: issued.UnixMilli()}
	if err := it.expired(issued.Add(iteratorTTL)); err != nil {
		t.Fatalf("at exactly 5 minutes: %v", err)
	}
	err := it.expired(issued.Add(iteratorTTL + time.Millisecond))
	want := "ExpiredIteratorException: Iterator expired. The iterator was created at time Thu Jan 22 01:17:02 UTC 2015 while right now it is Thu Jan 22 01:22:02 UTC 2015 which is further in the future than the tolerated delay of 300000 milliseconds."
	if err == nil || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
}

func FuzzOpenIterator(f *testing.F) {
	aead := testAEAD(f)
	valid := sealIterator(aead, &testIterator)
	maxed := testIterator
	maxed.Stream = strings.Repeat("n", 128)
	f.Add("")
	f.Add(valid[:len(valid)/2])
	f.Add(sealIterator(aead, &maxed))
	f.Add(valid)
	f.Add(valid + "AAAA")
	f.Add(`"` + valid + `"`)
	f.Add(strings.Repeat("A", maxIteratorChars))
	f.Fuzz(func(t *testing.T, s string) {
		it, err := openIterator(aead, s)
		if err != nil {
			if !awserr.IsCode(err, awserr.InvalidArgument) {
				t.Fatalf("got %v, want InvalidArgument", err)
			}
			return
		}
		again, err := openIterator(aead, sealIterator(aead, it))
		if err != nil {
			t.Fatalf("resealed: %v", err)
		}
		if diff := cmp.Diff(it, again); diff != "" {
			t.Fatalf("reseal round trip (-want +got):\n%s", diff)
		}
	})
}

// TestIteratorKeyLoad: the key is created once in the metadata bucket and shared; a failed
// load is not remembered.
func TestIteratorKeyLoad(t *testing.T) {
	open := func() *store.Store {
		st, err := store.Open(t.Context(), store.Options{Memory: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	closed := open()
	closed.Close()
	s := &Service{store: closed}
	if _, err := s.iteratorAEAD(t.Context()); err == nil {
		t.Fatal("key load from a closed engine: no error")
	}
	st := open()
	s.store = st
	a, err := s.iteratorAEAD(t.Context())
	if err != nil {
		t.Fatalf("retried key load: %v", err)
	}
	key, _, err := st.MetaGet(t.Context(), iteratorKeyName)
	if err != nil || len(key) != 32 {
		t.Fatalf("stored key: %d bytes, %v", len(key), err)
	}
	other := &Service{store: st}
	b, err := other.iteratorAEAD(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := openIterator(b, sealIterator(a, &testIterator)); err != nil {
		t.Fatalf("a second service does not open the first one's iterator: %v", err)
	}
}
