package kinesis

// IncreaseStreamRetentionPeriod
//
// Behavior:
//   - Not implemented yet.

import "context"

type IncreaseStreamRetentionPeriodInput struct{}

type IncreaseStreamRetentionPeriodOutput struct{}

func (s *Service) IncreaseStreamRetentionPeriod(ctx context.Context, in *IncreaseStreamRetentionPeriodInput) (*IncreaseStreamRetentionPeriodOutput, error) {
	return nil, errNotImplemented("IncreaseStreamRetentionPeriod")
}
