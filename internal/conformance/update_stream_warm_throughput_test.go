package conformance

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// setCommit turns the minimum throughput billing commitment on or off for the default client.
func setCommit(t *testing.T, e *env, status types.MinimumThroughputBillingCommitmentInputStatus) {
	t.Helper()
	if _, err := e.Client.UpdateAccountSettings(t.Context(), &kinesis.UpdateAccountSettingsInput{
		MinimumThroughputBillingCommitment: &types.MinimumThroughputBillingCommitmentInput{Status: status},
	}); err != nil {
		t.Fatal(err)
	}
}

func TestUpdateStreamWarmThroughput(t *testing.T) {
	clock := newFakeClock()
	e := newEnv(t, envOptions{StateDelay: time.Minute, Now: clock.Now})
	ctx := t.Context()
	setCreate(t, e, "warm", types.StreamModeOnDemand)
	clock.Advance(time.Minute)
	setCommit(t, e, "ENABLED")

	out, err := e.Client.UpdateStreamWarmThroughput(ctx, &kinesis.UpdateStreamWarmThroughputInput{StreamName: aws.String("warm"), WarmThroughputMiBps: aws.Int32(100)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.StreamName) != "warm" || aws.ToString(out.StreamARN) != setARN("warm") ||
		aws.ToInt32(out.WarmThroughput.CurrentMiBps) != 0 || aws.ToInt32(out.WarmThroughput.TargetMiBps) != 100 {
		t.Fatalf("output: %+v %+v", out, out.WarmThroughput)
	}
	d := setSummary(t, e, "warm")
	if d.StreamStatus != types.StreamStatusUpdating || d.WarmThroughput == nil || aws.ToInt32(d.WarmThroughput.TargetMiBps) != 100 {
		t.Fatalf("summary: status %s warm %+v", d.StreamStatus, d.WarmThroughput)
	}
	_, err = e.Client.UpdateStreamWarmThroughput(ctx, &kinesis.UpdateStreamWarmThroughputInput{StreamName: aws.String("warm"), WarmThroughputMiBps: aws.Int32(200)})
	wantError(t, err, "ResourceInUseException", "Stream warm under account 000000000000 not ACTIVE, instead in state UPDATING")
	clock.Advance(time.Minute)

	out, err = e.Client.UpdateStreamWarmThroughput(ctx, &kinesis.UpdateStreamWarmThroughputInput{StreamARN: aws.String(setARN("warm")), WarmThroughputMiBps: aws.Int32(10240)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(out.WarmThroughput.CurrentMiBps) != 100 || aws.ToInt32(out.WarmThroughput.TargetMiBps) != 10240 {
		t.Fatalf("second update: %+v", out.WarmThroughput)
	}
	clock.Advance(time.Minute)
	if d := setSummary(t, e, "warm"); d.StreamStatus != types.StreamStatusActive || aws.ToInt32(d.WarmThroughput.CurrentMiBps) != 10240 {
		t.Fatalf("summary after the delay: status %s warm %+v", d.StreamStatus, d.WarmThroughput)
	}
}

func TestUpdateStreamWarmThroughputErrors(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	setCreate(t, e, "od", types.StreamModeOnDemand)
	setCreate(t, e, "prov", types.StreamModeProvisioned)
	raw := func(o *kinesis.Options) { noInputValidation(o) }
	update := func(in *kinesis.UpdateStreamWarmThroughputInput) func() error {
		return func() error { _, err := e.Client.UpdateStreamWarmThroughput(ctx, in, raw); return err }
	}
	cases := []errCase{
		{"no members", update(&kinesis.UpdateStreamWarmThroughputInput{})},
		{"negative", update(&kinesis.UpdateStreamWarmThroughputInput{StreamName: aws.String(""), WarmThroughputMiBps: aws.Int32(-1)})},
		{"no stream", update(&kinesis.UpdateStreamWarmThroughputInput{WarmThroughputMiBps: aws.Int32(1)})},
		{"missing stream", update(&kinesis.UpdateStreamWarmThroughputInput{StreamName: aws.String("missing"), WarmThroughputMiBps: aws.Int32(1)})},
		{"no commitment", update(&kinesis.UpdateStreamWarmThroughputInput{StreamName: aws.String("od"), WarmThroughputMiBps: aws.Int32(1)})},
	}
	goldenErrors(t, "update_stream_warm_throughput_errors_disabled", cases)
	setCommit(t, e, "ENABLED")
	goldenErrors(t, "update_stream_warm_throughput_errors", []errCase{
		{"provisioned", update(&kinesis.UpdateStreamWarmThroughputInput{StreamName: aws.String("prov"), WarmThroughputMiBps: aws.Int32(1)})},
		{"over 10 GiBps", update(&kinesis.UpdateStreamWarmThroughputInput{StreamName: aws.String("od"), WarmThroughputMiBps: aws.Int32(10241)})},
	})
	// A disable scheduled for later keeps the commitment in force until then.
	setCommit(t, e, "DISABLED")
	if _, err := e.Client.UpdateStreamWarmThroughput(ctx, &kinesis.UpdateStreamWarmThroughputInput{StreamName: aws.String("od"), WarmThroughputMiBps: aws.Int32(5)}); err != nil {
		t.Fatalf("with ENABLED_UNTIL_EARLIEST_ALLOWED_END: %v", err)
	}
}
