package conformance

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

func TestUpdateMaxRecordSize(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	e.createStream(t, "big", 1)
	if got := aws.ToInt32(setSummary(t, e, "big").MaxRecordSizeInKiB); got != 1024 {
		t.Fatalf("default MaxRecordSizeInKiB = %d, want 1024", got)
	}
	for _, kib := range []int32{10240, 1024, 2048} {
		if _, err := e.Client.UpdateMaxRecordSize(ctx, &kinesis.UpdateMaxRecordSizeInput{StreamARN: aws.String(setARN("big")), MaxRecordSizeInKiB: aws.Int32(kib)}); err != nil {
			t.Fatal(err)
		}
		if got := aws.ToInt32(setSummary(t, e, "big").MaxRecordSizeInKiB); got != kib {
			t.Fatalf("MaxRecordSizeInKiB = %d, want %d", got, kib)
		}
	}
	// The put path enforces the new size: 1.5 MiB fits in 2048 KiB, 2.5 MiB does not.
	put := func(n int) error {
		_, err := e.Client.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("big"), PartitionKey: aws.String("k"), Data: make([]byte, n)})
		return err
	}
	if err := put(1536 << 10); err != nil {
		t.Fatalf("1.5 MiB record with a 2048 KiB limit: %v", err)
	}
	if err := put(2560 << 10); err == nil {
		t.Fatal("2.5 MiB record with a 2048 KiB limit was accepted")
	}
}

func TestUpdateMaxRecordSizeErrors(t *testing.T) {
	clock := newFakeClock()
	e := newEnv(t, envOptions{StateDelay: time.Minute, Now: clock.Now})
	ctx := t.Context()
	setCreate(t, e, "creating", types.StreamModeProvisioned)
	raw := func(o *kinesis.Options) { noInputValidation(o) }
	update := func(in *kinesis.UpdateMaxRecordSizeInput) func() error {
		return func() error { _, err := e.Client.UpdateMaxRecordSize(ctx, in, raw); return err }
	}
	goldenErrors(t, "update_max_record_size_errors", []errCase{
		{"no members", update(&kinesis.UpdateMaxRecordSizeInput{})},
		{"too small", update(&kinesis.UpdateMaxRecordSizeInput{StreamARN: aws.String(setARN("creating")), MaxRecordSizeInKiB: aws.Int32(1023)})},
		{"too large", update(&kinesis.UpdateMaxRecordSizeInput{StreamARN: aws.String(setARN("creating")), MaxRecordSizeInKiB: aws.Int32(10241)})},
		{"bad arn", update(&kinesis.UpdateMaxRecordSizeInput{StreamARN: aws.String("creating"), MaxRecordSizeInKiB: aws.Int32(2048)})},
		{"no stream", update(&kinesis.UpdateMaxRecordSizeInput{MaxRecordSizeInKiB: aws.Int32(2048)})},
		{"missing stream", update(&kinesis.UpdateMaxRecordSizeInput{StreamARN: aws.String(setARN("missing")), MaxRecordSizeInKiB: aws.Int32(2048)})},
		{"creating stream", update(&kinesis.UpdateMaxRecordSizeInput{StreamARN: aws.String(setARN("creating")), MaxRecordSizeInKiB: aws.Int32(2048)})},
	})
}
