package kinesis

// GetShardIterator
//
// Behavior:
//   - Not implemented yet.

import "context"

type GetShardIteratorInput struct{}

type GetShardIteratorOutput struct{}

func (s *Service) GetShardIterator(ctx context.Context, in *GetShardIteratorInput) (*GetShardIteratorOutput, error) {
	return nil, errNotImplemented("GetShardIterator")
}
