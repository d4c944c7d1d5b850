package conformance

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
)

// ctlRetention returns a stream's RetentionPeriodHours.
func ctlRetention(t *testing.T, c *kinesis.Client, name string) int32 {
	t.Helper()
	out, err := c.DescribeStream(t.Context(), &kinesis.DescribeStreamInput{StreamName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	return *out.StreamDescription.RetentionPeriodHours
}

func TestIncreaseStreamRetentionPeriod(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	e.createStream(t, "s", 2)
	inc := func(h int32) error {
		_, err := e.Client.IncreaseStreamRetentionPeriod(ctx, &kinesis.IncreaseStreamRetentionPeriodInput{StreamName: aws.String("s"), RetentionPeriodHours: aws.Int32(h)})
		return err
	}
	if err := inc(48); err != nil {
		t.Fatal(err)
	}
	if got := ctlRetention(t, e.Client, "s"); got != 48 {
		t.Fatalf("retention = %d, want 48", got)
	}
	if err := inc(48); err != nil {
		t.Fatalf("the current period again: %v", err)
	}
	if _, err := e.Client.IncreaseStreamRetentionPeriod(ctx, &kinesis.IncreaseStreamRetentionPeriodInput{StreamARN: aws.String(ctlARN("s")), RetentionPeriodHours: aws.Int32(8760)}); err != nil {
		t.Fatalf("by ARN, to the maximum: %v", err)
	}
	if got := ctlRetention(t, e.Client, "s"); got != 8760 {
		t.Fatalf("retention = %d, want 8760", got)
	}
}

func TestStreamRetentionPeriodErrors(t *testing.T) {
	clk := newFakeClock()
	e := newEnv(t, envOptions{StateDelay: time.Minute, Now: clk.Now})
	ctx := t.Context()
	if _, err := e.Client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("s"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Minute)
	if _, err := e.Client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("creating2"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Client.IncreaseStreamRetentionPeriod(ctx, &kinesis.IncreaseStreamRetentionPeriodInput{StreamName: aws.String("s"), RetentionPeriodHours: aws.Int32(48)}); err != nil {
		t.Fatal(err)
	}
	inc := func(in *kinesis.IncreaseStreamRetentionPeriodInput) func() error {
		return func() error { _, err := e.Client.IncreaseStreamRetentionPeriod(ctx, in, noInputValidation); return err }
	}
	dec := func(in *kinesis.DecreaseStreamRetentionPeriodInput) func() error {
		return func() error { _, err := e.Client.DecreaseStreamRetentionPeriod(ctx, in, noInputValidation); return err }
	}
	long := strings.Repeat("a", 129)
	goldenErrors(t, "stream_retention_period_errors", []errCase{
		{"increase: nothing", inc(&kinesis.IncreaseStreamRetentionPeriodInput{})},
		{"increase: hours null", inc(&kinesis.IncreaseStreamRetentionPeriodInput{StreamName: aws.String("s")})},
		{"increase: bad members", inc(&kinesis.IncreaseStreamRetentionPeriodInput{StreamName: aws.String(""), RetentionPeriodHours: aws.Int32(-1)})},
		{"increase: long name", inc(&kinesis.IncreaseStreamRetentionPeriodInput{StreamName: aws.String(long), RetentionPeriodHours: aws.Int32(24)})},
		{"increase: 23", inc(&kinesis.IncreaseStreamRetentionPeriodInput{StreamName: aws.String("s"), RetentionPeriodHours: aws.Int32(23)})},
		{"increase: 8761", inc(&kinesis.IncreaseStreamRetentionPeriodInput{StreamName: aws.String("s"), RetentionPeriodHours: aws.Int32(8761)})},
		{"increase: shorter", inc(&kinesis.IncreaseStreamRetentionPeriodInput{StreamName: aws.String("s"), RetentionPeriodHours: aws.Int32(25)})},
		{"increase: not found", inc(&kinesis.IncreaseStreamRetentionPeriodInput{StreamName: aws.String("missing"), RetentionPeriodHours: aws.Int32(25)})},
		{"increase: CREATING", inc(&kinesis.IncreaseStreamRetentionPeriodInput{StreamName: aws.String("creating2"), RetentionPeriodHours: aws.Int32(25)})},
		{"increase: no name", inc(&kinesis.IncreaseStreamRetentionPeriodInput{RetentionPeriodHours: aws.Int32(25)})},
		{"decrease: nothing", dec(&kinesis.DecreaseStreamRetentionPeriodInput{})},
		{"decrease: bad members", dec(&kinesis.DecreaseStreamRetentionPeriodInput{StreamARN: aws.String("arn"), RetentionPeriodHours: aws.Int32(0)})},
		{"decrease: 23", dec(&kinesis.DecreaseStreamRetentionPeriodInput{StreamName: aws.String("s"), RetentionPeriodHours: aws.Int32(23)})},
		{"decrease: 8761", dec(&kinesis.DecreaseStreamRetentionPeriodInput{StreamName: aws.String("s"), RetentionPeriodHours: aws.Int32(8761)})},
		{"decrease: longer", dec(&kinesis.DecreaseStreamRetentionPeriodInput{StreamName: aws.String("s"), RetentionPeriodHours: aws.Int32(49)})},
		{"decrease: not found by ARN", dec(&kinesis.DecreaseStreamRetentionPeriodInput{StreamARN: aws.String(ctlARN("missing")), RetentionPeriodHours: aws.Int32(24)})},
	})
	if got := ctlRetention(t, e.Client, "s"); got != 48 {
		t.Errorf("refused requests changed the retention to %d", got)
	}
}
