// Package seqnum encodes Kinesis sequence numbers in AWS's 56-digit "version 2" layout,
// so that clients comparing them as big integers see them rise within a shard.
//
// In hex (47 digits): "2" | shard creation secs (9) | shard index low nibble (1) |
// per-shard index (16) | "00" | record arrival secs (9) | shard index (8) | "2".
package seqnum

import (
	"errors"
	"fmt"
	"math/big"
	"math/bits"
	"strconv"
	"strings"
)

// Num is a decoded sequence number.
type Num struct {
	ShardCreated uint64 // shard creation time, epoch seconds (36 bits)
	Shard        uint32 // shard index (shardId-000000000007 → 7)
	Index        uint64 // position within the shard; rises with every record
	Arrival      uint64 // record arrival time, epoch seconds (36 bits)
}

const secsMask = 1<<36 - 1

// ErrInvalid is returned by Parse for anything that is not a sequence number of this layout.
var ErrInvalid = errors.New("invalid sequence number")

// String renders the number in decimal. It runs once per record written or read, so it
// works on three 64-bit words instead of a hex string and a big.Int.
func (n Num) String() string {
	var buf [maxDigits]byte
	return string(appendDecimal(buf[:0], n.parts()))
}

// Strings renders n and the count-1 numbers after it in its shard (Index+1, Index+2, …):
// the sequence numbers of consecutive records of one batch. Each next number is the last
// plus 2^80 (one more Index), added digit by digit to the last one's decimal text, so the
// whole run costs one String and three allocations instead of count of each.
func (n Num) Strings(count int) []string {
	if count <= 0 {
		return nil
	}
	out := make([]string, count)
	if n.Index+uint64(count-1) < n.Index { // Index wraps: no constant step
		for i := range out {
			m := n
			m.Index += uint64(i)
			out[i] = m.String()
		}
		return out
	}
	// The digits sit right-aligned in buf, from start; every number is at least 2^185 > 10^55,
	// so it has more digits than the step.
	var buf [maxDigits + 1]byte
	var tmp [maxDigits]byte
	first := appendDecimal(tmp[:0], n.parts())
	start := len(buf) - len(first)
	copy(buf[start:], first)
	ends := make([]int, count)
	var sb strings.Builder
	sb.Grow(count * (len(buf) - start))
	for i := range count {
		if i > 0 {
			var carry byte
			k := len(buf) - 1
			for j := len(indexStepDigits) - 1; j >= 0; j-- {
				v := buf[k] - '0' + indexStepDigits[j] - '0' + carry
				carry = v / 10
				buf[k] = '0' + v - carry*10
				k--
			}
			for ; carry != 0; k-- {
				if k < start {
					start = k
					buf[k] = '0'
				}
				v := buf[k] - '0' + 1
				carry = v / 10
				buf[k] = '0' + v - carry*10
			}
		}
		sb.Write(buf[start:])
		ends[i] = sb.Len()
	}
	all, from := sb.String(), 0
	for i, end := range ends {
		out[i], from = all[from:end], end
	}
	return out
}

// indexStepDigits is 2^80, the weight of Index's lowest bit, in decimal.
const indexStepDigits = "1208925819614629174706176"

const (
	// chunk is the base the number is rendered in: 10^19, the largest power of 10 below 2^64.
	chunk = 10_000_000_000_000_000_000
	// maxDigits bounds a rendered number: it is below 2^188 < 10^57.
	maxDigits = 57
)

// parts returns the number's 188 bits in base 10^19, most significant first.
func (n Num) parts() [3]uint64 {
	var w [3]uint64 // w[0] most significant
	push := func(v uint64, width uint) {
		w[0] = w[0]<<width | w[1]>>(64-width)
		w[1] = w[1]<<width | w[2]>>(64-width)
		w[2] = w[2]<<width | v&(1<<width-1)
	}
	push(2, 4)
	push(n.ShardCreated&secsMask, 36)
	push(uint64(n.Shard&0xf), 4)
	push(n.Index>>32, 32)
	push(n.Index&(1<<32-1), 32)
	push(0, 8)
	push(n.Arrival&secsMask, 36)
	push(uint64(n.Shard), 32)
	push(2, 4)
	// Divide by 10^19 three times: the value is below 2^188 < 10^57.
	var parts [3]uint64
	for i := 2; i >= 0; i-- {
		var r uint64
		w[0], r = bits.Div64(0, w[0], chunk)
		w[1], r = bits.Div64(r, w[1], chunk)
		w[2], r = bits.Div64(r, w[2], chunk)
		parts[i] = r
	}
	return parts
}

// digitPairs is "00" to "99".
const digitPairs = "00010203040506070809101112131415161718192021222324252627282930313233343536373839" +
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879" +
	"8081828384858687888990919293949596979899"

// appendDecimal appends a number given in base 10^19: its first part as is, the others
// zero-padded to 19 digits.
func appendDecimal(dst []byte, p [3]uint64) []byte {
	dst = strconv.AppendUint(dst, p[0], 10)
	for _, v := range p[1:] {
		var d [19]byte
		for i := 17; i > 0; i -= 2 {
			q := v / 100
			r := (v - q*100) * 2
			d[i], d[i+1] = digitPairs[r], digitPairs[r+1]
			v = q
		}
		d[0] = byte('0' + v)
		dst = append(dst, d[:]...)
	}
	return dst
}

// Parse decodes a decimal sequence number.
func Parse(s string) (Num, error) {
	if len(s) == 0 || len(s) > 60 {
		return Num{}, ErrInvalid
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return Num{}, ErrInvalid
		}
	}
	b, ok := new(big.Int).SetString(s, 10)
	if !ok {
		return Num{}, ErrInvalid
	}
	h := b.Text(16)
	if len(h) != 47 || h[0] != '2' || h[46] != '2' || h[27:29] != "00" {
		return Num{}, ErrInvalid
	}
	var n Num
	var nib uint32
	if _, err := fmt.Sscanf(h[1:10], "%x", &n.ShardCreated); err != nil {
		return Num{}, ErrInvalid
	}
	if _, err := fmt.Sscanf(h[10:11], "%x", &nib); err != nil {
		return Num{}, ErrInvalid
	}
	if _, err := fmt.Sscanf(h[11:27], "%x", &n.Index); err != nil {
		return Num{}, ErrInvalid
	}
	if _, err := fmt.Sscanf(h[29:38], "%x", &n.Arrival); err != nil {
		return Num{}, ErrInvalid
	}
	if _, err := fmt.Sscanf(h[38:46], "%x", &n.Shard); err != nil {
		return Num{}, ErrInvalid
	}
	if n.Shard&0xf != nib {
		return Num{}, ErrInvalid
	}
	return n, nil
}
