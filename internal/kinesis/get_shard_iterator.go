package kinesis

// GetShardIterator
//
// Behavior:
//   - Returns an iterator (iterator.go) for a shard named by ShardId ("shardId-000000000007",
//     or anything ending in "-7" or "7", as AWS tolerates) of a stream named by StreamName or
//     StreamARN; it expires 5 minutes after it was issued.
//   - TRIM_HORIZON starts at the oldest record still kept; LATEST just after the newest record
//     at the time of the call; AT_SEQUENCE_NUMBER / AFTER_SEQUENCE_NUMBER at / after the
//     record a sequence number names (a record since expired starts at the trim horizon);
//     AT_TIMESTAMP at the first record that arrived at or after Timestamp (LATEST when none).
//   - A sequence number that does not parse, that encodes another shard, or that comes from
//     another incarnation of the shard is InvalidArgumentException with AWS's texts, as are a
//     missing or superfluous StartingSequenceNumber, a missing Timestamp and a Timestamp in
//     the future. A missing stream or shard is ResourceNotFoundException.
//   - Works on closed shards (their iterators read to the shard's end). DryRun answers
//     DryRunOperationException once every check passed.
//
// Differences from AWS:
//   - AT_TIMESTAMP looks records up by the engine's storage time of their batch, which
//     follows the arrival time by the engine's write latency.
//   - No per-account GetShardIterator rate limit.
//   - Only 56-digit (version 2) sequence numbers parse: a short one such as "5", which AWS
//     reads in an older layout ("It encodes shardId-000000000005, …"), is "… is invalid.".

import (
	"context"
	"errors"
	"math"
	"strings"

	"github.com/freshet/freshet/internal/awserr"
	"github.com/freshet/freshet/internal/awsproto"
	"github.com/freshet/freshet/internal/seqnum"
	"github.com/freshet/freshet/internal/store"
)

type GetShardIteratorInput struct {
	DryRun                 *bool          `json:"DryRun,omitempty"`
	ShardId                *string        `json:"ShardId"`
	ShardIteratorType      *string        `json:"ShardIteratorType"`
	StartingSequenceNumber *string        `json:"StartingSequenceNumber,omitempty"`
	StreamARN              *string        `json:"StreamARN,omitempty"`
	StreamId               *string        `json:"StreamId,omitempty"`
	StreamName             *string        `json:"StreamName,omitempty"`
	Timestamp              *awsproto.Time `json:"Timestamp,omitempty"`
}

type GetShardIteratorOutput struct {
	ShardIterator string `json:"ShardIterator"`
}

const (
	iterAtSequence    = "AT_SEQUENCE_NUMBER"
	iterAfterSequence = "AFTER_SEQUENCE_NUMBER"
	iterTrimHorizon   = "TRIM_HORIZON"
	iterLatest        = "LATEST"
	iterAtTimestamp   = "AT_TIMESTAMP"
)

// shardIteratorTypes in the order AWS lists them in its validation message.
var shardIteratorTypes = []string{iterAfterSequence, iterLatest, iterAtTimestamp, iterAtSequence, iterTrimHorizon}

var shardIDPattern = awserr.NewPattern("[a-zA-Z0-9_.-]+")

func (s *Service) GetShardIterator(ctx context.Context, in *GetShardIteratorInput) (*GetShardIteratorOutput, error) {
	var v awserr.Validator
	v.Str("shardId", in.ShardId, true, 1, 128, shardIDPattern)
	v.Enum("shardIteratorType", in.ShardIteratorType, true, shardIteratorTypes)
	v.Str("startingSequenceNumber", in.StartingSequenceNumber, false, 0, 0, seqNumPattern)
	r, err := streamOf(ctx, &v, in.StreamName, in.StreamARN)
	if err != nil {
		return nil, err
	}
	index, ok := resolveShardID(*in.ShardId)
	if !ok {
		return nil, awserr.Newf(awserr.ResourceNotFound, "Could not find shard %s in stream %s under account %s.", *in.ShardId, r.Name, r.Account)
	}
	m, _, err := s.load(ctx, r)
	if awserr.IsCode(err, awserr.ResourceNotFound) {
		return nil, shardNotFound(r, index)
	}
	if err != nil {
		return nil, err
	}
	sh := m.shard(index)
	if sh == nil {
		return nil, shardNotFound(r, index)
	}
	it := &shardIterator{Account: m.Account, Region: m.Region, Stream: m.Name, StreamID: m.ID, Shard: index}
	typ := *in.ShardIteratorType
	seq := in.StartingSequenceNumber
	switch {
	case typ == iterAtTimestamp:
		if it.Position, err = s.positionAt(ctx, m, index, in.Timestamp); err != nil {
			return nil, err
		}
	case seq != nil && (typ == iterTrimHorizon || typ == iterLatest):
		return nil, iteratorTypeError(typ, "also a")
	case seq == nil && (typ == iterAtSequence || typ == iterAfterSequence):
		return nil, iteratorTypeError(typ, "no")
	case seq != nil:
		n, err := seqnum.Parse(*seq)
		if err != nil {
			return nil, awserr.Newf(awserr.InvalidArgument, "StartingSequenceNumber %s used in GetShardIterator on shard %s in stream %s under account %s is invalid.", *seq, shardID(index), m.Name, m.Account)
		}
		if int64(n.Shard) != int64(index) {
			return nil, awserr.Newf(awserr.InvalidArgument, "Invalid StartingSequenceNumber. It encodes %s, while it was used in a call to a shard with %s", shardID(int(n.Shard)), shardID(index))
		}
		if n.ShardCreated != uint64(sh.CreatedMs/1000) {
			return nil, awserr.Newf(awserr.InvalidArgument, "StartingSequenceNumber %s used in GetShardIterator on shard %s in stream %s under account %s is invalid because it did not come from this stream.", *seq, shardID(index), m.Name, m.Account)
		}
		it.Position = n.Index
		if typ == iterAfterSequence && n.Index < math.MaxUint64 {
			it.Position++
		}
	case typ == iterLatest:
		st, err := s.store.State(ctx, m.logName(index))
		if errors.Is(err, store.ErrNotFound) {
			return nil, shardNotFound(r, index)
		}
		if err != nil {
			return nil, err
		}
		it.Position = position(st.Last+1, 0)
	default: // TRIM_HORIZON: position 0 reads from the oldest record kept
	}
	if in.DryRun != nil && *in.DryRun {
		return nil, errDryRun
	}
	aead, err := s.iteratorAEAD(ctx)
	if err != nil {
		return nil, err
	}
	it.IssuedMs = s.now().UnixMilli()
	return &GetShardIteratorOutput{ShardIterator: sealIterator(aead, it)}, nil
}

// positionAt is the position of the first record of a shard that arrived at or after ts,
// or the position after the last record when there is none.
func (s *Service) positionAt(ctx context.Context, m *streamMeta, index int, ts *awsproto.Time) (uint64, error) {
	if ts == nil {
		return 0, awserr.New(awserr.InvalidArgument, "Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.")
	}
	now := s.now()
	if ts.After(now) {
		return 0, awserr.Newf(awserr.InvalidArgument, "The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: %d, currentTimestampInMillis: %d", ts.UnixMilli(), now.UnixMilli())
	}
	log := m.logName(index)
	// The end is read first: a batch stored after it is found by the read, or lies past it.
	st, err := s.store.State(ctx, log)
	if err == nil {
		var res store.ReadResult
		res, err = s.store.Read(ctx, log, store.ReadRequest{Since: ts.Time, Max: 1})
		if err == nil && len(res.Msgs) > 0 {
			return position(res.Msgs[0].Seq, 0), nil
		}
	}
	if errors.Is(err, store.ErrNotFound) {
		return 0, shardNotFound(streamRef{m.Account, m.Region, m.Name}, index)
	}
	if err != nil {
		return 0, err
	}
	return position(st.Last+1, 0), nil
}

func iteratorTypeError(typ, what string) error {
	return awserr.Newf(awserr.InvalidArgument, "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified %s and %s StartingSequenceNumber.", typ, what)
}

// resolveShardID reads a ShardId the way GetShardIterator accepts it: the digits after its
// last '-' (or the whole id), at most 2^31-1.
func resolveShardID(id string) (int, bool) {
	digits := id[strings.LastIndexByte(id, '-')+1:]
	if digits == "" {
		return 0, false
	}
	n := 0
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
		if n = n*10 + int(c-'0'); n > 1<<31-1 {
			return 0, false
		}
	}
	return n, true
}

func shardNotFound(r streamRef, index int) error {
	return awserr.Newf(awserr.ResourceNotFound, "Shard %s in stream %s under account %s does not exist", shardID(index), r.Name, r.Account)
}
