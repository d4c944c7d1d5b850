package kinesis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/freshet/freshet/internal/awsproto"
	"github.com/freshet/freshet/internal/store"
)

// Minimum throughput billing commitment statuses.
const (
	commitEnabled      = "ENABLED"
	commitDisabled     = "DISABLED"
	commitEnabledUntil = "ENABLED_UNTIL_EARLIEST_ALLOWED_END"
	// commitMinimum is how long a commitment must last before it can end.
	commitMinimum = 24 * time.Hour
)

// accountMeta is an (account, region)'s settings: one value in the metadata bucket,
// updated with compare-and-set.
type accountMeta struct {
	// Status is ENABLED, DISABLED or ENABLED_UNTIL_EARLIEST_ALLOWED_END as last written;
	// the last reads as DISABLED once EarliestEndMs has passed (see commitment).
	Status        string `json:"status"`
	StartedMs     int64  `json:"startedAt,omitempty"`
	EndedMs       int64  `json:"endedAt,omitempty"`
	EarliestEndMs int64  `json:"earliestEndAt,omitempty"`
}

func accountKey(account, region string) string {
	return "kinesis.account." + account + "." + region
}

// resolve applies a scheduled end of the commitment that has come by now.
func (a *accountMeta) resolve(now time.Time) {
	if a.Status == "" {
		a.Status = commitDisabled
	}
	if a.Status == commitEnabledUntil && now.UnixMilli() >= a.EarliestEndMs {
		a.Status, a.EndedMs = commitDisabled, a.EarliestEndMs
	}
}

// enabled reports whether the commitment is in force at now.
func (a *accountMeta) enabled(now time.Time) bool {
	a.resolve(now)
	return a.Status != commitDisabled
}

// MinimumThroughputBillingCommitmentOutput is the commitment as AWS reports it.
type MinimumThroughputBillingCommitmentOutput struct {
	EarliestAllowedEndAt *awsproto.Time `json:"EarliestAllowedEndAt,omitempty"`
	EndedAt              *awsproto.Time `json:"EndedAt,omitempty"`
	StartedAt            *awsproto.Time `json:"StartedAt,omitempty"`
	Status               string         `json:"Status"`
}

func (a *accountMeta) output(now time.Time) *MinimumThroughputBillingCommitmentOutput {
	a.resolve(now)
	at := func(ms int64) *awsproto.Time {
		if ms == 0 {
			return nil
		}
		t := awsproto.NewTime(timeMs(ms))
		return &t
	}
	return &MinimumThroughputBillingCommitmentOutput{
		EarliestAllowedEndAt: at(a.EarliestEndMs),
		EndedAt:              at(a.EndedMs),
		StartedAt:            at(a.StartedMs),
		Status:               a.Status,
	}
}

// loadAccount reads an (account, region)'s settings and revision (0: never written).
func (s *Service) loadAccount(ctx context.Context, account, region string) (*accountMeta, uint64, error) {
	key := accountKey(account, region)
	b, rev, err := s.store.MetaGet(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return &accountMeta{Status: commitDisabled}, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	a := new(accountMeta)
	if err := json.Unmarshal(b, a); err != nil {
		return nil, 0, fmt.Errorf("decode account settings %s: %w", key, err)
	}
	return a, rev, nil
}

// updateAccount applies fn to an (account, region)'s settings with compare-and-set,
// retrying on a concurrent change.
func (s *Service) updateAccount(ctx context.Context, account, region string, fn func(a *accountMeta)) (*accountMeta, error) {
	return store.MetaModify(ctx, s.store, accountKey(account, region),
		func() (*accountMeta, uint64, error) { return s.loadAccount(ctx, account, region) },
		func(a *accountMeta) error { fn(a); return nil })
}
