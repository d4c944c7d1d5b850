package kinesis

// DescribeStreamSummary
//
// Behavior:
//   - Summarizes a stream named by StreamName or StreamARN: status, mode, retention, open
//     shard count, consumer count, encryption, enhanced monitoring, record size limit, warm
//     throughput and record distribution strategy.
//
// Differences from AWS:
//   - ChannelCount is always 0 (channels are not implemented).
//   - ConsumerCount counts registered consumers in any status until their deregistration
//     has completed (AWS does not document whether CREATING and DELETING ones count).

import (
	"context"

	"github.com/freshet/freshet/internal/awserr"
	"github.com/freshet/freshet/internal/awsproto"
)

type DescribeStreamSummaryInput struct {
	StreamARN  *string `json:"StreamARN,omitempty"`
	StreamName *string `json:"StreamName,omitempty"`
}

type EnhancedMetrics struct {
	ShardLevelMetrics []string `json:"ShardLevelMetrics"`
}

type WarmThroughput struct {
	CurrentMiBps *int `json:"CurrentMiBps,omitempty"`
	TargetMiBps  *int `json:"TargetMiBps,omitempty"`
}

type StreamDescriptionSummary struct {
	ChannelCount               int               `json:"ChannelCount"`
	ConsumerCount              int               `json:"ConsumerCount"`
	EncryptionType             string            `json:"EncryptionType"`
	EnhancedMonitoring         []EnhancedMetrics `json:"EnhancedMonitoring"`
	KeyId                      *string           `json:"KeyId,omitempty"`
	MaxRecordSizeInKiB         int               `json:"MaxRecordSizeInKiB"`
	OpenShardCount             int               `json:"OpenShardCount"`
	RecordDistributionStrategy string            `json:"RecordDistributionStrategy,omitempty"`
	RetentionPeriodHours       int               `json:"RetentionPeriodHours"`
	StreamARN                  string            `json:"StreamARN"`
	StreamCreationTimestamp    awsproto.Time     `json:"StreamCreationTimestamp"`
	StreamId                   string            `json:"StreamId"`
	StreamModeDetails          StreamModeDetails `json:"StreamModeDetails"`
	StreamName                 string            `json:"StreamName"`
	StreamStatus               string            `json:"StreamStatus"`
	WarmThroughput             *WarmThroughput   `json:"WarmThroughput,omitempty"`
}

type DescribeStreamSummaryOutput struct {
	StreamDescriptionSummary StreamDescriptionSummary `json:"StreamDescriptionSummary"`
}

func (s *Service) DescribeStreamSummary(ctx context.Context, in *DescribeStreamSummaryInput) (*DescribeStreamSummaryOutput, error) {
	var v awserr.Validator
	r, err := streamOf(ctx, &v, in.StreamName, in.StreamARN)
	if err != nil {
		return nil, err
	}
	m, _, err := s.load(ctx, r)
	if err != nil {
		return nil, err
	}
	mode := m.Mode
	now := s.now()
	consumers := 0
	for i := range m.Consumers {
		if m.Consumers[i].status(now) != "" {
			consumers++
		}
	}
	out := StreamDescriptionSummary{
		ConsumerCount:              consumers,
		EncryptionType:             m.EncryptionType,
		EnhancedMonitoring:         []EnhancedMetrics{{ShardLevelMetrics: nonNil(m.ShardLevelMetrics)}},
		MaxRecordSizeInKiB:         m.MaxRecordSizeKiB,
		OpenShardCount:             m.openShards(),
		RecordDistributionStrategy: m.RecordDistribution,
		RetentionPeriodHours:       m.RetentionHours,
		StreamARN:                  m.arn(),
		StreamCreationTimestamp:    awsproto.NewTime(timeMs(m.CreatedMs)),
		StreamId:                   m.ID,
		StreamModeDetails:          StreamModeDetails{StreamMode: &mode},
		StreamName:                 m.Name,
		StreamStatus:               m.status(now),
	}
	if m.KeyID != "" {
		out.KeyId = &m.KeyID
	}
	if m.WarmThroughputMiBps != nil {
		out.WarmThroughput = &WarmThroughput{CurrentMiBps: m.WarmThroughputMiBps, TargetMiBps: m.WarmThroughputMiBps}
	}
	return &DescribeStreamSummaryOutput{StreamDescriptionSummary: out}, nil
}
