package kinesis

// UpdateStreamWarmThroughput
//
// Behavior:
//   - Not implemented yet.

import "context"

type UpdateStreamWarmThroughputInput struct{}

type UpdateStreamWarmThroughputOutput struct{}

func (s *Service) UpdateStreamWarmThroughput(ctx context.Context, in *UpdateStreamWarmThroughputInput) (*UpdateStreamWarmThroughputOutput, error) {
	return nil, errNotImplemented("UpdateStreamWarmThroughput")
}
