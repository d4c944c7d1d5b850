package conformance

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/google/go-cmp/cmp"
)

func TestCreateStreamSummary(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	if _, err := e.Client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("orders"), ShardCount: aws.Int32(3)}); err != nil {
		t.Fatal(err)
	}
	out, err := e.Client.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("orders")})
	if err != nil {
		t.Fatal(err)
	}
	d := out.StreamDescriptionSummary
	if *d.StreamName != "orders" || *d.OpenShardCount != 3 || d.StreamStatus != types.StreamStatusActive ||
		*d.StreamARN != "arn:aws:kinesis:us-east-1:000000000000:stream/orders" || *d.RetentionPeriodHours != 24 ||
		d.StreamModeDetails.StreamMode != types.StreamModeProvisioned {
		t.Fatalf("unexpected summary: %+v", d)
	}
	_, err = e.Client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("orders"), ShardCount: aws.Int32(1)})
	wantError(t, err, "ResourceInUseException", "Stream orders under account 000000000000 already exists.")
}

func TestCreateStreamValidation(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	long := strings.Repeat("a", 129)
	create := func(in *kinesis.CreateStreamInput) func() error {
		return func() error { _, err := e.Client.CreateStream(ctx, in, noInputValidation); return err }
	}
	manyTags := map[string]string{}
	for i := range 51 {
		manyTags[fmt.Sprintf("k%02d", i)] = "v"
	}
	tooManyTags := map[string]string{}
	for i := range 201 {
		tooManyTags[fmt.Sprintf("k%03d", i)] = ""
	}
	goldenErrors(t, "create_stream_validation", []errCase{
		{"no name", create(&kinesis.CreateStreamInput{})},
		{"empty name, zero shards", create(&kinesis.CreateStreamInput{StreamName: aws.String(""), ShardCount: aws.Int32(0)})},
		{"long name", create(&kinesis.CreateStreamInput{StreamName: aws.String(long)})},
		{"bad name characters", create(&kinesis.CreateStreamInput{StreamName: aws.String("a b/c")})},
		{"negative shards", create(&kinesis.CreateStreamInput{StreamName: aws.String("s"), ShardCount: aws.Int32(-1)})},
		{"mode null", create(&kinesis.CreateStreamInput{StreamName: aws.String("s"), StreamModeDetails: &types.StreamModeDetails{}})},
		{"mode unknown", create(&kinesis.CreateStreamInput{StreamName: aws.String("s"), StreamModeDetails: &types.StreamModeDetails{StreamMode: "FAST"}})},
		{"record size too small", create(&kinesis.CreateStreamInput{StreamName: aws.String("s"), MaxRecordSizeInKiB: aws.Int32(1023)})},
		{"record size too large", create(&kinesis.CreateStreamInput{StreamName: aws.String("s"), MaxRecordSizeInKiB: aws.Int32(10241)})},
		{"distribution unknown", create(&kinesis.CreateStreamInput{StreamName: aws.String("s"), RecordDistributionStrategy: "RANDOM"})},
		{"warm throughput negative", create(&kinesis.CreateStreamInput{StreamName: aws.String("s"), WarmThroughputMiBps: aws.Int32(-1)})},
		{"tags empty", create(&kinesis.CreateStreamInput{StreamName: aws.String("s"), Tags: map[string]string{}})},
		{"tag key empty", create(&kinesis.CreateStreamInput{StreamName: aws.String("s"), Tags: map[string]string{"": "v"}})},
		{"tag key and value too long", create(&kinesis.CreateStreamInput{StreamName: aws.String("s"), Tags: map[string]string{long: strings.Repeat("v", 257)}})},
		{"every member wrong", create(&kinesis.CreateStreamInput{
			StreamName: aws.String(""), ShardCount: aws.Int32(0), MaxRecordSizeInKiB: aws.Int32(1),
			RecordDistributionStrategy: "X", StreamModeDetails: &types.StreamModeDetails{StreamMode: "Y"},
			Tags: map[string]string{"": long}, WarmThroughputMiBps: aws.Int32(-5),
		})},
		{"201 tags", create(&kinesis.CreateStreamInput{StreamName: aws.String("s"), Tags: tooManyTags})},
		{"51 tags", create(&kinesis.CreateStreamInput{StreamName: aws.String("s"), Tags: manyTags})},
		{"tag characters", create(&kinesis.CreateStreamInput{StreamName: aws.String("s"), Tags: map[string]string{"a#b": "v"}})},
		{"AUTO on provisioned", create(&kinesis.CreateStreamInput{StreamName: aws.String("s"), RecordDistributionStrategy: types.RecordDistributionStrategyAuto})},
	})
	// None of the refused requests created anything.
	out, err := e.Client.ListStreams(ctx, &kinesis.ListStreamsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.StreamNames) != 0 {
		t.Errorf("streams after refused creates: %v", out.StreamNames)
	}
}

func TestCreateStreamDefaults(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	for _, in := range []*kinesis.CreateStreamInput{
		{StreamName: aws.String("plain")},
		{StreamName: aws.String("ondemand"), StreamModeDetails: &types.StreamModeDetails{StreamMode: types.StreamModeOnDemand}},
		{StreamName: aws.String("tagged"), ShardCount: aws.Int32(1), Tags: map[string]string{"team": "data", "env": ""}, MaxRecordSizeInKiB: aws.Int32(2048)},
	} {
		if _, err := e.Client.CreateStream(ctx, in); err != nil {
			t.Fatalf("CreateStream %s: %v", *in.StreamName, err)
		}
	}
	type summary struct {
		Shards    int32
		Mode      types.StreamMode
		Status    types.StreamStatus
		Retention int32
		KiB       int32
		Enc       types.EncryptionType
	}
	got := map[string]summary{}
	for _, name := range []string{"plain", "ondemand", "tagged"} {
		out, err := e.Client.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		d := out.StreamDescriptionSummary
		got[name] = summary{*d.OpenShardCount, d.StreamModeDetails.StreamMode, d.StreamStatus, *d.RetentionPeriodHours, *d.MaxRecordSizeInKiB, d.EncryptionType}
	}
	want := map[string]summary{
		"plain":    {4, types.StreamModeProvisioned, types.StreamStatusActive, 24, 1024, types.EncryptionTypeNone},
		"ondemand": {4, types.StreamModeOnDemand, types.StreamStatusActive, 24, 1024, types.EncryptionTypeNone},
		"tagged":   {1, types.StreamModeProvisioned, types.StreamStatusActive, 24, 2048, types.EncryptionTypeNone},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("summaries (-want +got):\n%s", diff)
	}
	// The four default shards split the hash key space evenly.
	sh, err := e.Client.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("plain")})
	if err != nil {
		t.Fatal(err)
	}
	var ranges []string
	for _, s := range sh.Shards {
		ranges = append(ranges, *s.ShardId+" "+*s.HashKeyRange.StartingHashKey+".."+*s.HashKeyRange.EndingHashKey)
	}
	golden(t, "create_stream_default_shards", strings.Join(ranges, "\n")+"\n")
}

func TestCreateStreamShardLimit(t *testing.T) {
	e := newEnv(t, envOptions{ShardLimit: 5})
	ctx := t.Context()
	e.createStream(t, "a", 3)
	_, err := e.Client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("b"), ShardCount: aws.Int32(3)})
	wantError(t, err, "LimitExceededException", "This request would exceed the shard limit for the account 000000000000 in us-east-1. Current shard count for the account: 3. Limit: 5. Number of additional shards that would have resulted from this request: 3. Refer to the AWS Service Limits page (https://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits.")
	// Exactly up to the limit is allowed; the limit is per account and region.
	e.createStream(t, "b", 2)
	other := e.client("111111111111", "us-east-1")
	if _, err := other.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("c"), ShardCount: aws.Int32(5)}); err != nil {
		t.Fatalf("another account has its own limit: %v", err)
	}
	// Deleted streams give their shards back.
	if _, err := e.Client.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("a")}); err != nil {
		t.Fatal(err)
	}
	e.createStream(t, "d", 3)
}

func TestCreateStreamConcurrentSameName(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	errs := make([]error, 10)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = e.Client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("race"), ShardCount: aws.Int32(2)})
		})
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		if err == nil {
			wins++
			continue
		}
		wantError(t, err, "ResourceInUseException", "Stream race under account 000000000000 already exists.")
	}
	if wins != 1 {
		t.Fatalf("%d creates won, want exactly 1", wins)
	}
	// The losers left no engine logs behind: only the winner's two shards exist.
	id := ctlStreamID(t, e.Client, "race")
	for i := range 2 {
		if _, err := e.Store.State(ctx, fmt.Sprintf("%s_%d", id, i)); err != nil {
			t.Errorf("winner's shard log %d: %v", i, err)
		}
	}
	lim, err := e.Client.DescribeLimits(ctx, &kinesis.DescribeLimitsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if *lim.OpenShardCount != 2 {
		t.Errorf("OpenShardCount = %d, want 2", *lim.OpenShardCount)
	}
}

func TestCreateStreamCreatingThenActive(t *testing.T) {
	clk := newFakeClock()
	e := newEnv(t, envOptions{StateDelay: time.Minute, Now: clk.Now})
	ctx := t.Context()
	if _, err := e.Client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("slow"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	if got := ctlStatus(t, e.Client, "slow"); got != "CREATING" {
		t.Fatalf("status right after CreateStream = %s, want CREATING", got)
	}
	// A CREATING stream already holds its name and its shards.
	_, err := e.Client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("slow"), ShardCount: aws.Int32(1)})
	wantError(t, err, "ResourceInUseException", "Stream slow under account 000000000000 already exists.")
	// Operations that need an ACTIVE stream refuse it.
	_, err = e.Client.IncreaseStreamRetentionPeriod(ctx, &kinesis.IncreaseStreamRetentionPeriodInput{StreamName: aws.String("slow"), RetentionPeriodHours: aws.Int32(48)})
	wantError(t, err, "ResourceInUseException", "Stream slow under account 000000000000 not ACTIVE, instead in state CREATING")
	clk.Advance(59 * time.Second)
	if got := ctlStatus(t, e.Client, "slow"); got != "CREATING" {
		t.Fatalf("status after 59s = %s, want CREATING", got)
	}
	clk.Advance(time.Second)
	if got := ctlStatus(t, e.Client, "slow"); got != "ACTIVE" {
		t.Fatalf("status after the delay = %s, want ACTIVE", got)
	}
}

func TestCreateStreamDeletingWithDelay(t *testing.T) {
	clk := newFakeClock()
	e := newEnv(t, envOptions{StateDelay: time.Minute, Now: clk.Now})
	ctx := t.Context()
	if _, err := e.Client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("s"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Minute)
	if _, err := e.Client.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("s")}); err != nil {
		t.Fatal(err)
	}
	if got := ctlStatus(t, e.Client, "s"); got != "DELETING" {
		t.Fatalf("status after DeleteStream = %s, want DELETING", got)
	}
	_, err := e.Client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("s"), ShardCount: aws.Int32(1)})
	wantError(t, err, "ResourceInUseException", "Stream s under account 000000000000 already exists.")
	clk.Advance(time.Minute)
	_, err = e.Client.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("s")})
	wantError(t, err, "ResourceNotFoundException", "Stream s under account 000000000000 not found.")
	if _, err := e.Client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("s"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatalf("re-create after deletion: %v", err)
	}
}

func TestCreateStreamWarmThroughputOnDemandOnly(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	_, err := e.Client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("prov"), ShardCount: aws.Int32(1), WarmThroughputMiBps: aws.Int32(10)})
	wantError(t, err, "InvalidArgumentException", "WarmThroughputMiBps can only be specified for ON_DEMAND streams.")
	if _, err := e.Client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("od"),
		StreamModeDetails: &types.StreamModeDetails{StreamMode: types.StreamModeOnDemand}, WarmThroughputMiBps: aws.Int32(10)}); err != nil {
		t.Fatal(err)
	}
	out, err := e.Client.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("od")})
	if err != nil {
		t.Fatal(err)
	}
	if w := out.StreamDescriptionSummary.WarmThroughput; w == nil || aws.ToInt32(w.TargetMiBps) != 10 {
		t.Fatalf("WarmThroughput = %+v, want target 10", w)
	}
}
