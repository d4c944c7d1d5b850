package conformance

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

func TestUpdateStreamRecordDistributionStrategy(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	setCreate(t, e, "od", types.StreamModeOnDemand)
	for _, s := range []types.RecordDistributionStrategy{"AUTO", "USER_PARTITION_KEY", "AUTO"} {
		if _, err := e.Client.UpdateStreamRecordDistributionStrategy(ctx, &kinesis.UpdateStreamRecordDistributionStrategyInput{
			StreamARN: aws.String(setARN("od")), RecordDistributionStrategy: s,
		}); err != nil {
			t.Fatal(err)
		}
		if got := setSummary(t, e, "od").RecordDistributionStrategy; got != s {
			t.Fatalf("RecordDistributionStrategy = %q, want %q", got, s)
		}
	}
	// USER_PARTITION_KEY is allowed on a provisioned stream.
	setCreate(t, e, "prov", types.StreamModeProvisioned)
	if _, err := e.Client.UpdateStreamRecordDistributionStrategy(ctx, &kinesis.UpdateStreamRecordDistributionStrategyInput{
		StreamARN: aws.String(setARN("prov")), RecordDistributionStrategy: "USER_PARTITION_KEY",
	}); err != nil {
		t.Fatal(err)
	}
}

func TestUpdateStreamRecordDistributionStrategyErrors(t *testing.T) {
	clock := newFakeClock()
	e := newEnv(t, envOptions{StateDelay: time.Minute, Now: clock.Now})
	ctx := t.Context()
	setCreate(t, e, "prov", types.StreamModeProvisioned)
	clock.Advance(time.Minute)
	setCreate(t, e, "creating", types.StreamModeOnDemand)
	raw := func(o *kinesis.Options) { noInputValidation(o) }
	update := func(in *kinesis.UpdateStreamRecordDistributionStrategyInput) func() error {
		return func() error { _, err := e.Client.UpdateStreamRecordDistributionStrategy(ctx, in, raw); return err }
	}
	goldenErrors(t, "update_stream_record_distribution_strategy_errors", []errCase{
		{"no members", update(&kinesis.UpdateStreamRecordDistributionStrategyInput{})},
		{"bad strategy and arn", update(&kinesis.UpdateStreamRecordDistributionStrategyInput{StreamARN: aws.String("od"), RecordDistributionStrategy: "RANDOM"})},
		{"missing stream", update(&kinesis.UpdateStreamRecordDistributionStrategyInput{StreamARN: aws.String(setARN("missing")), RecordDistributionStrategy: "AUTO"})},
		{"AUTO on provisioned", update(&kinesis.UpdateStreamRecordDistributionStrategyInput{StreamARN: aws.String(setARN("prov")), RecordDistributionStrategy: "AUTO"})},
		{"creating stream", update(&kinesis.UpdateStreamRecordDistributionStrategyInput{StreamARN: aws.String(setARN("creating")), RecordDistributionStrategy: "AUTO"})},
	})
}
