package conformance

import (
	"encoding/json"
	"fmt"
	"math/big"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/google/go-cmp/cmp"
)

// TestRestartKeepsEverything builds streams using every control-plane setting, writes
// records, stops the server and its engine, starts a new one on the same data directory and
// checks that every answer is the same: streams, shards (split and merged ones too), tags,
// retention, encryption, monitoring, policies, limits, record sizes, modes, records and a
// shard iterator issued before the restart.
func TestRestartKeepsEverything(t *testing.T) {
	dir := t.TempDir()
	e := newEnv(t, envOptions{DataDir: dir})
	ctx := t.Context()
	c := e.Client

	e.createStream(t, "orders", 3)
	arn := "arn:aws:kinesis:us-east-1:000000000000:stream/orders"
	restartDo(t, "AddTagsToStream", func() error {
		_, err := c.AddTagsToStream(ctx, &kinesis.AddTagsToStreamInput{StreamName: aws.String("orders"), Tags: map[string]string{"team": "billing", "env": "test"}})
		return err
	})
	restartDo(t, "TagResource", func() error {
		_, err := c.TagResource(ctx, &kinesis.TagResourceInput{ResourceARN: aws.String(arn), Tags: map[string]string{"cost-center": "42"}})
		return err
	})
	restartDo(t, "IncreaseStreamRetentionPeriod", func() error {
		_, err := c.IncreaseStreamRetentionPeriod(ctx, &kinesis.IncreaseStreamRetentionPeriodInput{StreamName: aws.String("orders"), RetentionPeriodHours: aws.Int32(72)})
		return err
	})
	restartDo(t, "EnableEnhancedMonitoring", func() error {
		_, err := c.EnableEnhancedMonitoring(ctx, &kinesis.EnableEnhancedMonitoringInput{StreamName: aws.String("orders"), ShardLevelMetrics: []types.MetricsName{types.MetricsNameIncomingBytes, types.MetricsNameIteratorAgeMilliseconds}})
		return err
	})
	restartDo(t, "PutResourcePolicy", func() error {
		_, err := c.PutResourcePolicy(ctx, &kinesis.PutResourcePolicyInput{ResourceARN: aws.String(arn), Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kinesis:GetRecords","Resource":"` + arn + `"}]}`)})
		return err
	})
	restartDo(t, "UpdateMaxRecordSize", func() error {
		_, err := c.UpdateMaxRecordSize(ctx, &kinesis.UpdateMaxRecordSizeInput{StreamARN: aws.String(arn), MaxRecordSizeInKiB: aws.Int32(2048)})
		return err
	})
	// Records before and after encryption starts, in every shard.
	restartPut(t, e, "orders", "plain", 30)
	restartDo(t, "StartStreamEncryption", func() error {
		_, err := c.StartStreamEncryption(ctx, &kinesis.StartStreamEncryptionInput{StreamName: aws.String("orders"), EncryptionType: types.EncryptionTypeKms, KeyId: aws.String("alias/aws/kinesis")})
		return err
	})
	restartPut(t, e, "orders", "sealed", 30)
	restartDo(t, "SplitShard", func() error {
		_, err := c.SplitShard(ctx, &kinesis.SplitShardInput{StreamName: aws.String("orders"), ShardToSplit: aws.String("shardId-000000000000"), NewStartingHashKey: aws.String("10")})
		return err
	})
	restartDo(t, "MergeShards", func() error {
		_, err := c.MergeShards(ctx, &kinesis.MergeShardsInput{StreamName: aws.String("orders"), ShardToMerge: aws.String("shardId-000000000001"), AdjacentShardToMerge: aws.String("shardId-000000000002")})
		return err
	})
	restartPut(t, e, "orders", "resharded", 30)

	out, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{
		StreamName: aws.String("clicks"), StreamModeDetails: &types.StreamModeDetails{StreamMode: types.StreamModeOnDemand},
		Tags: map[string]string{"tier": "gold"}, MaxRecordSizeInKiB: aws.Int32(4096), WarmThroughputMiBps: aws.Int32(10),
	})
	if err != nil {
		t.Fatalf("CreateStream clicks: %v (%v)", err, out)
	}
	e.createStream(t, "to-on-demand", 2)
	restartDo(t, "UpdateStreamMode", func() error {
		_, err := c.UpdateStreamMode(ctx, &kinesis.UpdateStreamModeInput{StreamARN: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/to-on-demand"), StreamModeDetails: &types.StreamModeDetails{StreamMode: types.StreamModeOnDemand}})
		return err
	})
	clicksARN := aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/clicks")
	restartDo(t, "UpdateAccountSettings", func() error {
		_, err := c.UpdateAccountSettings(ctx, &kinesis.UpdateAccountSettingsInput{MinimumThroughputBillingCommitment: &types.MinimumThroughputBillingCommitmentInput{Status: types.MinimumThroughputBillingCommitmentInputStatusEnabled}})
		return err
	})
	restartDo(t, "UpdateStreamWarmThroughput", func() error {
		_, err := c.UpdateStreamWarmThroughput(ctx, &kinesis.UpdateStreamWarmThroughputInput{StreamARN: clicksARN, WarmThroughputMiBps: aws.Int32(25)})
		return err
	})
	restartDo(t, "UpdateStreamRecordDistributionStrategy", func() error {
		_, err := c.UpdateStreamRecordDistributionStrategy(ctx, &kinesis.UpdateStreamRecordDistributionStrategyInput{StreamARN: clicksARN, RecordDistributionStrategy: types.RecordDistributionStrategyAuto})
		return err
	})
	restartPut(t, e, "clicks", "click", 10)
	// Another account and region are namespaces of their own.
	other := e.client("111122223333", "eu-west-1")
	if _, err := other.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("orders"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}

	it, err := c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("orders"), ShardId: aws.String("shardId-000000000001"), ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
	if err != nil {
		t.Fatal(err)
	}
	before := restartSnapshot(t, e, other)
	beforeIt := restartReadIterator(t, e, aws.ToString(it.ShardIterator))
	if len(beforeIt) == 0 {
		t.Fatal("shard 1 holds no records before the restart")
	}

	restartClose(e)
	e = newEnv(t, envOptions{DataDir: dir})
	other = e.client("111122223333", "eu-west-1")

	after := restartSnapshot(t, e, other)
	if diff := cmp.Diff(restartJSON(t, before), restartJSON(t, after)); diff != "" {
		t.Errorf("state after restart differs (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff(beforeIt, restartReadIterator(t, e, aws.ToString(it.ShardIterator))); diff != "" {
		t.Errorf("iterator issued before the restart reads differently after it (-before +after):\n%s", diff)
	}
	// Writes continue after the stored ones.
	put, err := e.Client.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("orders"), PartitionKey: aws.String("k"), ExplicitHashKey: aws.String("340282366920938463463374607431768211455"), Data: []byte("after")})
	if err != nil {
		t.Fatal(err)
	}
	last := restartLastSeq(before, aws.ToString(put.ShardId))
	if got, _ := new(big.Int).SetString(aws.ToString(put.SequenceNumber), 10); got == nil || got.Cmp(last) <= 0 {
		t.Errorf("sequence number after restart %s, want above %s", aws.ToString(put.SequenceNumber), last)
	}
}

// restartDo runs one setup call and fails the test with its operation name.
func restartDo(t *testing.T, op string, fn func() error) {
	t.Helper()
	if err := fn(); err != nil {
		t.Fatalf("%s: %v", op, err)
	}
}

// restartClose stops an env's service and engine before the test ends, as a process exit
// would; the harness's cleanup closing them again is harmless.
func restartClose(e *env) {
	e.Svc.Close()
	e.Store.Close()
}

// restartPut writes n records with partition keys prefix-0.. to a stream.
func restartPut(t *testing.T, e *env, stream, prefix string, n int) {
	t.Helper()
	var entries []types.PutRecordsRequestEntry
	for i := range n {
		entries = append(entries, types.PutRecordsRequestEntry{PartitionKey: aws.String(fmt.Sprintf("%s-%d", prefix, i)), Data: fmt.Appendf(nil, "%s record %d", prefix, i)})
	}
	out, err := e.Client.PutRecords(t.Context(), &kinesis.PutRecordsInput{StreamName: aws.String(stream), Records: entries})
	if err != nil {
		t.Fatalf("PutRecords %s: %v", stream, err)
	}
	if aws.ToInt32(out.FailedRecordCount) != 0 {
		t.Fatalf("PutRecords %s: %d failed", stream, aws.ToInt32(out.FailedRecordCount))
	}
}

// restartRecord is a record as GetRecords returns it.
type restartRecord struct {
	Seq, PartitionKey, Data, Encryption string
	Arrival                             int64
}

func restartRecords(rs []types.Record) []restartRecord {
	var out []restartRecord
	for _, r := range rs {
		out = append(out, restartRecord{
			Seq: aws.ToString(r.SequenceNumber), PartitionKey: aws.ToString(r.PartitionKey), Data: string(r.Data),
			Encryption: string(r.EncryptionType), Arrival: aws.ToTime(r.ApproximateArrivalTimestamp).UnixMilli(),
		})
	}
	return out
}

// restartReadIterator reads a shard to its current end from an iterator.
func restartReadIterator(t *testing.T, e *env, it string) []restartRecord {
	t.Helper()
	var out []restartRecord
	for range 100 {
		res, err := e.Client.GetRecords(t.Context(), &kinesis.GetRecordsInput{ShardIterator: aws.String(it)})
		if err != nil {
			t.Fatalf("GetRecords: %v", err)
		}
		out = append(out, restartRecords(res.Records)...)
		if len(res.Records) == 0 || res.NextShardIterator == nil {
			return out
		}
		it = aws.ToString(res.NextShardIterator)
	}
	t.Fatal("GetRecords does not reach the end of the shard")
	return nil
}

// restartStream is everything the API shows about one stream.
type restartStream struct {
	Description *types.StreamDescription
	Summary     *types.StreamDescriptionSummary
	Shards      []types.Shard
	StreamTags  []types.Tag
	Tags        []types.Tag
	Policy      string
	Records     map[string][]restartRecord // by shard id
}

// restartSnapshot is what every API that reads state answers for each stream of the
// default client's and other's namespaces.
func restartSnapshot(t *testing.T, e *env, other *kinesis.Client) map[string]any {
	t.Helper()
	ctx := t.Context()
	snap := map[string]any{}
	for ns, c := range map[string]*kinesis.Client{"000000000000/us-east-1": e.Client, "111122223333/eu-west-1": other} {
		ls, err := c.ListStreams(ctx, &kinesis.ListStreamsInput{})
		if err != nil {
			t.Fatalf("ListStreams: %v", err)
		}
		if aws.ToBool(ls.HasMoreStreams) {
			t.Fatal("ListStreams has more streams")
		}
		snap[ns+" ListStreams"] = ls.StreamSummaries
		lim, err := c.DescribeLimits(ctx, &kinesis.DescribeLimitsInput{})
		if err != nil {
			t.Fatalf("DescribeLimits: %v", err)
		}
		snap[ns+" DescribeLimits"] = []any{lim.ShardLimit, lim.OpenShardCount, lim.OnDemandStreamCount, lim.OnDemandStreamCountLimit}
		acct, err := c.DescribeAccountSettings(ctx, &kinesis.DescribeAccountSettingsInput{})
		if err != nil {
			t.Fatalf("DescribeAccountSettings: %v", err)
		}
		snap[ns+" DescribeAccountSettings"] = acct.MinimumThroughputBillingCommitment
		for _, name := range ls.StreamNames {
			snap[ns+" "+name] = restartDescribe(t, c, name)
		}
	}
	return snap
}

func restartDescribe(t *testing.T, c *kinesis.Client, name string) restartStream {
	t.Helper()
	ctx := t.Context()
	var s restartStream
	din := &kinesis.DescribeStreamInput{StreamName: aws.String(name)}
	for {
		out, err := c.DescribeStream(ctx, din)
		if err != nil {
			t.Fatalf("DescribeStream %s: %v", name, err)
		}
		if s.Description == nil {
			s.Description = out.StreamDescription
		} else {
			s.Description.Shards = append(s.Description.Shards, out.StreamDescription.Shards...)
		}
		if !aws.ToBool(out.StreamDescription.HasMoreShards) {
			break
		}
		din.ExclusiveStartShardId = out.StreamDescription.Shards[len(out.StreamDescription.Shards)-1].ShardId
	}
	sum, err := c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
	if err != nil {
		t.Fatalf("DescribeStreamSummary %s: %v", name, err)
	}
	s.Summary = sum.StreamDescriptionSummary
	arn := s.Summary.StreamARN
	ls, err := c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String(name)})
	if err != nil {
		t.Fatalf("ListShards %s: %v", name, err)
	}
	if ls.NextToken != nil {
		t.Fatalf("ListShards %s has more shards", name)
	}
	s.Shards = ls.Shards
	st, err := c.ListTagsForStream(ctx, &kinesis.ListTagsForStreamInput{StreamName: aws.String(name)})
	if err != nil {
		t.Fatalf("ListTagsForStream %s: %v", name, err)
	}
	s.StreamTags = st.Tags
	rt, err := c.ListTagsForResource(ctx, &kinesis.ListTagsForResourceInput{ResourceARN: arn})
	if err != nil {
		t.Fatalf("ListTagsForResource %s: %v", name, err)
	}
	s.Tags = rt.Tags
	pol, err := c.GetResourcePolicy(ctx, &kinesis.GetResourcePolicyInput{ResourceARN: arn})
	if err != nil {
		t.Fatalf("GetResourcePolicy %s: %v", name, err)
	}
	s.Policy = aws.ToString(pol.Policy)
	s.Records = map[string][]restartRecord{}
	for _, sh := range s.Shards {
		it, err := c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String(name), ShardId: sh.ShardId, ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
		if err != nil {
			t.Fatalf("GetShardIterator %s %s: %v", name, aws.ToString(sh.ShardId), err)
		}
		var recs []restartRecord
		next := it.ShardIterator
		for next != nil {
			res, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: next})
			if err != nil {
				t.Fatalf("GetRecords %s %s: %v", name, aws.ToString(sh.ShardId), err)
			}
			recs = append(recs, restartRecords(res.Records)...)
			if len(res.Records) == 0 {
				break
			}
			next = res.NextShardIterator
		}
		s.Records[aws.ToString(sh.ShardId)] = recs
	}
	return s
}

// restartLastSeq is the highest sequence number a snapshot holds in a shard of "orders".
func restartLastSeq(snap map[string]any, shardID string) *big.Int {
	last := new(big.Int)
	for _, r := range snap["000000000000/us-east-1 orders"].(restartStream).Records[shardID] {
		if n, ok := new(big.Int).SetString(r.Seq, 10); ok && n.Cmp(last) > 0 {
			last = n
		}
	}
	return last
}

// restartJSON renders a snapshot for comparison.
func restartJSON(t *testing.T, snap map[string]any) string {
	t.Helper()
	b, err := json.MarshalIndent(snap, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
