package conformance

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

func TestUpdateStreamMode(t *testing.T) {
	clk := newFakeClock()
	e := newEnv(t, envOptions{StateDelay: time.Minute, Now: clk.Now})
	ctx := t.Context()
	if _, err := e.Client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("s"), ShardCount: aws.Int32(3)}); err != nil {
		t.Fatal(err)
	}
	set := func(mode types.StreamMode) error {
		_, err := e.Client.UpdateStreamMode(ctx, &kinesis.UpdateStreamModeInput{StreamARN: aws.String(ctlARN("s")), StreamModeDetails: &types.StreamModeDetails{StreamMode: mode}})
		return err
	}
	wantError(t, set(types.StreamModeOnDemand), "ResourceInUseException", "Stream s under account 000000000000 not ACTIVE, instead in state CREATING")
	clk.Advance(time.Minute)
	if err := set(types.StreamModeOnDemand); err != nil {
		t.Fatal(err)
	}
	summary := func() (string, types.StreamMode, int32) {
		out, err := e.Client.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamARN: aws.String(ctlARN("s"))})
		if err != nil {
			t.Fatal(err)
		}
		d := out.StreamDescriptionSummary
		return string(d.StreamStatus), d.StreamModeDetails.StreamMode, *d.OpenShardCount
	}
	// The stream is UPDATING in its new mode and keeps its shards.
	if st, mode, n := summary(); st != "UPDATING" || mode != types.StreamModeOnDemand || n != 3 {
		t.Fatalf("after the switch: %s %s %d shards", st, mode, n)
	}
	wantError(t, set(types.StreamModeProvisioned), "ResourceInUseException", "Stream s under account 000000000000 not ACTIVE, instead in state UPDATING")
	clk.Advance(time.Minute)
	if st, mode, n := summary(); st != "ACTIVE" || mode != types.StreamModeOnDemand || n != 3 {
		t.Fatalf("after the delay: %s %s %d shards", st, mode, n)
	}
	// Asking for the current mode changes nothing.
	if err := set(types.StreamModeOnDemand); err != nil {
		t.Fatal(err)
	}
	if st, _, _ := summary(); st != "ACTIVE" {
		t.Fatalf("same mode made the stream %s", st)
	}
	if err := set(types.StreamModeProvisioned); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Minute)
	if st, mode, n := summary(); st != "ACTIVE" || mode != types.StreamModeProvisioned || n != 3 {
		t.Fatalf("back to provisioned: %s %s %d shards", st, mode, n)
	}
}

func TestUpdateStreamModeOtherAccount(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	other := e.client("111111111111", "eu-west-1")
	if _, err := other.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("s"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	arn := "arn:aws:kinesis:eu-west-1:111111111111:stream/s"
	if _, err := e.Client.UpdateStreamMode(ctx, &kinesis.UpdateStreamModeInput{StreamARN: aws.String(arn), StreamModeDetails: &types.StreamModeDetails{StreamMode: types.StreamModeOnDemand}, WarmThroughputMiBps: aws.Int32(100)}); err != nil {
		t.Fatal(err)
	}
	out, err := other.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("s")})
	if err != nil {
		t.Fatal(err)
	}
	d := out.StreamDescriptionSummary
	if d.StreamModeDetails.StreamMode != types.StreamModeOnDemand || d.WarmThroughput == nil || *d.WarmThroughput.TargetMiBps != 100 {
		t.Errorf("after UpdateStreamMode by ARN: %s %+v", d.StreamModeDetails.StreamMode, d.WarmThroughput)
	}
}

func TestUpdateStreamModeValidation(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	e.createStream(t, "s", 1)
	upd := func(in *kinesis.UpdateStreamModeInput) func() error {
		return func() error { _, err := e.Client.UpdateStreamMode(ctx, in, noInputValidation); return err }
	}
	od := &types.StreamModeDetails{StreamMode: types.StreamModeOnDemand}
	goldenErrors(t, "update_stream_mode_validation", []errCase{
		{"nothing", upd(&kinesis.UpdateStreamModeInput{})},
		{"mode null", upd(&kinesis.UpdateStreamModeInput{StreamARN: aws.String(ctlARN("s")), StreamModeDetails: &types.StreamModeDetails{}})},
		{"mode unknown", upd(&kinesis.UpdateStreamModeInput{StreamARN: aws.String(ctlARN("s")), StreamModeDetails: &types.StreamModeDetails{StreamMode: "SERVERLESS"}})},
		{"bad ARN", upd(&kinesis.UpdateStreamModeInput{StreamARN: aws.String("s"), StreamModeDetails: od})},
		{"warm throughput negative", upd(&kinesis.UpdateStreamModeInput{StreamARN: aws.String(ctlARN("s")), StreamModeDetails: od, WarmThroughputMiBps: aws.Int32(-1)})},
		{"warm throughput with PROVISIONED", upd(&kinesis.UpdateStreamModeInput{StreamARN: aws.String(ctlARN("s")), StreamModeDetails: &types.StreamModeDetails{StreamMode: types.StreamModeProvisioned}, WarmThroughputMiBps: aws.Int32(10)})},
		{"not found", upd(&kinesis.UpdateStreamModeInput{StreamARN: aws.String(ctlARN("missing")), StreamModeDetails: od})},
	})
}
