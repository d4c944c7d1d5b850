package conformance

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

func TestAccountSettings(t *testing.T) {
	clock := newFakeClock()
	e := newEnv(t, envOptions{Now: clock.Now})
	ctx := t.Context()
	describe := func(c *kinesis.Client) *types.MinimumThroughputBillingCommitmentOutput {
		t.Helper()
		out, err := c.DescribeAccountSettings(ctx, &kinesis.DescribeAccountSettingsInput{})
		if err != nil {
			t.Fatal(err)
		}
		return out.MinimumThroughputBillingCommitment
	}
	update := func(status types.MinimumThroughputBillingCommitmentInputStatus) *types.MinimumThroughputBillingCommitmentOutput {
		t.Helper()
		out, err := e.Client.UpdateAccountSettings(ctx, &kinesis.UpdateAccountSettingsInput{
			MinimumThroughputBillingCommitment: &types.MinimumThroughputBillingCommitmentInput{Status: status},
		})
		if err != nil {
			t.Fatal(err)
		}
		return out.MinimumThroughputBillingCommitment
	}
	at := func(ts *time.Time) string {
		if ts == nil {
			return "-"
		}
		return ts.UTC().Format(time.RFC3339Nano)
	}
	same := func(step string, c *types.MinimumThroughputBillingCommitmentOutput, status types.MinimumThroughputBillingCommitmentOutputStatus, started, earliest, ended *time.Time) {
		t.Helper()
		if c.Status != status || at(c.StartedAt) != at(started) || at(c.EarliestAllowedEndAt) != at(earliest) || at(c.EndedAt) != at(ended) {
			t.Fatalf("%s: got %s started %s earliest %s ended %s; want %s started %s earliest %s ended %s", step,
				c.Status, at(c.StartedAt), at(c.EarliestAllowedEndAt), at(c.EndedAt), status, at(started), at(earliest), at(ended))
		}
	}

	same("initial", describe(e.Client), types.MinimumThroughputBillingCommitmentOutputStatusDisabled, nil, nil, nil)
	t0 := clock.Now()
	t24 := t0.Add(24 * time.Hour)
	same("enable", update("ENABLED"), "ENABLED", &t0, &t24, nil)
	same("describe", describe(e.Client), "ENABLED", &t0, &t24, nil)
	// Other accounts and regions are separate namespaces.
	same("other account", describe(e.client("111122223333", "us-east-1")), "DISABLED", nil, nil, nil)
	same("other region", describe(e.client("AKIDEXAMPLE", "eu-west-1")), "DISABLED", nil, nil, nil)

	clock.Advance(time.Hour)
	same("enable again", update("ENABLED"), "ENABLED", &t0, &t24, nil)
	same("early disable", update("DISABLED"), "ENABLED_UNTIL_EARLIEST_ALLOWED_END", &t0, &t24, nil)
	same("re-enable cancels", update("ENABLED"), "ENABLED", &t0, &t24, nil)
	same("early disable again", update("DISABLED"), "ENABLED_UNTIL_EARLIEST_ALLOWED_END", &t0, &t24, nil)
	clock.Advance(24 * time.Hour)
	same("scheduled end", describe(e.Client), "DISABLED", &t0, &t24, &t24)

	t1 := clock.Now()
	t1e := t1.Add(24 * time.Hour)
	same("new commitment", update("ENABLED"), "ENABLED", &t1, &t1e, nil)
	clock.Advance(25 * time.Hour)
	t2 := clock.Now()
	same("disable after minimum", update("DISABLED"), "DISABLED", &t1, &t1e, &t2)
	same("disable disabled", update("DISABLED"), "DISABLED", &t1, &t1e, &t2)
}

func TestAccountSettingsErrors(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	raw := func(o *kinesis.Options) { noInputValidation(o) }
	update := func(in *kinesis.UpdateAccountSettingsInput) func() error {
		return func() error { _, err := e.Client.UpdateAccountSettings(ctx, in, raw); return err }
	}
	goldenErrors(t, "account_settings_errors", []errCase{
		{"no commitment", update(&kinesis.UpdateAccountSettingsInput{})},
		{"no status", update(&kinesis.UpdateAccountSettingsInput{MinimumThroughputBillingCommitment: &types.MinimumThroughputBillingCommitmentInput{}})},
		{"bad status", update(&kinesis.UpdateAccountSettingsInput{MinimumThroughputBillingCommitment: &types.MinimumThroughputBillingCommitmentInput{Status: "ENABLED_UNTIL_EARLIEST_ALLOWED_END"}})},
	})
}
