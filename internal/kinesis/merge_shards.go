package kinesis

// MergeShards
//
// Behavior:
//   - Closes ShardToMerge and AdjacentShardToMerge, which must be open and adjacent in hash
//     range (in either order), and opens one child over their union with ParentShardId =
//     ShardToMerge and AdjacentParentShardId = AdjacentShardToMerge. Both parents get their
//     EndingSequenceNumber and take no more writes (see reshard.go for the race-free close).
//   - The stream is UPDATING for --state-delay, then ACTIVE. Errors, in AWS's words: unknown
//     shard (ResourceNotFound), shard already split or merged (InvalidArgument), shards not
//     adjacent (InvalidArgument), stream not ACTIVE (ResourceInUse); ON_DEMAND streams
//     answer ValidationException.
//
// Differences from AWS:
//   - The merge is complete when the call returns (AWS finishes it while UPDATING).
//   - No 5-per-second rate limit. The ON_DEMAND ValidationException text is Freshet's own.

import (
	"context"

	"github.com/freshet/freshet/internal/awserr"
	"github.com/freshet/freshet/internal/hashkey"
)

type MergeShardsInput struct {
	AdjacentShardToMerge *string `json:"AdjacentShardToMerge"`
	ShardToMerge         *string `json:"ShardToMerge"`
	StreamARN            *string `json:"StreamARN,omitempty"`
	StreamName           *string `json:"StreamName,omitempty"`
}

type MergeShardsOutput struct{}

func (s *Service) MergeShards(ctx context.Context, in *MergeShardsInput) (*MergeShardsOutput, error) {
	var v awserr.Validator
	v.Str("adjacentShardToMerge", in.AdjacentShardToMerge, true, 1, 128, namePattern)
	v.Str("shardToMerge", in.ShardToMerge, true, 1, 128, namePattern)
	r, err := streamOf(ctx, &v, in.StreamName, in.StreamARN)
	if err != nil {
		return nil, err
	}
	_, err = s.update(ctx, r, func(m *streamMeta) error {
		if err := notOnDemand(m, "MergeShards"); err != nil {
			return err
		}
		a, err := reshardTarget(m, *in.ShardToMerge)
		if err != nil {
			return err
		}
		b, err := reshardTarget(m, *in.AdjacentShardToMerge)
		if err != nil {
			return err
		}
		ra, rb := a.hashRange(), b.hashRange()
		lo, hi := ra, rb
		if rb.Start.Cmp(ra.Start) < 0 {
			lo, hi = rb, ra
		}
		if a.Index == b.Index || lo.End.Add(1).Cmp(hi.Start) != 0 {
			return awserr.Newf(awserr.InvalidArgument, "Shards %s and %s in stream %s under account %s are not an adjacent pair of shards eligible for merging",
				shardID(a.Index), shardID(b.Index), m.Name, m.Account)
		}
		if err := s.requireActive(m); err != nil {
			return err
		}
		p := newPlanner(m, s.now().UnixMilli())
		p.merge(a.Index, b.Index, hashkey.Range{Start: lo.Start, End: hi.End})
		s.propose(m, p.op)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if _, _, err := s.load(ctx, r); err != nil { // carries the plan out
		return nil, err
	}
	return &MergeShardsOutput{}, nil
}
