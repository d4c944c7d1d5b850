package kinesis

// DescribeAccountSettings
//
// Behavior:
//   - Reports the caller's (account, region) minimum throughput billing commitment: Status
//     DISABLED until UpdateAccountSettings enables it; StartedAt, EarliestAllowedEndAt and
//     EndedAt as they were set. A disable scheduled for EarliestAllowedEndAt reads as
//     ENABLED_UNTIL_EARLIEST_ALLOWED_END until then and DISABLED after.
//
// Differences from AWS:
//   - Settings are per (account, region), as every Freshet namespace is; nothing is billed.

import (
	"context"

	"github.com/freshet/freshet/internal/auth"
)

type DescribeAccountSettingsInput struct{}

type DescribeAccountSettingsOutput struct {
	MinimumThroughputBillingCommitment *MinimumThroughputBillingCommitmentOutput `json:"MinimumThroughputBillingCommitment"`
}

func (s *Service) DescribeAccountSettings(ctx context.Context, in *DescribeAccountSettingsInput) (*DescribeAccountSettingsOutput, error) {
	sc := auth.FromContext(ctx)
	a, _, err := s.loadAccount(ctx, sc.Account, sc.Region)
	if err != nil {
		return nil, err
	}
	return &DescribeAccountSettingsOutput{MinimumThroughputBillingCommitment: a.output(s.now())}, nil
}
