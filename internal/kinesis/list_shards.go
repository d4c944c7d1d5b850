package kinesis

// ListShards
//
// Behavior:
//   - Not implemented yet.

import "context"

type ListShardsInput struct{}

type ListShardsOutput struct{}

func (s *Service) ListShards(ctx context.Context, in *ListShardsInput) (*ListShardsOutput, error) {
	return nil, errNotImplemented("ListShards")
}
