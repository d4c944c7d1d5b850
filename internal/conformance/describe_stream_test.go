package conformance

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/google/go-cmp/cmp"
)

func TestDescribeStream(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	before := time.Now().Add(-time.Second)
	e.createStream(t, "orders", 3)
	for _, in := range []*kinesis.DescribeStreamInput{
		{StreamName: aws.String("orders")},
		{StreamARN: aws.String(ctlARN("orders"))},
		{StreamARN: aws.String(ctlARN("orders")), StreamName: aws.String("orders")},
	} {
		out, err := e.Client.DescribeStream(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		d := out.StreamDescription
		if d.StreamCreationTimestamp == nil || d.StreamCreationTimestamp.Before(before) || d.StreamCreationTimestamp.After(time.Now()) {
			t.Errorf("StreamCreationTimestamp = %v", d.StreamCreationTimestamp)
		}
		for _, sh := range d.Shards {
			if !regexp.MustCompile(`^\d{56}$`).MatchString(*sh.SequenceNumberRange.StartingSequenceNumber) {
				t.Errorf("StartingSequenceNumber %q is not 56 digits", *sh.SequenceNumberRange.StartingSequenceNumber)
			}
			sh.SequenceNumberRange.StartingSequenceNumber = nil
		}
		d.StreamCreationTimestamp = nil
		want := types.StreamDescription{
			EnhancedMonitoring:   []types.EnhancedMetrics{{ShardLevelMetrics: []types.MetricsName{}}},
			HasMoreShards:        aws.Bool(false),
			RetentionPeriodHours: aws.Int32(24),
			Shards: []types.Shard{
				{ShardId: aws.String("shardId-000000000000"), HashKeyRange: &types.HashKeyRange{StartingHashKey: aws.String("0"), EndingHashKey: aws.String("113427455640312821154458202477256070484")}, SequenceNumberRange: &types.SequenceNumberRange{}},
				{ShardId: aws.String("shardId-000000000001"), HashKeyRange: &types.HashKeyRange{StartingHashKey: aws.String("113427455640312821154458202477256070485"), EndingHashKey: aws.String("226854911280625642308916404954512140969")}, SequenceNumberRange: &types.SequenceNumberRange{}},
				{ShardId: aws.String("shardId-000000000002"), HashKeyRange: &types.HashKeyRange{StartingHashKey: aws.String("226854911280625642308916404954512140970"), EndingHashKey: aws.String("340282366920938463463374607431768211455")}, SequenceNumberRange: &types.SequenceNumberRange{}},
			},
			StreamARN:         aws.String(ctlARN("orders")),
			StreamName:        aws.String("orders"),
			StreamStatus:      types.StreamStatusActive,
			EncryptionType:    types.EncryptionTypeNone,
			StreamModeDetails: &types.StreamModeDetails{StreamMode: types.StreamModeProvisioned},
		}
		if diff := cmp.Diff(&want, d, ctlIgnoreSDK); diff != "" {
			t.Errorf("StreamDescription (-want +got):\n%s", diff)
		}
	}
}

func TestDescribeStreamPagination(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	e.createStream(t, "s", 7)
	page := func(start *string, limit *int32) ([]string, bool) {
		t.Helper()
		out, err := e.Client.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String("s"), ExclusiveStartShardId: start, Limit: limit})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, sh := range out.StreamDescription.Shards {
			ids = append(ids, strings.TrimPrefix(*sh.ShardId, "shardId-00000000000"))
		}
		return ids, *out.StreamDescription.HasMoreShards
	}
	type pg struct {
		IDs  []string
		More bool
	}
	var got []pg
	var start *string
	for range 5 {
		ids, more := page(start, aws.Int32(3))
		got = append(got, pg{ids, more})
		if !more {
			break
		}
		start = aws.String("shardId-00000000000" + ids[len(ids)-1])
	}
	want := []pg{{[]string{"0", "1", "2"}, true}, {[]string{"3", "4", "5"}, true}, {[]string{"6"}, false}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pages (-want +got):\n%s", diff)
	}
	// The start need not be a shard of the stream; it is compared as a shard id.
	if ids, more := page(aws.String("shardId-000000000004x"), nil); !cmp.Equal(ids, []string{"5", "6"}) || more {
		t.Errorf("after an unknown id: %v %v", ids, more)
	}
	if ids, more := page(aws.String("shardId-000000000006"), nil); len(ids) != 0 || more {
		t.Errorf("after the last shard: %v %v", ids, more)
	}
}

func TestDescribeStreamLimitCap(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	e.createStream(t, "wide", 101)
	for _, limit := range []*int32{nil, aws.Int32(10000)} {
		out, err := e.Client.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String("wide"), Limit: limit})
		if err != nil {
			t.Fatal(err)
		}
		if n := len(out.StreamDescription.Shards); n != 100 || !*out.StreamDescription.HasMoreShards {
			t.Errorf("Limit %v: %d shards, HasMoreShards %v; want 100, true", limit, n, *out.StreamDescription.HasMoreShards)
		}
	}
}

func TestDescribeStreamValidation(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	desc := func(in *kinesis.DescribeStreamInput) func() error {
		return func() error { _, err := e.Client.DescribeStream(ctx, in, noInputValidation); return err }
	}
	goldenErrors(t, "describe_stream_validation", []errCase{
		{"neither name nor ARN", desc(&kinesis.DescribeStreamInput{})},
		{"empty members", desc(&kinesis.DescribeStreamInput{StreamName: aws.String(""), Limit: aws.Int32(0), ExclusiveStartShardId: aws.String("")})},
		{"long members", desc(&kinesis.DescribeStreamInput{StreamName: aws.String(strings.Repeat("a", 129)), Limit: aws.Int32(10001), ExclusiveStartShardId: aws.String(strings.Repeat("a", 129))})},
		{"bad ARN", desc(&kinesis.DescribeStreamInput{StreamARN: aws.String("arn:aws:sqs:us-east-1:000000000000:queue")})},
		{"not found", desc(&kinesis.DescribeStreamInput{StreamName: aws.String("missing")})},
		{"not found in another account by ARN", desc(&kinesis.DescribeStreamInput{StreamARN: aws.String("arn:aws:kinesis:us-east-1:111111111111:stream/missing")})},
	})
}

func TestDescribeStreamNamespaces(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	for _, c := range []*kinesis.Client{e.client("111111111111", "us-east-1"), e.client("AKIDEXAMPLE", "eu-west-1")} {
		if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("theirs"), ShardCount: aws.Int32(1)}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := e.Client.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String("theirs")})
	wantError(t, err, "ResourceNotFoundException", "Stream theirs under account 000000000000 not found.")
	for _, arn := range []string{"arn:aws:kinesis:us-east-1:111111111111:stream/theirs", "arn:aws:kinesis:eu-west-1:000000000000:stream/theirs"} {
		out, err := e.Client.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamARN: aws.String(arn)})
		if err != nil {
			t.Fatalf("%s: %v", arn, err)
		}
		if *out.StreamDescription.StreamARN != arn {
			t.Errorf("described %s as %s", arn, *out.StreamDescription.StreamARN)
		}
	}
}
