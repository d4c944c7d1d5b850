package kinesis

// DescribeStream
//
// Behavior:
//   - Describes a stream named by StreamName or StreamARN: status, mode, retention, creation
//     time, enhanced monitoring, encryption, ARN, and a page of its shards in shard-id order
//     (open and closed, except closed shards older than the retention period).
//   - Limit 1..10000 (default 100; above 100, 100 are returned); ExclusiveStartShardId
//     starts after that shard id (it need not exist); HasMoreShards says whether more follow.
//   - A DELETING stream lists no shards, as AWS shows it.
//
// Differences from AWS:
//   - None known.

import (
	"context"

	"github.com/freshet/freshet/internal/awserr"
	"github.com/freshet/freshet/internal/awsproto"
)

type DescribeStreamInput struct {
	ExclusiveStartShardId *string `json:"ExclusiveStartShardId,omitempty"`
	Limit                 *int64  `json:"Limit,omitempty"`
	StreamARN             *string `json:"StreamARN,omitempty"`
	StreamName            *string `json:"StreamName,omitempty"`
}

type StreamDescription struct {
	EncryptionType          string            `json:"EncryptionType"`
	EnhancedMonitoring      []EnhancedMetrics `json:"EnhancedMonitoring"`
	HasMoreShards           bool              `json:"HasMoreShards"`
	KeyId                   *string           `json:"KeyId,omitempty"`
	RetentionPeriodHours    int               `json:"RetentionPeriodHours"`
	Shards                  []Shard           `json:"Shards"`
	StreamARN               string            `json:"StreamARN"`
	StreamCreationTimestamp awsproto.Time     `json:"StreamCreationTimestamp"`
	StreamModeDetails       StreamModeDetails `json:"StreamModeDetails"`
	StreamName              string            `json:"StreamName"`
	StreamStatus            string            `json:"StreamStatus"`
}

type DescribeStreamOutput struct {
	StreamDescription StreamDescription `json:"StreamDescription"`
}

const (
	defaultDescribeShards = 100
	maxDescribeShards     = 100
)

func (s *Service) DescribeStream(ctx context.Context, in *DescribeStreamInput) (*DescribeStreamOutput, error) {
	var v awserr.Validator
	// AWS checks Limit before ExclusiveStartShardId (kinesalite's tests, run against AWS).
	v.Int("limit", in.Limit, false, 1, 10000)
	v.Str("exclusiveStartShardId", in.ExclusiveStartShardId, false, 1, 128, namePattern)
	r, err := streamOf(ctx, &v, in.StreamName, in.StreamARN)
	if err != nil {
		return nil, err
	}
	m, _, err := s.load(ctx, r)
	if err != nil {
		return nil, err
	}
	now := s.now()
	mode := m.Mode
	out := StreamDescription{
		EncryptionType:          m.EncryptionType,
		EnhancedMonitoring:      []EnhancedMetrics{{ShardLevelMetrics: nonNil(m.ShardLevelMetrics)}},
		RetentionPeriodHours:    m.RetentionHours,
		Shards:                  []Shard{},
		StreamARN:               m.arn(),
		StreamCreationTimestamp: awsproto.NewTime(timeMs(m.CreatedMs)),
		StreamModeDetails:       StreamModeDetails{StreamMode: &mode},
		StreamName:              m.Name,
		StreamStatus:            m.status(now),
	}
	if m.KeyID != "" {
		out.KeyId = &m.KeyID
	}
	if out.StreamStatus == statusDeleting {
		return &DescribeStreamOutput{StreamDescription: out}, nil
	}
	limit := defaultDescribeShards
	if in.Limit != nil {
		limit = min(int(*in.Limit), maxDescribeShards)
	}
	after := ""
	if in.ExclusiveStartShardId != nil {
		after = *in.ExclusiveStartShardId
	}
	horizon := s.trimHorizon(m, now)
	for _, sh := range m.sortedShards() {
		if sh.expired(horizon) || (after != "" && shardID(sh.Index) <= after) {
			continue
		}
		if len(out.Shards) == limit {
			out.HasMoreShards = true
			break
		}
		out.Shards = append(out.Shards, sh.wire())
	}
	return &DescribeStreamOutput{StreamDescription: out}, nil
}
