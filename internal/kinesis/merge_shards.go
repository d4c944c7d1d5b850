package kinesis

// MergeShards
//
// Behavior:
//   - Not implemented yet.

import "context"

type MergeShardsInput struct{}

type MergeShardsOutput struct{}

func (s *Service) MergeShards(ctx context.Context, in *MergeShardsInput) (*MergeShardsOutput, error) {
	return nil, errNotImplemented("MergeShards")
}
