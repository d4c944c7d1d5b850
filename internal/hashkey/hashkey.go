// Package hashkey is the 128-bit hash-key space of Kinesis: partition keys hash into it with
// MD5, and shards own contiguous ranges of it.
package hashkey

import (
	"crypto/md5"
	"encoding/binary"
	"errors"
	"math/big"
	"math/bits"
)

// Key is an unsigned 128-bit integer.
type Key struct{ Hi, Lo uint64 }

// Max is 2^128-1, the last key of the space.
var Max = Key{^uint64(0), ^uint64(0)}

// FromPartitionKey is MD5 of the UTF-8 partition key read as a big-endian unsigned integer.
func FromPartitionKey(pk string) Key {
	sum := md5.Sum([]byte(pk))
	return Key{binary.BigEndian.Uint64(sum[:8]), binary.BigEndian.Uint64(sum[8:])}
}

// ErrRange is returned by Parse for values outside 0..2^128-1 or not decimal.
var ErrRange = errors.New("hash key out of range")

// Parse reads a decimal hash key.
func Parse(s string) (Key, error) {
	if s == "" || len(s) > 40 {
		return Key{}, ErrRange
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return Key{}, ErrRange
		}
	}
	b, ok := new(big.Int).SetString(s, 10)
	if !ok || b.BitLen() > 128 {
		return Key{}, ErrRange
	}
	var buf [16]byte
	b.FillBytes(buf[:])
	return Key{binary.BigEndian.Uint64(buf[:8]), binary.BigEndian.Uint64(buf[8:])}, nil
}

// String is the key in decimal.
func (k Key) String() string {
	var buf [16]byte
	binary.BigEndian.PutUint64(buf[:8], k.Hi)
	binary.BigEndian.PutUint64(buf[8:], k.Lo)
	return new(big.Int).SetBytes(buf[:]).String()
}

// Cmp returns -1, 0 or +1 as k is less than, equal to or greater than o.
func (k Key) Cmp(o Key) int {
	switch {
	case k.Hi < o.Hi:
		return -1
	case k.Hi > o.Hi:
		return 1
	case k.Lo < o.Lo:
		return -1
	case k.Lo > o.Lo:
		return 1
	}
	return 0
}

// Add returns k+n (wrapping past Max).
func (k Key) Add(n uint64) Key {
	lo, c := bits.Add64(k.Lo, n, 0)
	return Key{k.Hi + c, lo}
}

// Sub returns k-n (wrapping below zero).
func (k Key) Sub(n uint64) Key {
	lo, b := bits.Sub64(k.Lo, n, 0)
	return Key{k.Hi - b, lo}
}

// Range is an inclusive range of keys.
type Range struct{ Start, End Key }

// Contains reports whether k lies in r.
func (r Range) Contains(k Key) bool { return r.Start.Cmp(k) <= 0 && k.Cmp(r.End) <= 0 }

// Split divides the range into n contiguous ranges as Kinesis does: each floor(size/n)
// keys wide, the last one ending at r.End. n must be at least 1.
func (r Range) Split(n int) []Range {
	width := r.width()
	step := new(big.Int).Quo(width, big.NewInt(int64(n)))
	out := make([]Range, n)
	start := toBig(r.Start)
	for i := range n {
		end := new(big.Int).Add(start, step)
		end.Sub(end, big.NewInt(1))
		out[i] = Range{fromBig(start), fromBig(end)}
		start = end.Add(end, big.NewInt(1))
	}
	out[n-1].End = r.End
	return out
}

// width is End-Start+1 as a big integer (up to 2^128).
func (r Range) width() *big.Int {
	w := new(big.Int).Sub(toBig(r.End), toBig(r.Start))
	return w.Add(w, big.NewInt(1))
}

// Full is the whole space 0..2^128-1.
var Full = Range{Key{}, Max}

func toBig(k Key) *big.Int {
	var buf [16]byte
	binary.BigEndian.PutUint64(buf[:8], k.Hi)
	binary.BigEndian.PutUint64(buf[8:], k.Lo)
	return new(big.Int).SetBytes(buf[:])
}

func fromBig(b *big.Int) Key {
	var buf [16]byte
	b.FillBytes(buf[:])
	return Key{binary.BigEndian.Uint64(buf[:8]), binary.BigEndian.Uint64(buf[8:])}
}
