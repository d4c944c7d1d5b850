package conformance

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/freshet/freshet/internal/seqnum"
)

// putEntries returns n entries of size-byte records with distinct partition keys.
func putEntries(n, size int) []types.PutRecordsRequestEntry {
	out := make([]types.PutRecordsRequestEntry, n)
	for i := range out {
		out[i] = types.PutRecordsRequestEntry{PartitionKey: aws.String(fmt.Sprintf("k%d", i)), Data: bytes.Repeat([]byte{'d'}, size)}
	}
	return out
}

func TestPutRecordsValidation(t *testing.T) {
	t.Parallel() // large bodies: overlap with other tests
	e := newEnv(t, envOptions{})
	client := e.Client
	ctx := t.Context()
	e.createStream(t, "valid", 1)
	long := strings.Repeat("a", 129)
	pk257 := strings.Repeat("p", 257)
	var lines []string
	add := func(name string, err error) { lines = append(lines, name+": "+errorLine(t, err)) }

	_, err := client.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String(""), Records: []types.PutRecordsRequestEntry{}})
	add("empty", err)
	_, err = client.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String(""), Records: []types.PutRecordsRequestEntry{
		{PartitionKey: aws.String(""), Data: []byte{}, ExplicitHashKey: aws.String("")},
	}})
	add("empty entry", err)
	_, err = client.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String(long), Records: []types.PutRecordsRequestEntry{
		{PartitionKey: aws.String("ok"), Data: []byte("ok")},
		{PartitionKey: aws.String(pk257), Data: make([]byte, 10<<20+1), ExplicitHashKey: aws.String("01")},
	}})
	add("long", err)
	many := make([]types.PutRecordsRequestEntry, 501)
	for i := range many {
		many[i] = types.PutRecordsRequestEntry{PartitionKey: aws.String(""), Data: []byte{}}
	}
	_, err = client.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("valid"), Records: many})
	add("501 records", err)
	_, err = client.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("valid"), Records: []types.PutRecordsRequestEntry{{Data: []byte("x")}}})
	add("no partition key", err)
	_, err = client.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("missing"), Records: putEntries(1, 1)})
	add("missing stream", err)
	_, err = client.PutRecords(ctx, &kinesis.PutRecordsInput{Records: putEntries(1, 1)})
	add("no stream", err)
	_, err = client.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("valid"), Records: putEntries(11, 1000000)})
	add("request over 10 MiB", err)
	_, err = client.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("valid"), Records: []types.PutRecordsRequestEntry{
		{PartitionKey: aws.String("a"), Data: make([]byte, 10)},
		{PartitionKey: aws.String("ab"), Data: make([]byte, 1<<20-1)},
	}})
	add("record over 1 MiB", err)

	_, err = client.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String(""), PartitionKey: aws.String(""), Data: []byte{}, ExplicitHashKey: aws.String(""), SequenceNumberForOrdering: aws.String("")})
	add("PutRecord empty", err)
	_, err = client.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String(long), PartitionKey: aws.String(pk257), Data: []byte{}, ExplicitHashKey: aws.String("x")})
	add("PutRecord long", err)
	_, err = client.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("valid"), Data: []byte("x")})
	add("PutRecord no partition key", err)
	_, err = client.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("missing"), PartitionKey: aws.String("a"), Data: []byte("x")})
	add("PutRecord missing stream", err)
	_, err = client.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("valid"), PartitionKey: aws.String("a"), Data: make([]byte, 1<<20)})
	add("PutRecord over 1 MiB", err)
	_, err = client.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("valid"), PartitionKey: aws.String("a"), Data: []byte("x"), SequenceNumberForOrdering: aws.String("1")})
	add("PutRecord bad ordering", err)
	future := seqnum.Num{ShardCreated: 1, Arrival: uint64(time.Now().Unix() + 3600)}.String()
	_, err = client.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("valid"), PartitionKey: aws.String("a"), Data: []byte("x"), SequenceNumberForOrdering: aws.String(future)})
	lines = append(lines, "PutRecord future ordering: "+strings.ReplaceAll(errorLine(t, err), future, "<future>"))
	golden(t, "put_records_validation", strings.Join(lines, "\n")+"\n")
}

// putFailures returns the indexes of failed entries, checking each failure is a throttle
// with AWS's text.
func putFailures(t *testing.T, out *kinesis.PutRecordsOutput, shard, stream string) []int {
	t.Helper()
	var failed []int
	for i, r := range out.Records {
		if r.ErrorCode == nil {
			if r.SequenceNumber == nil || aws.ToString(r.ShardId) != shard {
				t.Fatalf("record %d: %+v", i, r)
			}
			continue
		}
		want := "Rate exceeded for shard " + shard + " in stream " + stream + " under account 000000000000."
		if *r.ErrorCode != "ProvisionedThroughputExceededException" || aws.ToString(r.ErrorMessage) != want || r.SequenceNumber != nil {
			t.Fatalf("record %d: %s: %s", i, *r.ErrorCode, aws.ToString(r.ErrorMessage))
		}
		failed = append(failed, i)
	}
	if int(*out.FailedRecordCount) != len(failed) {
		t.Fatalf("FailedRecordCount %d, %d entries failed", *out.FailedRecordCount, len(failed))
	}
	return failed
}

func TestPutRecordsShardLimits(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)}
	e := newEnv(t, envOptions{EnforceLimits: true, Now: clock.Now})
	client := e.Client
	ctx := t.Context()
	e.createStream(t, "limited", 1)
	put := func(n, size int) []int {
		t.Helper()
		out, err := client.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("limited"), Records: putEntries(n, size)})
		if err != nil {
			t.Fatal(err)
		}
		return putFailures(t, out, "shardId-000000000000", "limited")
	}

	// Below 1,000 records/s: 800 records a second for 5 seconds, none throttled.
	for range 10 {
		if f := put(400, 10); len(f) != 0 {
			t.Fatalf("throttled below the limit at %v: %d records", clock.Now(), len(f))
		}
		clock.Advance(500 * time.Millisecond)
	}

	// Above it: a full second's worth passes, the rest of the second is throttled.
	clock.Advance(2 * time.Second)
	if f := put(500, 10); len(f) != 0 {
		t.Fatalf("first 500: %d throttled", len(f))
	}
	if f := put(500, 10); len(f) != 0 {
		t.Fatalf("second 500: %d throttled", len(f))
	}
	if f := put(500, 10); len(f) != 500 {
		t.Fatalf("third 500: %d throttled, want all", len(f))
	}
	_, err := client.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("limited"), PartitionKey: aws.String("a"), Data: []byte("x")})
	wantError(t, err, "ProvisionedThroughputExceededException", "Rate exceeded for shard shardId-000000000000 in stream limited under account 000000000000.")
	// A quarter second refills 250 records: the first 250 pass, the tail is throttled.
	clock.Advance(250 * time.Millisecond)
	f := put(500, 10)
	if len(f) != 250 || f[0] != 250 {
		t.Fatalf("after 250ms: throttled %d records starting at %v, want 250 starting at 250", len(f), f[:min(1, len(f))])
	}

	// 1 MiB/s: two 600 KiB records in one second, the second is throttled.
	clock.Advance(2 * time.Second)
	if f := put(2, 600<<10); len(f) != 1 || f[0] != 1 {
		t.Fatalf("two 600 KiB records: throttled %v, want [1]", f)
	}
}

func TestPutRecordsDryRun(t *testing.T) {
	e := newEnv(t, envOptions{})
	client := e.Client
	ctx := t.Context()
	e.createStream(t, "dry", 1)
	const msg = "Request would have succeeded, but DryRun flag is set."
	_, err := client.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("dry"), Records: putEntries(3, 3), DryRun: aws.Bool(true)})
	wantError(t, err, "DryRunOperationException", msg)
	_, err = client.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("dry"), PartitionKey: aws.String("a"), Data: []byte("x"), DryRun: aws.Bool(true)})
	wantError(t, err, "DryRunOperationException", msg)
	// Checks still run first.
	_, err = client.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("nope"), PartitionKey: aws.String("a"), Data: []byte("x"), DryRun: aws.Bool(true)})
	wantError(t, err, "ResourceNotFoundException", "Stream nope under account 000000000000 not found.")
	_, err = client.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("dry"), Records: []types.PutRecordsRequestEntry{{Data: []byte("x")}}, DryRun: aws.Bool(true)})
	wantError(t, err, "ValidationException", "1 validation error detected: Value null at 'records.1.member.partitionKey' failed to satisfy constraint: Member must not be null")
	// Nothing was written: the first real record is the shard's first.
	out, err := client.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("dry"), PartitionKey: aws.String("a"), Data: []byte("x")})
	if err != nil {
		t.Fatal(err)
	}
	n, err := seqnum.Parse(*out.SequenceNumber)
	if err != nil {
		t.Fatal(err)
	}
	if n.Index != 1<<9 { // engine message 1, record 0
		t.Fatalf("first record after dry runs has index %#x, want %#x", n.Index, 1<<9)
	}
}

func TestPutRecordsAutoDistribution(t *testing.T) {
	e := newEnv(t, envOptions{})
	client := e.Client
	ctx := t.Context()
	if _, err := e.Client.CreateStream(ctx, &kinesis.CreateStreamInput{
		StreamName:                 aws.String("auto"),
		StreamModeDetails:          &types.StreamModeDetails{StreamMode: types.StreamModeOnDemand},
		RecordDistributionStrategy: types.RecordDistributionStrategyAuto,
	}); err != nil {
		t.Fatal(err)
	}
	entries := make([]types.PutRecordsRequestEntry, 400)
	for i := range entries {
		entries[i] = types.PutRecordsRequestEntry{Data: []byte("x")} // no partition key
	}
	entries[7].PartitionKey = aws.String("same") // ignored
	entries[8].PartitionKey = aws.String("same")
	out, err := client.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("auto"), Records: entries})
	if err != nil {
		t.Fatal(err)
	}
	perShard := map[string]int{}
	for _, r := range out.Records {
		perShard[aws.ToString(r.ShardId)]++
	}
	if len(perShard) != 4 {
		t.Fatalf("records spread over %v, want 4 shards evenly", perShard)
	}
	for id, n := range perShard {
		if n != 100 {
			t.Fatalf("shard %s got %d of 400 records: %v", id, n, perShard)
		}
	}
	if _, err := client.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("auto"), Data: []byte("x")}); err != nil {
		t.Fatal(err)
	}
}
