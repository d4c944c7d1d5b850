package kinesis

// DecreaseStreamRetentionPeriod
//
// Behavior:
//   - Not implemented yet.

import "context"

type DecreaseStreamRetentionPeriodInput struct{}

type DecreaseStreamRetentionPeriodOutput struct{}

func (s *Service) DecreaseStreamRetentionPeriod(ctx context.Context, in *DecreaseStreamRetentionPeriodInput) (*DecreaseStreamRetentionPeriodOutput, error) {
	return nil, errNotImplemented("DecreaseStreamRetentionPeriod")
}
