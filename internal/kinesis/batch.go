package kinesis

import (
	"encoding/binary"
	"errors"

	"github.com/freshet/freshet/internal/seqnum"
)

// A batch is what one PutRecord or PutRecords call writes to one shard: one engine message
// holding the records in order. Layout:
//
//	version byte (1) | flags byte (bit 0: KMS-encrypted) | uvarint arrival unix ms |
//	uvarint count | count × (uvarint len, partition key, uvarint len, data)
//
// Record i of the batch stored at engine sequence q has the per-shard index q<<9 | i
// (PutRecords carries at most 500 records), which is the Index of its sequence number.

const (
	batchVersion = 1
	batchKMS     = 1 << 0
	// batchIndexBits is how many low bits of a per-shard index number the record in its batch.
	batchIndexBits = 9
)

// record is one record as stored.
type record struct {
	PartitionKey string
	Data         []byte
}

// batch is a decoded engine message.
type batch struct {
	KMS       bool
	ArrivalMs int64
	Records   []record
}

// appendBatch encodes a batch onto dst.
func appendBatch(dst []byte, b *batch) []byte {
	var flags byte
	if b.KMS {
		flags |= batchKMS
	}
	dst = append(dst, batchVersion, flags)
	dst = binary.AppendUvarint(dst, uint64(b.ArrivalMs))
	dst = binary.AppendUvarint(dst, uint64(len(b.Records)))
	for _, r := range b.Records {
		dst = binary.AppendUvarint(dst, uint64(len(r.PartitionKey)))
		dst = append(dst, r.PartitionKey...)
		dst = binary.AppendUvarint(dst, uint64(len(r.Data)))
		dst = append(dst, r.Data...)
	}
	return dst
}

var errBadBatch = errors.New("corrupt record batch")

// decodeBatch decodes an engine message. Data slices alias msg.
func decodeBatch(msg []byte) (*batch, error) {
	if len(msg) < 2 || msg[0] != batchVersion {
		return nil, errBadBatch
	}
	b := &batch{KMS: msg[1]&batchKMS != 0}
	p := msg[2:]
	next := func() (uint64, bool) {
		v, n := binary.Uvarint(p)
		if n <= 0 {
			return 0, false
		}
		p = p[n:]
		return v, true
	}
	bytes := func() ([]byte, bool) {
		n, ok := next()
		if !ok || n > uint64(len(p)) {
			return nil, false
		}
		s := p[:n:n]
		p = p[n:]
		return s, true
	}
	arrival, ok := next()
	if !ok {
		return nil, errBadBatch
	}
	b.ArrivalMs = int64(arrival)
	count, ok := next()
	if !ok || count > 1<<batchIndexBits {
		return nil, errBadBatch
	}
	b.Records = make([]record, count)
	for i := range b.Records {
		pk, ok1 := bytes()
		data, ok2 := bytes()
		if !ok1 || !ok2 {
			return nil, errBadBatch
		}
		b.Records[i] = record{PartitionKey: string(pk), Data: data}
	}
	if len(p) != 0 {
		return nil, errBadBatch
	}
	return b, nil
}

// position is the per-shard index of record i of the batch at engine sequence seq.
func position(seq uint64, i int) uint64 { return seq<<batchIndexBits | uint64(i) }

// splitPosition is the inverse of position.
func splitPosition(idx uint64) (seq uint64, i int) {
	return idx >> batchIndexBits, int(idx & (1<<batchIndexBits - 1))
}

// recordSeq is the sequence number of record i of a batch stored at seq in shard sh.
func recordSeq(sh *shardMeta, seq uint64, i int, arrivalMs int64) seqnum.Num {
	return seqnum.Num{
		ShardCreated: uint64(sh.CreatedMs / 1000),
		Shard:        uint32(sh.Index),
		Index:        position(seq, i),
		Arrival:      uint64(arrivalMs / 1000),
	}
}
