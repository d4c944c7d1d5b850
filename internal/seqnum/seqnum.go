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

// String renders the number in decimal.
func (n Num) String() string {
	h := fmt.Sprintf("2%09x%01x%016x00%09x%08x2", n.ShardCreated&secsMask, n.Shard&0xf, n.Index, n.Arrival&secsMask, n.Shard)
	b, _ := new(big.Int).SetString(h, 16)
	return b.String()
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
