package kinesis

// CreateStream
//
// Behavior:
//   - Creates a PROVISIONED stream of ShardCount shards (4 when ShardCount is absent) or an
//     ON_DEMAND stream of 4 shards; hash ranges split 0..2^128-1 evenly as AWS does.
//   - The stream is CREATING for --state-delay, then ACTIVE (ACTIVE at once with no delay).
//   - One engine log per shard is created before the metadata, so a stream that can be seen
//     can be written; concurrent creates of one name: exactly one wins, the others get
//     ResourceInUseException.
//   - Enforces the account shard limit (LimitExceededException, AWS's text) and the on-demand
//     stream limit; at most 50 tags.
//
// Differences from AWS:
//   - WarmThroughputMiBps (ON_DEMAND only) is recorded, not provisioned; its refusal on a
//     PROVISIONED stream is Freshet's text. No per-account CREATING-stream limit.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/freshet/freshet/internal/auth"
	"github.com/freshet/freshet/internal/awserr"
	"github.com/freshet/freshet/internal/hashkey"
	"github.com/freshet/freshet/internal/store"
)

type StreamModeDetails struct {
	StreamMode *string `json:"StreamMode"`
}

type CreateStreamInput struct {
	MaxRecordSizeInKiB         *int64             `json:"MaxRecordSizeInKiB,omitempty"`
	RecordDistributionStrategy *string            `json:"RecordDistributionStrategy,omitempty"`
	ShardCount                 *int64             `json:"ShardCount,omitempty"`
	StreamModeDetails          *StreamModeDetails `json:"StreamModeDetails,omitempty"`
	StreamName                 *string            `json:"StreamName"`
	Tags                       map[string]string  `json:"Tags,omitempty"`
	WarmThroughputMiBps        *int64             `json:"WarmThroughputMiBps,omitempty"`
}

type CreateStreamOutput struct{}

const (
	defaultShardCount = 4
	onDemandShards    = 4
	maxTags           = 50
	defaultRecordKiB  = 1024
	maxRecordKiB      = 10240
)

var recordDistributionStrategies = []string{"AUTO", "USER_PARTITION_KEY"}

func (s *Service) CreateStream(ctx context.Context, in *CreateStreamInput) (*CreateStreamOutput, error) {
	var v awserr.Validator
	v.Int("maxRecordSizeInKiB", in.MaxRecordSizeInKiB, false, defaultRecordKiB, maxRecordKiB)
	v.Enum("recordDistributionStrategy", in.RecordDistributionStrategy, false, recordDistributionStrategies)
	v.Int("shardCount", in.ShardCount, false, 1, awserr.NoMax)
	if in.StreamModeDetails != nil {
		v.Enum("streamModeDetails.streamMode", in.StreamModeDetails.StreamMode, true, streamModes)
	}
	v.Str("streamName", in.StreamName, true, 1, 128, namePattern)
	checkTags(&v, "tags", in.Tags, in.Tags != nil)
	v.Int("warmThroughputMiBps", in.WarmThroughputMiBps, false, 0, awserr.NoMax)
	if err := v.Err(); err != nil {
		return nil, err
	}
	sc := auth.FromContext(ctx)
	r := streamRef{Account: sc.Account, Region: sc.Region, Name: *in.StreamName}

	mode := modeProvisioned
	if in.StreamModeDetails != nil {
		mode = *in.StreamModeDetails.StreamMode
	}
	n := defaultShardCount
	if mode == modeOnDemand {
		n = onDemandShards
	} else if in.ShardCount != nil {
		n = int(*in.ShardCount)
	}
	if len(in.Tags) > maxTags {
		return nil, awserr.Newf(awserr.InvalidArgument, "Failed to create stream %s under account %s because a stream can't have more than %d tags.", r.Name, r.Account, maxTags)
	}
	if err := checkTagChars(in.Tags); err != nil {
		return nil, err
	}
	if in.WarmThroughputMiBps != nil && mode != modeOnDemand {
		return nil, awserr.New(awserr.InvalidArgument, "WarmThroughputMiBps can only be specified for ON_DEMAND streams.")
	}
	if in.RecordDistributionStrategy != nil && *in.RecordDistributionStrategy == "AUTO" && mode != modeOnDemand {
		return nil, awserr.New(awserr.InvalidArgument, "RecordDistributionStrategy AUTO is only supported for ON_DEMAND streams.")
	}

	existing, err := s.listStreams(ctx, r.Account, r.Region)
	if err != nil {
		return nil, err
	}
	open, onDemand := 0, 0
	for _, m := range existing {
		if m.Name == r.Name {
			return nil, r.inUse()
		}
		open += m.openShards()
		if m.Mode == modeOnDemand {
			onDemand++
		}
	}
	if n > s.opts.ShardLimit-open { // not open+n: a huge ShardCount would wrap around
		return nil, s.shardLimitError(r, open, n)
	}
	if mode == modeOnDemand && onDemand >= s.opts.OnDemandStreamLimit {
		return nil, awserr.Newf(awserr.LimitExceeded, "This request would exceed the on-demand stream count limit for the account %s in %s. Current on-demand stream count for the account: %d. Limit: %d.", r.Account, r.Region, onDemand, s.opts.OnDemandStreamLimit)
	}

	now := s.now()
	m := &streamMeta{
		ID:               newID(),
		Name:             r.Name,
		Account:          r.Account,
		Region:           r.Region,
		Status:           statusActive,
		Mode:             mode,
		CreatedMs:        now.UnixMilli(),
		RetentionHours:   defaultRetention,
		Tags:             in.Tags,
		EncryptionType:   "NONE",
		MaxRecordSizeKiB: defaultRecordKiB,
	}
	if s.opts.StateDelay > 0 {
		m.Status, m.StatusUntil = statusCreating, now.Add(s.opts.StateDelay).UnixMilli()
	}
	if in.MaxRecordSizeInKiB != nil {
		m.MaxRecordSizeKiB = int(*in.MaxRecordSizeInKiB)
	}
	if in.WarmThroughputMiBps != nil {
		w := int(*in.WarmThroughputMiBps)
		m.WarmThroughputMiBps = &w
	}
	if in.RecordDistributionStrategy != nil {
		m.RecordDistribution = *in.RecordDistributionStrategy
	}
	for i, rg := range hashkey.Full.Split(n) {
		m.Shards = append(m.Shards, shardMeta{
			Index: i, StartHash: rg.Start.String(), EndHash: rg.End.String(),
			Parent: -1, Adjacent: -1, CreatedMs: m.CreatedMs,
		})
	}
	m.NextShardIndex = n

	if err := s.createLogs(ctx, m, m.Shards); err != nil {
		return nil, err
	}
	b, err := marshalMeta(m)
	if err != nil {
		return nil, err
	}
	if _, err := s.store.MetaCreate(ctx, r.key(), b); err != nil {
		s.deleteLogs(ctx, m, m.Shards)
		if errors.Is(err, store.ErrExists) {
			return nil, r.inUse()
		}
		return nil, err
	}
	return &CreateStreamOutput{}, nil
}

func (r streamRef) inUse() error {
	return awserr.Newf(awserr.ResourceInUse, "Stream %s under account %s already exists.", r.Name, r.Account)
}

func (s *Service) shardLimitError(r streamRef, current, more int) error {
	return awserr.Newf(awserr.LimitExceeded, "This request would exceed the shard limit for the account %s in %s. Current shard count for the account: %d. Limit: %d. Number of additional shards that would have resulted from this request: %d. Refer to the AWS Service Limits page (https://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits.", r.Account, r.Region, current, s.opts.ShardLimit, more)
}

func (m *streamMeta) openShards() int {
	n := 0
	for _, sh := range m.Shards {
		if sh.ClosedMs == 0 {
			n++
		}
	}
	return n
}

// retention is how long a stream keeps records.
func (s *Service) retention(m *streamMeta) time.Duration {
	return time.Duration(m.RetentionHours) * s.opts.RetentionHour
}

// createLogs creates the engine logs of the given shards.
func (s *Service) createLogs(ctx context.Context, m *streamMeta, shards []shardMeta) error {
	for _, sh := range shards {
		if err := s.store.CreateLog(ctx, m.logName(sh.Index), s.retention(m)); err != nil {
			s.deleteLogs(ctx, m, shards)
			return fmt.Errorf("stream %s: %w", m.Name, err)
		}
	}
	return nil
}

func (s *Service) deleteLogs(ctx context.Context, m *streamMeta, shards []shardMeta) {
	for _, sh := range shards {
		if err := s.store.DeleteLog(ctx, m.logName(sh.Index)); err != nil {
			s.log.Warn("delete shard log", "stream", m.Name, "shard", shardID(sh.Index), "err", err)
		}
	}
}
