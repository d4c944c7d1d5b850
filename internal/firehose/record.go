package firehose

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"time"
)

// DeliveryRecord is one record on its way through a delivery stream.
type DeliveryRecord struct {
	// ID is the RecordId PutRecord answered (or the source's identity for the record).
	ID string
	// Data is the record's payload; processing stages may replace it.
	Data []byte
	// Arrival is the approximate arrival timestamp: when the service accepted the record.
	// Object keys use the oldest arrival in an object.
	Arrival time.Time
	// Keys are the dynamic-partitioning keys set by processing, by expression:
	// "partitionKeyFromQuery:<name>" or "partitionKeyFromLambda:<name>".
	Keys map[string]string
	// Kinesis says where a record read from a Kinesis stream came from (nil for other
	// sources); Lambda processors pass it on as kinesisRecordMetadata.
	Kinesis *KinesisRecordMetadata
}

// FailedRecord is a record that processing could not handle: it is written under the
// ErrorOutputPrefix with error output type processing-failed, as AWS's error document.
type FailedRecord struct {
	Record       DeliveryRecord // as it entered the failing stage
	ErrorCode    string
	ErrorMessage string
	// Attempts is how many times the stage tried (attemptsMade; 0 counts as 1).
	Attempts int
	// LambdaARN is the function that failed, for a Lambda stage (lambdaArn).
	LambdaARN string
}

// A log message holds the records of one PutRecord or PutRecordBatch request:
//
//	version(1) arrival-ms(uvarint) count(uvarint) { len(uvarint) data }*
const logFormat = 1

func encodeBatch(arrival time.Time, data [][]byte) []byte {
	n := 1 + 2*binary.MaxVarintLen64
	for _, d := range data {
		n += binary.MaxVarintLen64 + len(d)
	}
	b := make([]byte, 0, n)
	b = append(b, logFormat)
	b = binary.AppendUvarint(b, uint64(arrival.UnixMilli()))
	b = binary.AppendUvarint(b, uint64(len(data)))
	for _, d := range data {
		b = binary.AppendUvarint(b, uint64(len(d)))
		b = append(b, d...)
	}
	return b
}

var errBadBatch = errors.New("malformed record batch")

// decodeBatch reads the records of the log message at seq.
func decodeBatch(seq uint64, b []byte) ([]DeliveryRecord, error) {
	if len(b) < 1 || b[0] != logFormat {
		return nil, errBadBatch
	}
	b = b[1:]
	ms, n := binary.Uvarint(b)
	if n <= 0 {
		return nil, errBadBatch
	}
	b = b[n:]
	count, n := binary.Uvarint(b)
	if n <= 0 || count > uint64(len(b)) {
		return nil, errBadBatch
	}
	b = b[n:]
	arrival := time.UnixMilli(int64(ms)).UTC()
	out := make([]DeliveryRecord, 0, count)
	for i := range int(count) {
		l, n := binary.Uvarint(b)
		if n <= 0 || l > uint64(len(b)-n) {
			return nil, errBadBatch
		}
		b = b[n:]
		out = append(out, DeliveryRecord{ID: recordID(seq, i), Data: b[:l:l], Arrival: arrival})
		b = b[l:]
	}
	return out, nil
}

// recordID is the RecordId of record i of the log message at seq: stable, so that the
// delivery side knows the id PutRecord answered.
func recordID(seq uint64, i int) string {
	var b [12]byte
	binary.BigEndian.PutUint64(b[:8], seq)
	binary.BigEndian.PutUint32(b[8:], uint32(i))
	return base64.StdEncoding.EncodeToString(b[:])
}
