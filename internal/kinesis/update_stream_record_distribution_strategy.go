package kinesis

// UpdateStreamRecordDistributionStrategy
//
// Behavior:
//   - Sets the RecordDistributionStrategy (AUTO | USER_PARTITION_KEY) of an ACTIVE stream
//     named by StreamARN; takes effect at once (PutRecord/PutRecords pick shards themselves
//     under AUTO). DescribeStreamSummary reports it.
//   - AUTO on a PROVISIONED stream: InvalidArgumentException, CreateStream's text. Not
//     ACTIVE: ResourceInUseException.
//
// Differences from AWS:
//   - None known.

import (
	"context"

	"github.com/freshet/freshet/internal/awserr"
)

type UpdateStreamRecordDistributionStrategyInput struct {
	RecordDistributionStrategy *string `json:"RecordDistributionStrategy"`
	StreamARN                  *string `json:"StreamARN"`
}

type UpdateStreamRecordDistributionStrategyOutput struct{}

func (s *Service) UpdateStreamRecordDistributionStrategy(ctx context.Context, in *UpdateStreamRecordDistributionStrategyInput) (*UpdateStreamRecordDistributionStrategyOutput, error) {
	var v awserr.Validator
	v.Enum("recordDistributionStrategy", in.RecordDistributionStrategy, true, recordDistributionStrategies)
	v.Str("streamARN", in.StreamARN, true, 1, 2048, streamARNPat)
	if err := v.Err(); err != nil {
		return nil, err
	}
	r, err := ref(ctx, nil, in.StreamARN)
	if err != nil {
		return nil, err
	}
	strategy := *in.RecordDistributionStrategy
	_, err = s.update(ctx, r, func(m *streamMeta) error {
		if err := s.requireActive(m); err != nil {
			return err
		}
		if strategy == "AUTO" && m.Mode != modeOnDemand {
			return awserr.New(awserr.InvalidArgument, "RecordDistributionStrategy AUTO is only supported for ON_DEMAND streams.")
		}
		m.RecordDistribution = strategy
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &UpdateStreamRecordDistributionStrategyOutput{}, nil
}
