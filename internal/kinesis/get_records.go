package kinesis

// GetRecords
//
// Behavior:
//   - Returns up to Limit (1..10000, default 10000) records from an iterator's position, and
//     at most 10 MiB of data and partition keys (always at least one record when one is
//     there), with a NextShardIterator that continues after them; Records is [] when none.
//   - One engine read per call, from the iterator's position: its cost does not depend on how
//     much older data the shard holds. Records that expired before they were read are skipped:
//     reading continues at the trim horizon, as on AWS. The read is sized from the records per
//     batch the previous call saw (carried in the iterator); an iterator's first call reads at
//     most 32 batches, so it may return fewer than Limit records while more are there.
//   - MillisBehindLatest is 0 when the answer reaches the end of the shard, else how long ago
//     the first record not returned arrived (at least 1).
//   - On a closed shard, the call that reaches its end returns ChildShards and no
//     NextShardIterator.
//   - Iterators are stateless and valid for 5 minutes: a retried call may reuse its iterator.
//     A tampered one is InvalidArgumentException "Invalid ShardIterator."; an old one is
//     ExpiredIteratorException with AWS's text; a deleted (or deleted and recreated) stream
//     is ResourceNotFoundException.
//   - With limits enforced: 5 calls per second and 2 MiB per second per shard; a 10 MiB answer
//     blocks the shard's reads for about 5 seconds (ProvisionedThroughputExceededException).
//   - DryRun answers DryRunOperationException once every check passed; it takes no read token.
//
// Differences from AWS:
//   - An iterator is a bearer token: it reads its stream whatever account or region signs
//     the call (as a cross-account reader's iterator of a stream named by ARN must; resource
//     policies are not enforced). It must name the stream StreamARN names when both are
//     given ("Invalid ShardIterator.").
//   - EncryptionType is absent for unencrypted records, as AWS's CLI output shows.

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/freshet/freshet/internal/awserr"
	"github.com/freshet/freshet/internal/awsproto"
	"github.com/freshet/freshet/internal/store"
)

type GetRecordsInput struct {
	DryRun        *bool   `json:"DryRun,omitempty"`
	Limit         *int64  `json:"Limit,omitempty"`
	ShardIterator *string `json:"ShardIterator"`
	StreamARN     *string `json:"StreamARN,omitempty"`
	StreamId      *string `json:"StreamId,omitempty"`
}

// Record is one data record as GetRecords and SubscribeToShard return it.
type Record struct {
	ApproximateArrivalTimestamp awsproto.Time `json:"ApproximateArrivalTimestamp"`
	Data                        []byte        `json:"Data"`
	EncryptionType              string        `json:"EncryptionType,omitempty"`
	PartitionKey                string        `json:"PartitionKey"`
	SequenceNumber              string        `json:"SequenceNumber"`
}

type GetRecordsOutput struct {
	ChildShards        []ChildShard `json:"ChildShards,omitempty"`
	MillisBehindLatest int64        `json:"MillisBehindLatest"`
	NextShardIterator  *string      `json:"NextShardIterator,omitempty"`
	Records            []Record     `json:"Records"`
}

const (
	defaultGetRecordsLimit = 10000
	maxGetRecordsLimit     = 10000
	// maxGetRecordsBytes caps one answer's data and partition keys.
	maxGetRecordsBytes = 10 << 20
	// firstReadBatches bounds the engine read of an iterator's first GetRecords, before the
	// size of the shard's batches is known.
	firstReadBatches = 32
)

func (s *Service) GetRecords(ctx context.Context, in *GetRecordsInput) (*GetRecordsOutput, error) {
	var v awserr.Validator
	v.Int("limit", in.Limit, false, 1, maxGetRecordsLimit)
	v.Str("shardIterator", in.ShardIterator, true, 1, maxIteratorChars, nil)
	checkStreamARN(&v, in.StreamARN)
	if err := v.Err(); err != nil {
		return nil, err
	}
	aead, err := s.iteratorAEAD(ctx)
	if err != nil {
		return nil, err
	}
	it, err := openIterator(aead, *in.ShardIterator)
	if err != nil {
		return nil, err
	}
	if in.StreamARN != nil && *in.StreamARN != streamARN(it.Region, it.Account, it.Stream) {
		return nil, errInvalidIterator()
	}
	now := s.now()
	if err := it.expired(now); err != nil {
		return nil, err
	}
	r := streamRef{Account: it.Account, Region: it.Region, Name: it.Stream}
	m, _, err := s.load(ctx, r)
	if awserr.IsCode(err, awserr.ResourceNotFound) {
		return nil, shardNotFound(r, it.Shard)
	}
	if err != nil {
		return nil, err
	}
	sh := m.shard(it.Shard)
	if m.ID != it.StreamID || sh == nil {
		return nil, shardNotFound(r, it.Shard)
	}
	if in.DryRun != nil && *in.DryRun { // before the limits: a dry run reads nothing
		return nil, errDryRun
	}
	if !s.limits.allowRead(m.ID, it.Shard, now) {
		return nil, throttled(m, it.Shard)
	}
	limit := defaultGetRecordsLimit
	if in.Limit != nil {
		limit = int(*in.Limit)
	}

	// Size the engine read: enough batches for limit records at the records per batch the
	// previous call saw (plus the first batch, which may be partly read already), or at most
	// firstReadBatches on an iterator's first call.
	readBatches := min(limit, firstReadBatches) + 1
	if it.PerBatch > 0 {
		readBatches = (limit+it.PerBatch-1)/it.PerBatch + 1
	}
	rd, err := s.readShard(ctx, m, sh, it.Position, limit, maxGetRecordsBytes, readBatches)
	if errors.Is(err, store.ErrNotFound) {
		return nil, shardNotFound(r, it.Shard)
	}
	if err != nil {
		return nil, err
	}
	s.limits.chargeRead(m.ID, it.Shard, rd.Bytes, now)
	out := &GetRecordsOutput{Records: rd.Records, MillisBehindLatest: rd.millisBehind(now)}
	if out.MillisBehindLatest == 0 && sh.ClosedMs != 0 {
		out.ChildShards = nonNil(m.children(it.Shard))
		return out, nil
	}
	it.Position, it.IssuedMs = rd.Next, now.UnixMilli()
	if rd.Batches > 0 {
		it.PerBatch = (rd.Seen + rd.Batches - 1) / rd.Batches
	}
	token := sealIterator(aead, it)
	out.NextShardIterator = &token
	return out, nil
}

// wireRecord renders a record of batch b whose sequence number is seq.
func wireRecord(seq string, b *batch, rec record) Record {
	out := Record{
		ApproximateArrivalTimestamp: awsproto.NewTime(timeMs(b.ArrivalMs)),
		Data:                        rec.Data,
		PartitionKey:                rec.PartitionKey,
		SequenceNumber:              seq,
	}
	if b.KMS {
		out.EncryptionType = "KMS"
	}
	return out
}

// AppendJSON renders the answer as encoding/json would (awsproto.FastEncoder): an answer holds
// up to 10000 records, and reflection was most of the server's CPU per read.
func (o *GetRecordsOutput) AppendJSON(b []byte) ([]byte, error) {
	if n := 128 + len(o.Records)*160; cap(b)-len(b) < n {
		for _, r := range o.Records {
			n += base64.StdEncoding.EncodedLen(len(r.Data)) + len(r.PartitionKey)
		}
		b = append(make([]byte, 0, len(b)+n), b...)
	}
	b = append(b, '{')
	if o.ChildShards != nil {
		cs, err := json.Marshal(o.ChildShards)
		if err != nil {
			return nil, err
		}
		b = append(b, `"ChildShards":`...)
		b = append(b, cs...)
		b = append(b, ',')
	}
	b = append(b, `"MillisBehindLatest":`...)
	b = strconv.AppendInt(b, o.MillisBehindLatest, 10)
	if o.NextShardIterator != nil {
		b = append(b, `,"NextShardIterator":`...)
		b = appendJSONString(b, *o.NextShardIterator)
	}
	b = append(b, `,"Records":[`...)
	var ts []byte // the last timestamp rendered: a batch's records share theirs
	var tsMs int64
	for i := range o.Records {
		r := &o.Records[i]
		if i > 0 {
			b = append(b, ',')
		}
		if ms := r.ApproximateArrivalTimestamp.UnixMilli(); ts == nil || ms != tsMs {
			var err error
			if ts, err = r.ApproximateArrivalTimestamp.MarshalJSON(); err != nil {
				return nil, err
			}
			tsMs = ms
		}
		b = append(b, `{"ApproximateArrivalTimestamp":`...)
		b = append(b, ts...)
		b = append(b, `,"Data":`...)
		if r.Data == nil {
			b = append(b, "null"...)
		} else {
			b = append(b, '"')
			b = base64.StdEncoding.AppendEncode(b, r.Data)
			b = append(b, '"')
		}
		if r.EncryptionType != "" {
			b = append(b, `,"EncryptionType":`...)
			b = appendJSONString(b, r.EncryptionType)
		}
		b = append(b, `,"PartitionKey":`...)
		b = appendJSONString(b, r.PartitionKey)
		b = append(b, `,"SequenceNumber":`...)
		b = appendJSONString(b, r.SequenceNumber)
		b = append(b, '}')
	}
	return append(b, "]}"...), nil
}

// appendJSONString appends s as encoding/json writes it: as is when it is printable ASCII
// that needs no escaping (sequence numbers, iterators, most partition keys), else through
// encoding/json.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if !jsonPlain[s[i]] {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// jsonPlain marks the bytes encoding/json writes as they are: printable ASCII but for the
// quote, the backslash and its HTML escapes (<, >, &). One lookup per byte instead of seven
// comparisons: partition keys and sequence numbers go through here for every record.
var jsonPlain = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = !strings.ContainsRune(`"\<>&`, rune(c))
	}
	return t
}()
