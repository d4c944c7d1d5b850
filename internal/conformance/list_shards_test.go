package conformance

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/google/go-cmp/cmp"
)

// ctlShardIDs lists the shard ids of a ListShards answer.
func ctlShardIDs(out *kinesis.ListShardsOutput) []string {
	ids := []string{}
	for _, s := range out.Shards {
		ids = append(ids, *s.ShardId)
	}
	return ids
}

func ctlShards(ns ...int) []string {
	ids := []string{}
	for _, n := range ns {
		ids = append(ids, "shardId-00000000000"+string(rune('0'+n)))
	}
	return ids
}

func TestListShards(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	e.createStream(t, "s", 3)
	desc, err := e.Client.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String("s")})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []*kinesis.ListShardsInput{
		{StreamName: aws.String("s")},
		{StreamARN: aws.String(ctlARN("s"))},
		{StreamARN: aws.String(ctlARN("s")), StreamName: aws.String("s")},
		{StreamName: aws.String("s"), StreamCreationTimestamp: desc.StreamDescription.StreamCreationTimestamp},
	} {
		out, err := e.Client.ListShards(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		// ListShards shows the shards exactly as DescribeStream does.
		if diff := cmp.Diff(desc.StreamDescription.Shards, out.Shards, ctlIgnoreSDK); diff != "" {
			t.Errorf("shards (-DescribeStream +ListShards):\n%s", diff)
		}
		if out.NextToken != nil {
			t.Errorf("NextToken on a complete list")
		}
	}
	out, err := e.Client.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("s"), ExclusiveStartShardId: aws.String("shardId-000000000000")})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ctlShards(1, 2), ctlShardIDs(out)); diff != "" {
		t.Errorf("after shard 0 (-want +got):\n%s", diff)
	}
	// StreamCreationTimestamp tells incarnations apart: another time is another stream.
	_, err = e.Client.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("s"), StreamCreationTimestamp: aws.Time(desc.StreamDescription.StreamCreationTimestamp.Add(-time.Second))})
	wantError(t, err, "ResourceNotFoundException", "Stream s under account 000000000000 not found.")
}

func TestListShardsFilters(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	before := time.Now().Add(-time.Hour)
	e.createStream(t, "s", 4)
	after := time.Now().Add(time.Hour)
	tests := []struct {
		name   string
		filter types.ShardFilter
		want   []string
	}{
		{"AT_LATEST", types.ShardFilter{Type: types.ShardFilterTypeAtLatest}, ctlShards(0, 1, 2, 3)},
		{"AT_TRIM_HORIZON", types.ShardFilter{Type: types.ShardFilterTypeAtTrimHorizon}, ctlShards(0, 1, 2, 3)},
		{"FROM_TRIM_HORIZON", types.ShardFilter{Type: types.ShardFilterTypeFromTrimHorizon}, ctlShards(0, 1, 2, 3)},
		{"AT_TIMESTAMP before creation", types.ShardFilter{Type: types.ShardFilterTypeAtTimestamp, Timestamp: &before}, ctlShards(0, 1, 2, 3)},
		{"AT_TIMESTAMP in the future", types.ShardFilter{Type: types.ShardFilterTypeAtTimestamp, Timestamp: &after}, ctlShards(0, 1, 2, 3)},
		{"FROM_TIMESTAMP in the future", types.ShardFilter{Type: types.ShardFilterTypeFromTimestamp, Timestamp: &after}, ctlShards(0, 1, 2, 3)},
		{"AFTER_SHARD_ID", types.ShardFilter{Type: types.ShardFilterTypeAfterShardId, ShardId: aws.String("shardId-000000000001")}, ctlShards(2, 3)},
		{"AFTER_SHARD_ID last", types.ShardFilter{Type: types.ShardFilterTypeAfterShardId, ShardId: aws.String("shardId-000000000003")}, ctlShards()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := e.Client.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("s"), ShardFilter: &tt.filter})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, ctlShardIDs(out)); diff != "" {
				t.Errorf("shards (-want +got):\n%s", diff)
			}
		})
	}
	// AFTER_SHARD_ID and ExclusiveStartShardId both apply.
	out, err := e.Client.ListShards(ctx, &kinesis.ListShardsInput{
		StreamName: aws.String("s"), ExclusiveStartShardId: aws.String("shardId-000000000002"),
		ShardFilter: &types.ShardFilter{Type: types.ShardFilterTypeAfterShardId, ShardId: aws.String("shardId-000000000000")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ctlShards(3), ctlShardIDs(out)); diff != "" {
		t.Errorf("both starts (-want +got):\n%s", diff)
	}
}

func TestListShardsPagination(t *testing.T) {
	clk := newFakeClock()
	e := newEnv(t, envOptions{Now: clk.Now})
	ctx := t.Context()
	e.createStream(t, "s", 5)
	// The filter of the first call carries over to the pages that follow.
	first, err := e.Client.ListShards(ctx, &kinesis.ListShardsInput{
		StreamName: aws.String("s"), MaxResults: aws.Int32(2),
		ShardFilter: &types.ShardFilter{Type: types.ShardFilterTypeAfterShardId, ShardId: aws.String("shardId-000000000000")},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := [][]string{ctlShardIDs(first)}
	token := first.NextToken
	for token != nil && len(got) < 5 {
		out, err := e.Client.ListShards(ctx, &kinesis.ListShardsInput{NextToken: token, MaxResults: aws.Int32(2)})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ctlShardIDs(out))
		token = out.NextToken
	}
	if diff := cmp.Diff([][]string{ctlShards(1, 2), ctlShards(3, 4)}, got); diff != "" {
		t.Errorf("pages (-want +got):\n%s", diff)
	}
	// Without MaxResults the rest comes in one page.
	page, err := e.Client.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("s"), MaxResults: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	rest, err := e.Client.ListShards(ctx, &kinesis.ListShardsInput{NextToken: page.NextToken})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ctlShards(1, 2, 3, 4), ctlShardIDs(rest)); diff != "" || rest.NextToken != nil {
		t.Errorf("rest (-want +got):\n%s", diff)
	}
	// A token lives 300 s.
	clk.Advance(300 * time.Second)
	if _, err := e.Client.ListShards(ctx, &kinesis.ListShardsInput{NextToken: page.NextToken}); err != nil {
		t.Fatalf("token at 300 s: %v", err)
	}
	clk.Advance(time.Millisecond)
	_, err = e.Client.ListShards(ctx, &kinesis.ListShardsInput{NextToken: page.NextToken})
	wantError(t, err, "ExpiredNextTokenException", "The NextToken has expired. Tokens are valid for 300 seconds.")
	// A token outlives neither its stream nor the stream's incarnation.
	page, err = e.Client.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("s"), MaxResults: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Client.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("s")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.Client.ListShards(ctx, &kinesis.ListShardsInput{NextToken: page.NextToken})
	wantError(t, err, "ResourceNotFoundException", "Stream s under account 000000000000 not found.")
	e.createStream(t, "s", 5)
	_, err = e.Client.ListShards(ctx, &kinesis.ListShardsInput{NextToken: page.NextToken})
	wantError(t, err, "ResourceNotFoundException", "Stream s under account 000000000000 not found.")
}

func TestListShardsNamespaces(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	other := e.client("111111111111", "eu-west-1")
	if _, err := other.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("theirs"), ShardCount: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	_, err := e.Client.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("theirs")})
	wantError(t, err, "ResourceNotFoundException", "Stream theirs under account 000000000000 not found.")
	// An ARN names the account and region itself, and a token keeps them.
	arn := "arn:aws:kinesis:eu-west-1:111111111111:stream/theirs"
	page, err := e.Client.ListShards(ctx, &kinesis.ListShardsInput{StreamARN: aws.String(arn), MaxResults: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	rest, err := e.Client.ListShards(ctx, &kinesis.ListShardsInput{NextToken: page.NextToken})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"shardId-000000000000", "shardId-000000000001"}, append(ctlShardIDs(page), ctlShardIDs(rest)...)); diff != "" {
		t.Errorf("by ARN (-want +got):\n%s", diff)
	}
}

func TestListShardsDeleting(t *testing.T) {
	clk := newFakeClock()
	e := newEnv(t, envOptions{StateDelay: time.Minute, Now: clk.Now})
	ctx := t.Context()
	if _, err := e.Client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("s"), ShardCount: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	// A CREATING stream already lists its shards.
	out, err := e.Client.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("s")})
	if err != nil || len(out.Shards) != 2 {
		t.Fatalf("CREATING stream: %v %v", ctlShardIDs(out), err)
	}
	clk.Advance(time.Minute)
	if _, err := e.Client.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("s")}); err != nil {
		t.Fatal(err)
	}
	out, err = e.Client.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("s")})
	if err != nil || len(out.Shards) != 0 {
		t.Fatalf("DELETING stream: %v %v", ctlShardIDs(out), err)
	}
}

func TestListShardsValidation(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	e.createStream(t, "s", 2)
	page, err := e.Client.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("s"), MaxResults: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	long := strings.Repeat("a", 129)
	list := func(in *kinesis.ListShardsInput) func() error {
		return func() error { _, err := e.Client.ListShards(ctx, in, noInputValidation); return err }
	}
	goldenErrors(t, "list_shards_validation", []errCase{
		{"nothing", list(&kinesis.ListShardsInput{})},
		{"empty members", list(&kinesis.ListShardsInput{StreamName: aws.String(""), MaxResults: aws.Int32(0), ExclusiveStartShardId: aws.String(""), NextToken: aws.String("")})},
		{"long members", list(&kinesis.ListShardsInput{StreamName: aws.String(long), MaxResults: aws.Int32(10001), ExclusiveStartShardId: aws.String(long)})},
		{"filter type null", list(&kinesis.ListShardsInput{StreamName: aws.String("s"), ShardFilter: &types.ShardFilter{}})},
		{"filter type unknown", list(&kinesis.ListShardsInput{StreamName: aws.String("s"), ShardFilter: &types.ShardFilter{Type: "LATEST"}})},
		{"filter shard id bad", list(&kinesis.ListShardsInput{StreamName: aws.String("s"), ShardFilter: &types.ShardFilter{Type: types.ShardFilterTypeAfterShardId, ShardId: aws.String("a b")}})},
		{"AFTER_SHARD_ID without ShardId", list(&kinesis.ListShardsInput{StreamName: aws.String("s"), ShardFilter: &types.ShardFilter{Type: types.ShardFilterTypeAfterShardId}})},
		{"AT_TIMESTAMP without Timestamp", list(&kinesis.ListShardsInput{StreamName: aws.String("s"), ShardFilter: &types.ShardFilter{Type: types.ShardFilterTypeAtTimestamp}})},
		{"FROM_TIMESTAMP without Timestamp", list(&kinesis.ListShardsInput{StreamName: aws.String("s"), ShardFilter: &types.ShardFilter{Type: types.ShardFilterTypeFromTimestamp}})},
		{"AT_LATEST with ShardId", list(&kinesis.ListShardsInput{StreamName: aws.String("s"), ShardFilter: &types.ShardFilter{Type: types.ShardFilterTypeAtLatest, ShardId: aws.String("shardId-000000000000")}})},
		{"AT_TRIM_HORIZON with Timestamp", list(&kinesis.ListShardsInput{StreamName: aws.String("s"), ShardFilter: &types.ShardFilter{Type: types.ShardFilterTypeAtTrimHorizon, Timestamp: &now}})},
		{"AFTER_SHARD_ID with Timestamp", list(&kinesis.ListShardsInput{StreamName: aws.String("s"), ShardFilter: &types.ShardFilter{Type: types.ShardFilterTypeAfterShardId, ShardId: aws.String("shardId-000000000000"), Timestamp: &now}})},
		{"token and StreamName", list(&kinesis.ListShardsInput{NextToken: page.NextToken, StreamName: aws.String("s")})},
		{"token and StreamARN", list(&kinesis.ListShardsInput{NextToken: page.NextToken, StreamARN: aws.String(ctlARN("s"))})},
		{"token and ExclusiveStartShardId", list(&kinesis.ListShardsInput{NextToken: page.NextToken, ExclusiveStartShardId: aws.String("shardId-000000000000")})},
		{"token and ShardFilter", list(&kinesis.ListShardsInput{NextToken: page.NextToken, ShardFilter: &types.ShardFilter{Type: types.ShardFilterTypeAtLatest}})},
		{"token and StreamCreationTimestamp", list(&kinesis.ListShardsInput{NextToken: page.NextToken, StreamCreationTimestamp: &now})},
		{"garbage token", list(&kinesis.ListShardsInput{NextToken: aws.String("bm90IGEgdG9rZW4=")})},
		{"ListStreams token", list(&kinesis.ListShardsInput{NextToken: ctlListStreamsToken(t, e)})},
		{"not found", list(&kinesis.ListShardsInput{StreamName: aws.String("missing")})},
		{"ARN and name disagree", list(&kinesis.ListShardsInput{StreamName: aws.String("s"), StreamARN: aws.String(ctlARN("t"))})},
	})
}

// ctlListStreamsToken returns a ListStreams NextToken (the env must hold two streams or more).
func ctlListStreamsToken(t *testing.T, e *env) *string {
	t.Helper()
	e.createStream(t, "zz-extra", 1)
	out, err := e.Client.ListStreams(t.Context(), &kinesis.ListStreamsInput{Limit: aws.Int32(1)})
	if err != nil || out.NextToken == nil {
		t.Fatalf("ListStreams token: %v", err)
	}
	return out.NextToken
}
