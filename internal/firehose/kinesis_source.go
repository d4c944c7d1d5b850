package firehose

// KinesisStreamAsSource
//
// Behavior:
//   - A delivery stream of type KinesisStreamAsSource reads its Kinesis stream
//     (KinesisStreamSourceConfiguration.KinesisStreamARN, a Freshet stream of the ARN's
//     account and region) in-process, every shard from TRIM_HORIZON, at each tick of the
//     delivery loop (Options.Tick; AWS polls each shard once a second).
//   - Reshards are followed as the KCL follows them: a child shard is read once its parents
//     have been read to their end (or have expired), so records of a partition key reach the
//     destination in order.
//   - KPL aggregated records are de-aggregated (kpl.go), as AWS does for Kinesis sources.
//   - The position (per shard, the last sequence number delivered, or that the shard is
//     finished) is the delivery loop's Checkpoint, stored after each delivery: a restart
//     delivers again at most what was read after the last stored position (at-least-once).
//   - PutRecord and PutRecordBatch are refused: "This operation is not permitted on
//     KinesisStreamAsSource delivery stream type." (InvalidArgumentException, AWS's text).
//
// Differences from AWS:
//   - AWS starts reading at LATEST when the delivery stream is created; Freshet starts at
//     TRIM_HORIZON, so that records put before the delivery stream existed are delivered too.
//   - RoleARN is not assumed. The Kinesis stream must exist at CreateDeliveryStream
//     (InvalidArgumentException with Freshet's text).

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/freshet/freshet/internal/auth"
	"github.com/freshet/freshet/internal/awserr"
	"github.com/freshet/freshet/internal/awsproto"
	"github.com/freshet/freshet/internal/kinesis"
)

// KinesisStreamSourceDescription is how DescribeDeliveryStream shows the source.
type KinesisStreamSourceDescription struct {
	DeliveryStartTimestamp *awsproto.Time `json:"DeliveryStartTimestamp,omitempty"`
	KinesisStreamARN       *string        `json:"KinesisStreamARN,omitempty"`
	RoleARN                *string        `json:"RoleARN,omitempty"`
}

// KinesisRecordMetadata is where a record read from a Kinesis stream came from.
type KinesisRecordMetadata struct {
	ShardID, PartitionKey, SequenceNumber string
	// SubsequenceNumber is the index of a KPL aggregated record's user record (0 otherwise).
	SubsequenceNumber int
}

// shardDone marks a shard read to its end in a kinesisSource checkpoint.
const shardDone = "done"

// kinesisSource reads a Kinesis stream. Its checkpoint is a JSON object: shard id → the
// sequence number of the last record delivered, or "done".
type kinesisSource struct {
	k                       *kinesis.Service
	account, region, stream string
}

// parseKinesisARN splits arn:<partition>:kinesis:<region>:<account>:stream/<name>.
func parseKinesisARN(arn string) (region, account, name string, ok bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "kinesis" {
		return "", "", "", false
	}
	name, ok = strings.CutPrefix(parts[5], "stream/")
	return parts[3], parts[4], name, ok && name != ""
}

func (s *Service) kinesisSourceOf(m *streamMeta) (Source, error) {
	if s.opts.Kinesis == nil {
		return nil, fmt.Errorf("delivery stream %s: no Kinesis service to read from", m.Name)
	}
	if m.KinesisSource == nil {
		return nil, fmt.Errorf("delivery stream %s: no KinesisStreamSourceConfiguration", m.Name)
	}
	region, account, name, ok := parseKinesisARN(deref0(m.KinesisSource.KinesisStreamARN))
	if !ok {
		return nil, fmt.Errorf("delivery stream %s: bad Kinesis stream ARN %q", m.Name, deref0(m.KinesisSource.KinesisStreamARN))
	}
	return &kinesisSource{k: s.opts.Kinesis, account: account, region: region, stream: name}, nil
}

// checkKinesisSource applies CreateDeliveryStream's rules for a KinesisStreamAsSource
// stream: a configuration, and a Kinesis stream that exists.
func (s *Service) checkKinesisSource(ctx context.Context, c *KinesisStreamSourceConfiguration) error {
	if c == nil {
		return awserr.New(awserr.InvalidArgument, "KinesisStreamSourceConfiguration must be specified for KinesisStreamAsSource delivery stream type.")
	}
	if s.opts.Kinesis == nil {
		return awserr.New(awserr.InvalidArgument, "KinesisStreamAsSource is not supported by this server.")
	}
	arn := deref0(c.KinesisStreamARN)
	region, account, name, ok := parseKinesisARN(arn)
	if !ok {
		return awserr.Newf(awserr.InvalidArgument, "Kinesis stream ARN %s is not valid.", arn)
	}
	kctx := auth.WithScope(ctx, auth.Scope{Account: account, Region: region})
	if _, err := s.opts.Kinesis.DescribeStreamSummary(kctx, &kinesis.DescribeStreamSummaryInput{StreamName: &name}); err != nil {
		if awserr.IsCode(err, awserr.ResourceNotFound) {
			return awserr.Newf(awserr.InvalidArgument, "Kinesis stream %s does not exist.", arn)
		}
		return err
	}
	return nil
}

func (k *kinesisSource) Read(ctx context.Context, cp Checkpoint, maxBytes int) ([]DeliveryRecord, Checkpoint, error) {
	pos := map[string]string{}
	if cp != "" {
		if err := json.Unmarshal([]byte(cp), &pos); err != nil {
			return nil, cp, fmt.Errorf("kinesis checkpoint %q: %w", cp, err)
		}
	}
	kctx := auth.WithScope(ctx, auth.Scope{Account: k.account, Region: k.region})
	var shards []kinesis.Shard
	var token *string
	for {
		in := &kinesis.ListShardsInput{NextToken: token}
		if token == nil {
			in.StreamName = &k.stream
		}
		out, err := k.k.ListShards(kctx, in)
		if err != nil {
			return nil, cp, fmt.Errorf("list shards of %s: %w", k.stream, err)
		}
		shards = append(shards, out.Shards...)
		if out.NextToken == nil {
			break
		}
		token = out.NextToken
	}
	listed := make(map[string]bool, len(shards))
	for _, sh := range shards {
		listed[sh.ShardId] = true
	}
	// finished: a parent shard read to its end, or gone (expired with its records).
	finished := func(id *string) bool { return id == nil || !listed[*id] || pos[*id] == shardDone }
	var out []DeliveryRecord
	size := 0
	for _, sh := range shards {
		if size >= maxBytes {
			break
		}
		at := pos[sh.ShardId]
		if at == shardDone || !finished(sh.ParentShardId) || !finished(sh.AdjacentParentShardId) {
			continue
		}
		in := &kinesis.GetShardIteratorInput{StreamName: &k.stream, ShardId: &sh.ShardId}
		if at == "" {
			t := "TRIM_HORIZON"
			in.ShardIteratorType = &t
		} else {
			t := "AFTER_SEQUENCE_NUMBER"
			in.ShardIteratorType, in.StartingSequenceNumber = &t, &at
		}
		it, err := k.k.GetShardIterator(kctx, in)
		if err != nil {
			return nil, cp, fmt.Errorf("iterator of %s/%s: %w", k.stream, sh.ShardId, err)
		}
		iter := &it.ShardIterator
		for iter != nil && size < maxBytes {
			limit := int64(1000)
			res, err := k.k.GetRecords(kctx, &kinesis.GetRecordsInput{ShardIterator: iter, Limit: &limit})
			if err != nil {
				return nil, cp, fmt.Errorf("read %s/%s: %w", k.stream, sh.ShardId, err)
			}
			for _, r := range res.Records {
				out = append(out, kinesisRecords(sh.ShardId, r)...)
				size += len(r.Data)
				pos[sh.ShardId] = r.SequenceNumber
			}
			iter = res.NextShardIterator
			if iter == nil {
				pos[sh.ShardId] = shardDone // closed and read to its end: its children are next
			}
			if len(res.Records) == 0 && res.MillisBehindLatest == 0 {
				break // caught up (an empty answer behind the end only moved the iterator on)
			}
		}
	}
	if len(out) == 0 {
		return nil, cp, nil
	}
	b, err := json.Marshal(pos)
	if err != nil {
		return nil, cp, err
	}
	return out, Checkpoint(b), nil
}

// kinesisRecords turns a Kinesis record into delivery records: its user records when it is
// a KPL aggregated record, else itself. The ids are the sequence number (and the
// sub-record's index).
func kinesisRecords(shard string, r kinesis.Record) []DeliveryRecord {
	arrival := r.ApproximateArrivalTimestamp.Time.UTC()
	if subs, ok := deaggregateKPL(r.Data); ok {
		out := make([]DeliveryRecord, len(subs))
		for i, s := range subs {
			out[i] = DeliveryRecord{ID: r.SequenceNumber + "." + strconv.Itoa(i), Data: s.Data, Arrival: arrival,
				Kinesis: &KinesisRecordMetadata{ShardID: shard, PartitionKey: s.PartitionKey, SequenceNumber: r.SequenceNumber, SubsequenceNumber: i}}
		}
		return out
	}
	return []DeliveryRecord{{ID: r.SequenceNumber, Data: r.Data, Arrival: arrival,
		Kinesis: &KinesisRecordMetadata{ShardID: shard, PartitionKey: r.PartitionKey, SequenceNumber: r.SequenceNumber}}}
}
