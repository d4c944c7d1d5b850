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
	// The 188 bits, most significant first.
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
	const chunk = 10_000_000_000_000_000_000
	var parts [3]uint64
	for i := 2; i >= 0; i-- {
		var r uint64
		w[0], r = bits.Div64(0, w[0], chunk)
		w[1], r = bits.Div64(r, w[1], chunk)
		w[2], r = bits.Div64(r, w[2], chunk)
		parts[i] = r
	}
	buf := make([]byte, 0, 57)
	buf = strconv.AppendUint(buf, parts[0], 10)
	for _, p := range parts[1:] {
		var d [19]byte
		for i := 18; i >= 0; i-- {
			d[i] = byte('0' + p%10)
			p /= 10
		}
		buf = append(buf, d[:]...)
	}
	return string(buf)
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
