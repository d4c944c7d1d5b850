package conformance

import (
	"fmt"
	"math/big"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// largeShardOpts compares SDK shard shapes, which carry an unexported no-serde marker.
var largeShardOpts = cmpopts.IgnoreUnexported(types.Shard{}, types.HashKeyRange{}, types.SequenceNumberRange{})

// TestLargeStream500Shards creates a stream of 500 shards (the default account limit) and
// checks that ListShards and DescribeStream show 500 shards whose hash-key ranges cover
// 0..2^128-1 contiguously, evenly, without gap or overlap.
func TestLargeStream500Shards(t *testing.T) {
	const n = 500
	e := newEnv(t, envOptions{ShardLimit: n})
	ctx := t.Context()
	start := time.Now()
	e.createStream(t, "large", n)
	t.Logf("CreateStream of %d shards, until ACTIVE: %v", n, time.Since(start))

	var listed []types.Shard
	in := &kinesis.ListShardsInput{StreamName: aws.String("large"), MaxResults: aws.Int32(100)}
	for page := 0; ; page++ {
		out, err := e.Client.ListShards(ctx, in)
		if err != nil {
			t.Fatalf("ListShards page %d: %v", page, err)
		}
		listed = append(listed, out.Shards...)
		if out.NextToken == nil {
			break
		}
		if page > n {
			t.Fatal("ListShards does not stop paging")
		}
		in = &kinesis.ListShardsInput{NextToken: out.NextToken, MaxResults: aws.Int32(100)}
	}
	largeCheckCoverage(t, listed, n)

	var described []types.Shard
	din := &kinesis.DescribeStreamInput{StreamName: aws.String("large")}
	for page := 0; ; page++ {
		out, err := e.Client.DescribeStream(ctx, din)
		if err != nil {
			t.Fatalf("DescribeStream page %d: %v", page, err)
		}
		d := out.StreamDescription
		described = append(described, d.Shards...)
		if !aws.ToBool(d.HasMoreShards) || len(d.Shards) == 0 {
			break
		}
		if page > n {
			t.Fatal("DescribeStream does not stop paging")
		}
		din.ExclusiveStartShardId = d.Shards[len(d.Shards)-1].ShardId
	}
	if diff := cmp.Diff(listed, described, largeShardOpts); diff != "" {
		t.Errorf("DescribeStream shards differ from ListShards (-list +describe):\n%s", diff)
	}

	sum, err := e.Client.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("large")})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToInt32(sum.StreamDescriptionSummary.OpenShardCount); got != n {
		t.Errorf("OpenShardCount %d, want %d", got, n)
	}
	_, err = e.Client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("one-more"), ShardCount: aws.Int32(1)})
	wantError(t, err, "LimitExceededException", "This request would exceed the shard limit for the account 000000000000 in us-east-1. Current shard count for the account: 500. Limit: 500. Number of additional shards that would have resulted from this request: 1. Refer to the AWS Service Limits page (https://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits.")
}

// largeCheckCoverage asserts shards are shardId-000000000000.. in order of their ranges,
// which tile 0..2^128-1 with sizes within n of 2^128/n.
func largeCheckCoverage(t *testing.T, shards []types.Shard, n int) {
	t.Helper()
	if len(shards) != n {
		t.Fatalf("%d shards, want %d", len(shards), n)
	}
	type rng struct {
		id         string
		start, end *big.Int
	}
	rs := make([]rng, len(shards))
	for i, sh := range shards {
		start, ok1 := new(big.Int).SetString(aws.ToString(sh.HashKeyRange.StartingHashKey), 10)
		end, ok2 := new(big.Int).SetString(aws.ToString(sh.HashKeyRange.EndingHashKey), 10)
		if !ok1 || !ok2 || start.Cmp(end) > 0 {
			t.Fatalf("shard %s: bad range %s..%s", aws.ToString(sh.ShardId), aws.ToString(sh.HashKeyRange.StartingHashKey), aws.ToString(sh.HashKeyRange.EndingHashKey))
		}
		if sh.ParentShardId != nil || sh.AdjacentParentShardId != nil || sh.SequenceNumberRange == nil ||
			sh.SequenceNumberRange.StartingSequenceNumber == nil || sh.SequenceNumberRange.EndingSequenceNumber != nil {
			t.Fatalf("shard %s: unexpected lineage or sequence range: %+v", aws.ToString(sh.ShardId), sh)
		}
		rs[i] = rng{aws.ToString(sh.ShardId), start, end}
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].start.Cmp(rs[j].start) < 0 })
	space := new(big.Int).Lsh(big.NewInt(1), 128)
	ideal := new(big.Int).Div(space, big.NewInt(int64(n)))
	next := new(big.Int)
	one := big.NewInt(1)
	for i, r := range rs {
		if want := fmt.Sprintf("shardId-%012d", i); r.id != want {
			t.Fatalf("shard %d in key order is %s, want %s", i, r.id, want)
		}
		if r.start.Cmp(next) != 0 {
			t.Fatalf("%s starts at %s, want %s (gap or overlap)", r.id, r.start, next)
		}
		size := new(big.Int).Sub(r.end, r.start)
		size.Add(size, one)
		if d := new(big.Int).Sub(size, ideal); d.Abs(d).Cmp(big.NewInt(int64(n))) > 0 {
			t.Errorf("%s holds %s keys, want about %s", r.id, size, ideal)
		}
		next.Add(r.end, one)
	}
	if next.Cmp(space) != 0 {
		t.Fatalf("ranges end at %s, want 2^128-1", new(big.Int).Sub(next, one))
	}
}
