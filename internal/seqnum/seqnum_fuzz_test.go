package seqnum

import (
	"errors"
	"testing"
)

func FuzzParse(f *testing.F) {
	valid := "49647060812288014558888668248263847763900017820167045122"
	f.Add("")
	f.Add(valid[:30])
	f.Add(Num{ShardCreated: secsMask, Shard: 1<<32 - 1, Index: 1<<64 - 1, Arrival: secsMask}.String())
	f.Add(valid)
	f.Add(valid + "7")
	f.Add("0")
	f.Add("-" + valid)
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Parse(%q) = %v, want ErrInvalid", s, err)
			}
			return
		}
		again, err := Parse(n.String())
		if err != nil || again != n {
			t.Fatalf("Parse(%q) = %+v; Parse(String()) = %+v, %v", s, n, again, err)
		}
	})
}

func FuzzRoundTrip(f *testing.F) {
	f.Add(uint64(0), uint32(0), uint64(0), uint64(0))
	f.Add(uint64(0x0656e97f5), uint32(0), uint64(0x65c6), uint64(0x0656ecc98))
	f.Add(uint64(secsMask), uint32(1<<32-1), uint64(1<<64-1), uint64(secsMask))
	f.Fuzz(func(t *testing.T, created uint64, shard uint32, index, arrival uint64) {
		n := Num{ShardCreated: created & secsMask, Shard: shard, Index: index, Arrival: arrival & secsMask}
		s := n.String()
		got, err := Parse(s)
		if err != nil || got != n {
			t.Fatalf("Parse(%s) = %+v, %v; want %+v", s, got, err, n)
		}
	})
}
