package firehose

import (
	"crypto/md5"
	"encoding/binary"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// kplRecord builds an aggregated record: magic, AggregatedRecord, MD5.
func kplRecord(keys []string, recs ...string) []byte {
	field := func(b []byte, num int, v []byte) []byte {
		b = binary.AppendUvarint(b, uint64(num<<3|2))
		b = binary.AppendUvarint(b, uint64(len(v)))
		return append(b, v...)
	}
	var msg []byte
	for _, k := range keys {
		msg = field(msg, 1, []byte(k))
	}
	msg = field(msg, 2, []byte("12345")) // an explicit hash key table entry, ignored
	for i, r := range recs {
		rec := binary.AppendUvarint(nil, 1<<3)
		rec = binary.AppendUvarint(rec, uint64(i%len(keys)))
		rec = field(rec, 3, []byte(r))
		rec = binary.AppendUvarint(rec, 5<<3|5) // an unknown fixed32 field
		rec = append(rec, 1, 2, 3, 4)
		msg = field(msg, 3, rec)
	}
	sum := md5.Sum(msg)
	return append(append(append([]byte(nil), kplMagic...), msg...), sum[:]...)
}

func TestDeaggregateKPL(t *testing.T) {
	good := kplRecord([]string{"a", "b"}, "one", "", "three")
	got, ok := deaggregateKPL(good)
	want := []kplSubRecord{{"a", []byte("one")}, {"b", []byte{}}, {"a", []byte("three")}}
	if !ok || !cmp.Equal(want, got, cmp.Comparer(func(x, y []byte) bool { return string(x) == string(y) })) {
		t.Errorf("deaggregateKPL = %q, %v; want %q", got, ok, want)
	}
	bad := append([]byte(nil), good...)
	bad[len(kplMagic)+2] ^= 1 // checksum no longer matches
	for name, b := range map[string][]byte{
		"plain":        []byte("just data"),
		"empty":        nil,
		"magic only":   kplMagic,
		"bad checksum": bad,
		"truncated":    good[:len(good)-1],
	} {
		if subs, ok := deaggregateKPL(b); ok {
			t.Errorf("%s: taken as aggregated: %q", name, subs)
		}
	}
}

// FuzzDeaggregateKPL: any input is either an aggregated record or not; never a panic, and
// the sub-records of an aggregated record lie within it.
func FuzzDeaggregateKPL(f *testing.F) {
	f.Add([]byte{})
	f.Add(kplMagic)
	f.Add(kplRecord([]string{"k"}, "x", "y"))
	f.Add(append(kplRecord([]string{"k"}, "x"), 0xff))
	f.Fuzz(func(t *testing.T, b []byte) {
		subs, ok := deaggregateKPL(b)
		if !ok && subs != nil {
			t.Fatal("sub-records of a record that is not aggregated")
		}
		n := 0
		for _, s := range subs {
			n += len(s.Data)
		}
		if n > len(b) {
			t.Fatalf("%d bytes of sub-records from %d bytes", n, len(b))
		}
	})
}
