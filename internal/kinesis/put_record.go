package kinesis

// PutRecord
//
// Behavior:
//   - Writes one record, routed like a PutRecords entry (see put_records.go): MD5 of the
//     partition key or ExplicitHashKey → the open shard owning it; one engine write;
//     answered after the engine acknowledged it. Shard closed meanwhile: routed again.
//   - SequenceNumberForOrdering must be a sequence number (our layout) whose arrival time is
//     not in the future, else InvalidArgumentException "ExclusiveMinimumSequenceNumber … used
//     in PutRecord on stream … is invalid." (AWS's text, from kinesalite). Sequence numbers
//     rise within a shard, so a record written after the one whose number is given gets a
//     greater number whenever both went to the same shard (same partition key).
//   - Over the shard's write limits (--enforce-limits): 400 ProvisionedThroughputExceeded.
//     A failed engine write is a 500 InternalFailure.
//   - Record size, AUTO distribution, DryRun and stream state as in PutRecords.
//
// Differences from AWS:
//   - Sequence numbers of AWS's older layouts (version 0 and 1) are refused as
//     SequenceNumberForOrdering; AWS accepts them.

import (
	"context"

	"github.com/freshet/freshet/internal/awserr"
	"github.com/freshet/freshet/internal/seqnum"
)

type PutRecordInput struct {
	Data                      []byte  `json:"Data"`
	DryRun                    *bool   `json:"DryRun,omitempty"`
	ExplicitHashKey           *string `json:"ExplicitHashKey,omitempty"`
	PartitionKey              *string `json:"PartitionKey,omitempty"`
	SequenceNumberForOrdering *string `json:"SequenceNumberForOrdering,omitempty"`
	StreamARN                 *string `json:"StreamARN,omitempty"`
	StreamId                  *string `json:"StreamId,omitempty"`
	StreamName                *string `json:"StreamName,omitempty"`
}

type PutRecordOutput struct {
	EncryptionType string `json:"EncryptionType"`
	SequenceNumber string `json:"SequenceNumber"`
	ShardId        string `json:"ShardId"`
}

func (s *Service) PutRecord(ctx context.Context, in *PutRecordInput) (*PutRecordOutput, error) {
	var v awserr.Validator
	v.Str("sequenceNumberForOrdering", in.SequenceNumberForOrdering, false, 0, 0, seqNumPattern)
	v.Str("partitionKey", in.PartitionKey, false, 1, maxPartitionKey, nil)
	v.Str("explicitHashKey", in.ExplicitHashKey, false, 0, 0, hashKeyPattern)
	v.Blob("data", in.Data, true, 0, maxDataBytes)
	r, err := streamOf(ctx, &v, in.StreamName, in.StreamARN)
	if err != nil {
		return nil, err
	}
	m, rev, err := s.load(ctx, r)
	if err != nil {
		return nil, err
	}
	if err := s.writable(r, m); err != nil {
		return nil, err
	}
	if in.PartitionKey == nil && m.RecordDistribution != distributionAuto {
		v.Null("partitionKey")
		return nil, v.Err()
	}
	e, err := newEntry(m, in.PartitionKey, in.ExplicitHashKey, in.Data)
	if err != nil {
		return nil, err
	}
	if in.SequenceNumberForOrdering != nil {
		n, err := seqnum.Parse(*in.SequenceNumberForOrdering)
		if err != nil || int64(n.Arrival) > s.now().Unix() {
			return nil, awserr.Newf(awserr.InvalidArgument, "ExclusiveMinimumSequenceNumber %s used in PutRecord on stream %s under account %s is invalid.", *in.SequenceNumberForOrdering, r.Name, r.Account)
		}
	}
	if in.DryRun != nil && *in.DryRun {
		return nil, errDryRun
	}
	results, err := s.putAt(ctx, r, m, rev, []putEntry{e})
	if err != nil {
		return nil, err
	}
	res := results[0]
	if res.err == errInternalEntry {
		return nil, awserr.New(awserr.InternalFailure, res.err.Message)
	}
	if res.err != nil {
		return nil, res.err
	}
	return &PutRecordOutput{EncryptionType: encryptionType(m), SequenceNumber: res.seq, ShardId: res.shard}, nil
}
