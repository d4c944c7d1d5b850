package kinesis

// SplitShard
//
// Behavior:
//   - Not implemented yet.

import "context"

type SplitShardInput struct{}

type SplitShardOutput struct{}

func (s *Service) SplitShard(ctx context.Context, in *SplitShardInput) (*SplitShardOutput, error) {
	return nil, errNotImplemented("SplitShard")
}
