package conformance

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/google/go-cmp/cmp"
)

var setAllMetrics = []types.MetricsName{"IncomingBytes", "IncomingRecords", "OutgoingBytes", "OutgoingRecords",
	"WriteProvisionedThroughputExceeded", "ReadProvisionedThroughputExceeded", "IteratorAgeMilliseconds"}

func TestEnhancedMonitoring(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	e.createStream(t, "mon", 1)

	en, err := e.Client.EnableEnhancedMonitoring(ctx, &kinesis.EnableEnhancedMonitoringInput{
		StreamName: aws.String("mon"), ShardLevelMetrics: []types.MetricsName{"OutgoingBytes", "IncomingBytes"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(en.StreamName) != "mon" || aws.ToString(en.StreamARN) != setARN("mon") ||
		len(en.CurrentShardLevelMetrics) != 0 ||
		!cmp.Equal(en.DesiredShardLevelMetrics, []types.MetricsName{"IncomingBytes", "OutgoingBytes"}) {
		t.Fatalf("enable: %+v", en)
	}
	en, err = e.Client.EnableEnhancedMonitoring(ctx, &kinesis.EnableEnhancedMonitoringInput{
		StreamARN: aws.String(setARN("mon")), ShardLevelMetrics: []types.MetricsName{"ALL"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(en.CurrentShardLevelMetrics, []types.MetricsName{"IncomingBytes", "OutgoingBytes"}) ||
		!cmp.Equal(en.DesiredShardLevelMetrics, setAllMetrics) {
		t.Fatalf("enable ALL: %+v", en)
	}
	if got := setSummary(t, e, "mon").EnhancedMonitoring; len(got) != 1 || !cmp.Equal(got[0].ShardLevelMetrics, setAllMetrics) {
		t.Fatalf("DescribeStreamSummary EnhancedMonitoring = %+v", got)
	}

	dis, err := e.Client.DisableEnhancedMonitoring(ctx, &kinesis.DisableEnhancedMonitoringInput{
		StreamName: aws.String("mon"), ShardLevelMetrics: []types.MetricsName{"IncomingRecords", "IteratorAgeMilliseconds"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []types.MetricsName{"IncomingBytes", "OutgoingBytes", "OutgoingRecords", "WriteProvisionedThroughputExceeded", "ReadProvisionedThroughputExceeded"}
	if !cmp.Equal(dis.CurrentShardLevelMetrics, setAllMetrics) || !cmp.Equal(dis.DesiredShardLevelMetrics, want) {
		t.Fatalf("disable: %+v", dis)
	}
	dis, err = e.Client.DisableEnhancedMonitoring(ctx, &kinesis.DisableEnhancedMonitoringInput{
		StreamName: aws.String("mon"), ShardLevelMetrics: []types.MetricsName{"ALL"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(dis.CurrentShardLevelMetrics, want) || len(dis.DesiredShardLevelMetrics) != 0 || dis.DesiredShardLevelMetrics == nil {
		t.Fatalf("disable ALL: %+v", dis)
	}
	if got := setSummary(t, e, "mon").EnhancedMonitoring; len(got) != 1 || len(got[0].ShardLevelMetrics) != 0 {
		t.Fatalf("DescribeStreamSummary EnhancedMonitoring after disable = %+v", got)
	}
}

func TestEnhancedMonitoringErrors(t *testing.T) {
	clock := newFakeClock()
	e := newEnv(t, envOptions{StateDelay: time.Minute, Now: clock.Now})
	ctx := t.Context()
	setCreate(t, e, "creating", types.StreamModeProvisioned)
	raw := func(o *kinesis.Options) { noInputValidation(o) }
	enable := func(in *kinesis.EnableEnhancedMonitoringInput) func() error {
		return func() error { _, err := e.Client.EnableEnhancedMonitoring(ctx, in, raw); return err }
	}
	disable := func(in *kinesis.DisableEnhancedMonitoringInput) func() error {
		return func() error { _, err := e.Client.DisableEnhancedMonitoring(ctx, in, raw); return err }
	}
	eight := append(append([]types.MetricsName{}, setAllMetrics...), "ALL")
	goldenErrors(t, "enhanced_monitoring_errors", []errCase{
		{"enable no members", enable(&kinesis.EnableEnhancedMonitoringInput{})},
		{"enable empty", enable(&kinesis.EnableEnhancedMonitoringInput{StreamName: aws.String(""), ShardLevelMetrics: []types.MetricsName{}})},
		{"enable unknown metric", enable(&kinesis.EnableEnhancedMonitoringInput{StreamName: aws.String("creating"), ShardLevelMetrics: []types.MetricsName{"IncomingBytes", "Latency"}})},
		{"enable eight metrics", enable(&kinesis.EnableEnhancedMonitoringInput{StreamName: aws.String("creating"), ShardLevelMetrics: eight})},
		{"enable no stream", enable(&kinesis.EnableEnhancedMonitoringInput{ShardLevelMetrics: []types.MetricsName{"ALL"}})},
		{"enable missing stream", enable(&kinesis.EnableEnhancedMonitoringInput{StreamName: aws.String("missing"), ShardLevelMetrics: []types.MetricsName{"ALL"}})},
		{"enable creating stream", enable(&kinesis.EnableEnhancedMonitoringInput{StreamName: aws.String("creating"), ShardLevelMetrics: []types.MetricsName{"ALL"}})},
		{"disable no members", disable(&kinesis.DisableEnhancedMonitoringInput{})},
		{"disable bad arn", disable(&kinesis.DisableEnhancedMonitoringInput{StreamARN: aws.String("stream/x"), ShardLevelMetrics: []types.MetricsName{"ALL"}})},
		{"disable missing stream", disable(&kinesis.DisableEnhancedMonitoringInput{StreamARN: aws.String(setARN("missing")), ShardLevelMetrics: []types.MetricsName{"ALL"}})},
		{"disable creating stream", disable(&kinesis.DisableEnhancedMonitoringInput{StreamName: aws.String("creating"), ShardLevelMetrics: []types.MetricsName{"ALL"}})},
	})
	clock.Advance(time.Minute)
	if _, err := e.Client.EnableEnhancedMonitoring(ctx, &kinesis.EnableEnhancedMonitoringInput{StreamName: aws.String("creating"), ShardLevelMetrics: []types.MetricsName{"ALL"}}); err != nil {
		t.Fatalf("once ACTIVE: %v", err)
	}
}
