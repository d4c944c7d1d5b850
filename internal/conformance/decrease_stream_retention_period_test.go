package conformance

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
)

func TestDecreaseStreamRetentionPeriod(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	e.createStream(t, "s", 1)
	dec := func(h int32) error {
		_, err := e.Client.DecreaseStreamRetentionPeriod(ctx, &kinesis.DecreaseStreamRetentionPeriodInput{StreamARN: aws.String(ctlARN("s")), RetentionPeriodHours: aws.Int32(h)})
		return err
	}
	if _, err := e.Client.IncreaseStreamRetentionPeriod(ctx, &kinesis.IncreaseStreamRetentionPeriodInput{StreamName: aws.String("s"), RetentionPeriodHours: aws.Int32(100)}); err != nil {
		t.Fatal(err)
	}
	if err := dec(50); err != nil {
		t.Fatal(err)
	}
	if got := ctlRetention(t, e.Client, "s"); got != 50 {
		t.Fatalf("retention = %d, want 50", got)
	}
	if err := dec(24); err != nil {
		t.Fatal(err)
	}
	if got := ctlRetention(t, e.Client, "s"); got != 24 {
		t.Fatalf("retention = %d, want 24", got)
	}
}

// TestDecreaseStreamRetentionPeriodAppliesToEngine shows the engine itself dropping records
// older than the new period (one retention hour is 50 ms here).
func TestDecreaseStreamRetentionPeriodAppliesToEngine(t *testing.T) {
	e := newEnv(t, envOptions{RetentionHour: 50 * time.Millisecond})
	ctx := t.Context()
	e.createStream(t, "s", 2)
	if _, err := e.Client.IncreaseStreamRetentionPeriod(ctx, &kinesis.IncreaseStreamRetentionPeriodInput{StreamName: aws.String("s"), RetentionPeriodHours: aws.Int32(8760)}); err != nil {
		t.Fatal(err)
	}
	id := ctlStreamID(t, e.Client, "s")
	for _, log := range []string{id + "_0", id + "_1"} {
		if _, err := e.Store.Append(ctx, log, []byte("batch")); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.Client.DecreaseStreamRetentionPeriod(ctx, &kinesis.DecreaseStreamRetentionPeriodInput{StreamName: aws.String("s"), RetentionPeriodHours: aws.Int32(24)}); err != nil {
		t.Fatal(err)
	}
	for _, log := range []string{id + "_0", id + "_1"} {
		ctlPoll(t, log+" to expire its message", func() bool {
			st, err := e.Store.State(ctx, log)
			return err == nil && st.Msgs == 0
		})
	}
}
