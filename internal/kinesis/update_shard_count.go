package kinesis

// UpdateShardCount
//
// Behavior:
//   - Not implemented yet.

import "context"

type UpdateShardCountInput struct{}

type UpdateShardCountOutput struct{}

func (s *Service) UpdateShardCount(ctx context.Context, in *UpdateShardCountInput) (*UpdateShardCountOutput, error) {
	return nil, errNotImplemented("UpdateShardCount")
}
