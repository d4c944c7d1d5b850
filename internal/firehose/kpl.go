package firehose

// KPL aggregated records (the Kinesis Producer Library's aggregation format):
//
//	magic F3 89 9A C2 | protobuf AggregatedRecord | MD5 of the protobuf bytes (16)
//
//	message AggregatedRecord {
//	  repeated string partition_key_table     = 1;
//	  repeated string explicit_hash_key_table = 2;
//	  repeated Record records                 = 3;
//	}
//	message Record {
//	  required uint64 partition_key_index     = 1;
//	  optional uint64 explicit_hash_key_index = 2;
//	  required bytes  data                    = 3;
//	  repeated Tag    tags                    = 4;
//	}
//
// The reader below knows just enough protobuf (varints and length-delimited fields) to take
// the data out; a record that is not well formed, or whose checksum does not match, is not
// an aggregated record and passes through whole, as the KCL treats it.

import (
	"bytes"
	"crypto/md5"
	"encoding/binary"
	"errors"
)

var kplMagic = []byte{0xF3, 0x89, 0x9A, 0xC2}

// kplSubRecord is one user record of an aggregated record.
type kplSubRecord struct {
	PartitionKey string
	Data         []byte
}

// deaggregateKPL returns the user records of a KPL aggregated record, and false when b is
// not one.
func deaggregateKPL(b []byte) ([]kplSubRecord, bool) {
	if len(b) < len(kplMagic)+md5.Size || !bytes.HasPrefix(b, kplMagic) {
		return nil, false
	}
	body := b[len(kplMagic) : len(b)-md5.Size]
	sum := md5.Sum(body)
	if !bytes.Equal(sum[:], b[len(b)-md5.Size:]) {
		return nil, false
	}
	var keys []string
	var recs [][]byte
	err := protoFields(body, func(num uint64, v []byte) error {
		switch num {
		case 1:
			keys = append(keys, string(v))
		case 3:
			recs = append(recs, v)
		}
		return nil
	})
	if err != nil {
		return nil, false
	}
	out := make([]kplSubRecord, 0, len(recs))
	for _, r := range recs {
		var sub kplSubRecord
		var keyIndex uint64
		var haveData bool
		err := protoFields(r, func(num uint64, v []byte) error {
			switch num {
			case 1:
				n, k := binary.Uvarint(v)
				if k <= 0 {
					return errBadProto
				}
				keyIndex = n
			case 3:
				sub.Data, haveData = v, true
			}
			return nil
		})
		if err != nil || !haveData || keyIndex >= uint64(len(keys)) {
			return nil, false
		}
		sub.PartitionKey = keys[keyIndex]
		out = append(out, sub)
	}
	return out, true
}

var errBadProto = errors.New("malformed protobuf")

// protoFields calls fn for each field of a protobuf message: the value of a varint field
// (wire type 0) is its varint bytes, of a length-delimited field (2) its contents. Fixed
// 32- and 64-bit fields are skipped; groups are refused.
func protoFields(b []byte, fn func(num uint64, v []byte) error) error {
	for len(b) > 0 {
		tag, n := binary.Uvarint(b)
		if n <= 0 {
			return errBadProto
		}
		b = b[n:]
		num, typ := tag>>3, tag&7
		if num == 0 {
			return errBadProto
		}
		var v []byte
		switch typ {
		case 0:
			_, n := binary.Uvarint(b)
			if n <= 0 {
				return errBadProto
			}
			v, b = b[:n], b[n:]
		case 1:
			if len(b) < 8 {
				return errBadProto
			}
			b = b[8:]
			continue
		case 2:
			l, n := binary.Uvarint(b)
			if n <= 0 || l > uint64(len(b)-n) {
				return errBadProto
			}
			v, b = b[n:n+int(l)], b[n+int(l):]
		case 5:
			if len(b) < 4 {
				return errBadProto
			}
			b = b[4:]
			continue
		default:
			return errBadProto
		}
		if err := fn(num, v); err != nil {
			return err
		}
	}
	return nil
}
