package kinesis

// SplitShard
//
// Behavior:
//   - Closes ShardToSplit and opens two children with new shard ids (the next indexes of the
//     stream): [StartingHashKey, NewStartingHashKey-1] and [NewStartingHashKey,
//     EndingHashKey], both with ParentShardId = the split shard. The parent gets its
//     EndingSequenceNumber (its last record's) and takes no more writes: a write racing the
//     split lands either in the parent before it closes or in a child (see reshard.go).
//   - The stream is UPDATING for --state-delay, then ACTIVE; the children are usable at
//     once. Errors, in AWS's order and words: unknown shard (ResourceNotFound), shard
//     already split or merged (InvalidArgument), account shard limit (LimitExceeded),
//     NewStartingHashKey not strictly inside the shard (InvalidArgument), stream not ACTIVE
//     (ResourceInUse); ON_DEMAND streams answer ValidationException.
//   - Concurrent reshards of one stream: exactly one wins (compare-and-set); a crash midway
//     is completed by the next read of the stream.
//
// Differences from AWS:
//   - The split is complete when the call returns (AWS finishes it while UPDATING).
//   - No 5-per-second rate limit. The ON_DEMAND ValidationException text is Freshet's own.

import (
	"context"

	"github.com/freshet/freshet/internal/awserr"
	"github.com/freshet/freshet/internal/hashkey"
)

type SplitShardInput struct {
	NewStartingHashKey *string `json:"NewStartingHashKey"`
	ShardToSplit       *string `json:"ShardToSplit"`
	StreamARN          *string `json:"StreamARN,omitempty"`
	StreamName         *string `json:"StreamName,omitempty"`
}

type SplitShardOutput struct{}

func (s *Service) SplitShard(ctx context.Context, in *SplitShardInput) (*SplitShardOutput, error) {
	var v awserr.Validator
	v.Str("newStartingHashKey", in.NewStartingHashKey, true, 0, 0, hashKeyPattern)
	v.Str("shardToSplit", in.ShardToSplit, true, 1, 128, namePattern)
	r, err := streamOf(ctx, &v, in.StreamName, in.StreamARN)
	if err != nil {
		return nil, err
	}
	key, keyErr := hashkey.Parse(*in.NewStartingHashKey) // fails only above 2^128-1: past every shard
	open, err := s.accountOpenShards(ctx, r)
	if err != nil {
		return nil, err
	}
	_, err = s.update(ctx, r, func(m *streamMeta) error {
		if err := notOnDemand(m, "SplitShard"); err != nil {
			return err
		}
		sh, err := reshardTarget(m, *in.ShardToSplit)
		if err != nil {
			return err
		}
		if open+1 > s.opts.ShardLimit {
			return s.shardLimitError(r, open, 1)
		}
		rg := sh.hashRange()
		if keyErr != nil || key.Cmp(rg.Start.Add(1)) <= 0 || key.Cmp(rg.End) >= 0 {
			return awserr.Newf(awserr.InvalidArgument, "NewStartingHashKey %s used in SplitShard() on shard %s in stream %s under account %s is not both greater than one plus the shard's StartingHashKey %s and less than the shard's EndingHashKey %s.",
				*in.NewStartingHashKey, shardID(sh.Index), m.Name, m.Account, sh.StartHash, sh.EndHash)
		}
		if err := s.requireActive(m); err != nil {
			return err
		}
		p := newPlanner(m, s.now().UnixMilli())
		p.split(sh.Index, rg, key)
		s.propose(m, p.op)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if _, _, err := s.load(ctx, r); err != nil { // carries the plan out
		return nil, err
	}
	return &SplitShardOutput{}, nil
}
