package kinesis

// UpdateStreamRecordDistributionStrategy
//
// Behavior:
//   - Not implemented yet.

import "context"

type UpdateStreamRecordDistributionStrategyInput struct{}

type UpdateStreamRecordDistributionStrategyOutput struct{}

func (s *Service) UpdateStreamRecordDistributionStrategy(ctx context.Context, in *UpdateStreamRecordDistributionStrategyInput) (*UpdateStreamRecordDistributionStrategyOutput, error) {
	return nil, errNotImplemented("UpdateStreamRecordDistributionStrategy")
}
