package kinesis

// PutRecords
//
// Behavior:
//   - Writes 1..500 records to the stream named by StreamName or StreamARN. Each record goes
//     to the open shard whose hash range holds MD5(PartitionKey) (read as an unsigned 128-bit
//     big-endian integer) or its ExplicitHashKey; out of 0..2^128-1 is InvalidArgument.
//   - Records for one shard are written as one engine message, in request order, so their
//     sequence numbers rise in request order; shards are written in parallel. The answer is
//     sent once every write it reports as successful has been acknowledged by the engine.
//   - Per-record failures are a 200 with ErrorCode/ErrorMessage: InternalFailure when the
//     engine write failed, ProvisionedThroughputExceededException (AWS's text) when
//     --enforce-limits is on and the shard is over 1,000 records/s or 1 MiB/s; within one
//     shard the throttled records are the tail of that shard's records in the request.
//   - A shard closed by a concurrent reshard: its records are routed again to the open
//     shards (bounded retries). A stream deleted meanwhile: ResourceNotFoundException.
//   - A record (partition key plus data) above the stream's MaxRecordSizeInKiB, or a request
//     above 10 MiB in total, fails the whole request with InvalidArgumentException.
//   - RecordDistributionStrategy AUTO: partition keys are optional and ignored, as are
//     explicit hash keys; records are spread round-robin over the open shards from a random
//     one. Otherwise a missing PartitionKey is a ValidationException.
//   - CREATING and DELETING streams are not found. DryRun: DryRunOperationException once
//     every check has passed, nothing written.
//
// Differences from AWS:
//   - Validation order follows AWS as recorded by kinesalite (records, then per record
//     partitionKey, explicitHashKey, data, then streamARN, streamName); the text of the
//     record-size error is Freshet's own.
//   - A list of more than 1000 records is shown in the ValidationException by its first
//     1000 entries and ", ..." (AWS prints every entry).
//   - Records to different shards are written in parallel; AWS's per-shard processing order
//     within a request is not reproduced (only per-shard order is promised by AWS).

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/freshet/freshet/internal/awserr"
	"github.com/freshet/freshet/internal/hashkey"
)

type PutRecordsRequestEntry struct {
	Data            []byte  `json:"Data"`
	ExplicitHashKey *string `json:"ExplicitHashKey,omitempty"`
	PartitionKey    *string `json:"PartitionKey,omitempty"`
}

type PutRecordsInput struct {
	DryRun     *bool                    `json:"DryRun,omitempty"`
	Records    []PutRecordsRequestEntry `json:"Records"`
	StreamARN  *string                  `json:"StreamARN,omitempty"`
	StreamId   *string                  `json:"StreamId,omitempty"`
	StreamName *string                  `json:"StreamName,omitempty"`

	over *overLimit // set by DecodeJSONFast for a list longer than maxPutRecords (put_records_json.go)
}

type PutRecordsResultEntry struct {
	ErrorCode      string `json:"ErrorCode,omitempty"`
	ErrorMessage   string `json:"ErrorMessage,omitempty"`
	SequenceNumber string `json:"SequenceNumber,omitempty"`
	ShardId        string `json:"ShardId,omitempty"`
}

type PutRecordsOutput struct {
	EncryptionType    string                  `json:"EncryptionType"`
	FailedRecordCount int                     `json:"FailedRecordCount"`
	Records           []PutRecordsResultEntry `json:"Records"`
}

const (
	maxPutRecords      = 500
	maxPartitionKey    = 256
	maxPutRecordsBytes = 10 << 20
	// maxDataBytes is the model's bound on a Data blob; the stream's own limit is checked later.
	maxDataBytes = maxRecordKiB << 10
	// maxRenderedRecords bounds the records a too-long list's ValidationException lists: a
	// 16 MiB body of millions of empty records must not become a message of hundreds of MiB.
	maxRenderedRecords = 1000
)

func (s *Service) PutRecords(ctx context.Context, in *PutRecordsInput) (*PutRecordsOutput, error) {
	if err := validatePutRecords(in); err != nil {
		return nil, err
	}
	total := 0
	for i := range in.Records {
		e := &in.Records[i]
		total += len(e.Data)
		if e.PartitionKey != nil {
			total += len(*e.PartitionKey)
		}
	}
	if total > maxPutRecordsBytes {
		return nil, awserr.New(awserr.InvalidArgument, "Records size exceeds 10 MB limit")
	}
	r, err := ref(ctx, in.StreamName, in.StreamARN)
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
	entries := make([]putEntry, len(in.Records))
	if m.RecordDistribution != distributionAuto {
		var v awserr.Validator
		for i := range in.Records {
			if in.Records[i].PartitionKey == nil {
				v.Null("records." + strconv.Itoa(i+1) + ".member.partitionKey")
			}
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
	}
	for i := range in.Records {
		e := &in.Records[i]
		if entries[i], err = newEntry(m, e.PartitionKey, e.ExplicitHashKey, e.Data); err != nil {
			return nil, err
		}
	}
	if in.DryRun != nil && *in.DryRun {
		return nil, errDryRun
	}
	results, err := s.putAt(ctx, r, m, rev, entries)
	if err != nil {
		return nil, err
	}
	out := &PutRecordsOutput{EncryptionType: encryptionType(m), Records: make([]PutRecordsResultEntry, len(results))}
	for i, res := range results {
		if res.err != nil {
			out.FailedRecordCount++
			out.Records[i] = PutRecordsResultEntry{ErrorCode: res.err.Code, ErrorMessage: res.err.Message}
			continue
		}
		out.Records[i] = PutRecordsResultEntry{SequenceNumber: res.seq, ShardId: res.shard}
	}
	return out, nil
}

// newEntry prepares one record for stream m: its stored form and its hash key. The caller
// has checked that a partition key is present unless the stream distributes records itself.
func newEntry(m *streamMeta, pk, explicitHashKey *string, data []byte) (putEntry, error) {
	var e putEntry
	if pk != nil {
		e.rec.PartitionKey = *pk
	}
	e.rec.Data = data
	if err := checkRecordSize(m, e.rec.PartitionKey, data); err != nil {
		return e, err
	}
	if m.RecordDistribution == distributionAuto {
		return e, nil
	}
	if explicitHashKey != nil {
		k, err := hashkey.Parse(*explicitHashKey)
		if err != nil {
			return e, awserr.Newf(awserr.InvalidArgument, "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was %s", *explicitHashKey)
		}
		e.key = k
		return e, nil
	}
	e.key = hashkey.FromPartitionKey(e.rec.PartitionKey)
	return e, nil
}

func validatePutRecords(in *PutRecordsInput) error {
	var v awserr.Validator
	n := len(in.Records)
	if in.over != nil {
		n = in.over.count
	}
	rendered := ""
	if in.Records != nil && (n < 1 || n > maxPutRecords) {
		shown := min(n, maxRenderedRecords)
		rendered = strings.TrimSuffix(strings.Repeat("com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@2, ", shown), ", ")
		if n > shown {
			rendered += ", ..."
		}
		rendered = "[" + rendered + "]"
	}
	v.List("records", n, in.Records != nil, true, 1, maxPutRecords, rendered)
	for i := range in.Records {
		if v.Full() {
			break // a list of millions of invalid records: the rest cannot show
		}
		e := &in.Records[i]
		if entryValid(e.PartitionKey, e.ExplicitHashKey, e.Data) {
			continue // the common case: no per-record paths to build
		}
		num := i + 1
		if in.over != nil && i >= maxPutRecords {
			num = in.over.invalid[i-maxPutRecords]
		}
		p := "records." + strconv.Itoa(num) + ".member."
		v.Str(p+"partitionKey", e.PartitionKey, false, 1, maxPartitionKey, nil)
		v.Str(p+"explicitHashKey", e.ExplicitHashKey, false, 0, 0, hashKeyPattern)
		v.Blob(p+"data", e.Data, true, 0, maxDataBytes)
	}
	checkStreamARN(&v, in.StreamARN)
	checkStreamName(&v, in.StreamName)
	return v.Err()
}

// entryValid reports whether a record passes the model's constraints, cheaply.
func entryValid(pk, explicitHashKey *string, data []byte) bool {
	if pk != nil && (len(*pk) == 0 || len(*pk) > maxPartitionKey && utf8.RuneCountInString(*pk) > maxPartitionKey) {
		return false
	}
	if explicitHashKey != nil && !hashKeyPattern.Match(*explicitHashKey) {
		return false
	}
	return data != nil && len(data) <= maxDataBytes
}
