package kinesis

// DescribeLimits
//
// Behavior:
//   - Reports the caller's (account, region) shard limit (--shard-limit, default 500), its
//     open shards over all streams that still exist (DELETING ones included, as their
//     shards count until they are gone), its on-demand stream count and on-demand limit.
//
// Differences from AWS:
//   - ChannelCount and ChannelCountLimit are not returned (channels are not implemented).

import (
	"context"

	"github.com/freshet/freshet/internal/auth"
)

type DescribeLimitsInput struct{}

type DescribeLimitsOutput struct {
	OnDemandStreamCount      int `json:"OnDemandStreamCount"`
	OnDemandStreamCountLimit int `json:"OnDemandStreamCountLimit"`
	OpenShardCount           int `json:"OpenShardCount"`
	ShardLimit               int `json:"ShardLimit"`
}

func (s *Service) DescribeLimits(ctx context.Context, in *DescribeLimitsInput) (*DescribeLimitsOutput, error) {
	sc := auth.FromContext(ctx)
	streams, err := s.listStreams(ctx, sc.Account, sc.Region)
	if err != nil {
		return nil, err
	}
	out := &DescribeLimitsOutput{OnDemandStreamCountLimit: s.opts.OnDemandStreamLimit, ShardLimit: s.opts.ShardLimit}
	for _, m := range streams {
		out.OpenShardCount += m.openShards()
		if m.Mode == modeOnDemand {
			out.OnDemandStreamCount++
		}
	}
	return out, nil
}
