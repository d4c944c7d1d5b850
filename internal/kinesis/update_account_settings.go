package kinesis

// UpdateAccountSettings
//
// Behavior:
//   - Sets the caller's (account, region) minimum throughput billing commitment, in one
//     compare-and-set of its settings, and answers the result at once (synchronous).
//   - ENABLED starts a commitment (StartedAt now, EarliestAllowedEndAt 24 hours later),
//     cancels a scheduled disable, or leaves a running commitment as it is.
//   - DISABLED ends a commitment whose EarliestAllowedEndAt has passed (EndedAt now), or
//     schedules the end for EarliestAllowedEndAt (Status ENABLED_UNTIL_EARLIEST_ALLOWED_END);
//     on a disabled account it changes nothing.
//
// Differences from AWS:
//   - Nothing is billed; the commitment gates UpdateStreamWarmThroughput only.

import (
	"context"

	"github.com/freshet/freshet/internal/auth"
	"github.com/freshet/freshet/internal/awserr"
)

type MinimumThroughputBillingCommitmentInput struct {
	Status *string `json:"Status"`
}

type UpdateAccountSettingsInput struct {
	MinimumThroughputBillingCommitment *MinimumThroughputBillingCommitmentInput `json:"MinimumThroughputBillingCommitment"`
}

type UpdateAccountSettingsOutput struct {
	MinimumThroughputBillingCommitment *MinimumThroughputBillingCommitmentOutput `json:"MinimumThroughputBillingCommitment"`
}

var commitInputStatuses = []string{commitEnabled, commitDisabled}

func (s *Service) UpdateAccountSettings(ctx context.Context, in *UpdateAccountSettingsInput) (*UpdateAccountSettingsOutput, error) {
	var v awserr.Validator
	if c := in.MinimumThroughputBillingCommitment; c == nil {
		v.Null("minimumThroughputBillingCommitment")
	} else {
		v.Enum("minimumThroughputBillingCommitment.status", c.Status, true, commitInputStatuses)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	want := *in.MinimumThroughputBillingCommitment.Status
	sc := auth.FromContext(ctx)
	now := s.now()
	a, err := s.updateAccount(ctx, sc.Account, sc.Region, func(a *accountMeta) {
		a.resolve(now)
		switch {
		case want == commitEnabled && a.Status == commitDisabled:
			*a = accountMeta{Status: commitEnabled, StartedMs: now.UnixMilli(), EarliestEndMs: now.Add(commitMinimum).UnixMilli()}
		case want == commitEnabled && a.Status == commitEnabledUntil:
			a.Status = commitEnabled
		case want == commitDisabled && a.Status == commitEnabled && now.UnixMilli() >= a.EarliestEndMs:
			a.Status, a.EndedMs = commitDisabled, now.UnixMilli()
		case want == commitDisabled && a.Status == commitEnabled:
			a.Status = commitEnabledUntil
		}
	})
	if err != nil {
		return nil, err
	}
	return &UpdateAccountSettingsOutput{MinimumThroughputBillingCommitment: a.output(now)}, nil
}
