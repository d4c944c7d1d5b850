package seqnum

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// bigString renders n from its hex layout with math/big: the reference for String.
func bigString(n Num) string {
	v := new(big.Int).SetUint64(2)
	push := func(x uint64, width uint) {
		v.Lsh(v, width)
		v.Or(v, new(big.Int).SetUint64(x&(1<<width-1)))
	}
	push(n.ShardCreated&secsMask, 36)
	push(uint64(n.Shard&0xf), 4)
	push(n.Index>>32, 32)
	push(n.Index&(1<<32-1), 32)
	push(0, 8)
	push(n.Arrival&secsMask, 36)
	push(uint64(n.Shard), 32)
	push(2, 4)
	return v.String()
}

// TestStrings: a batch's numbers rendered by the running sum are the numbers rendered one
// by one, and both are math/big's; the runs cross 10^19 carries and an Index that wraps.
func TestStrings(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	nums := []Num{
		{},
		{ShardCreated: secsMask, Shard: math.MaxUint32, Index: math.MaxUint64 - 3, Arrival: secsMask},
		{ShardCreated: 1795671884, Shard: 7, Index: 123456 << 9, Arrival: 1795671900},
	}
	for range 200 {
		nums = append(nums, Num{ShardCreated: r.Uint64() & secsMask, Shard: r.Uint32(), Index: r.Uint64() >> r.IntN(64), Arrival: r.Uint64() & secsMask})
	}
	for _, n := range nums {
		count := 1 + r.IntN(600)
		got := n.Strings(count)
		want := make([]string, count)
		for i := range want {
			m := n
			m.Index += uint64(i)
			want[i] = bigString(m)
			if s := m.String(); s != want[i] {
				t.Fatalf("%+v.String() = %s, want %s", m, s, want[i])
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("%+v.Strings(%d) (-want +got):\n%s", n, count, diff)
		}
	}
	if got := (Num{}).Strings(0); got != nil {
		t.Errorf("Strings(0) = %q", got)
	}
}
