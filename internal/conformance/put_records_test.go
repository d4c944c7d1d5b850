package conformance

import (
	"crypto/md5"
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/google/go-cmp/cmp"
)

// putShardEnds returns the inclusive end hash keys of n evenly split shards, computed the
// way AWS documents it (each range floor(2^128/n) wide, the last ending at 2^128-1).
func putShardEnds(n int) []*big.Int {
	space := new(big.Int).Lsh(big.NewInt(1), 128)
	step := new(big.Int).Quo(space, big.NewInt(int64(n)))
	ends := make([]*big.Int, n)
	for i := range n {
		ends[i] = new(big.Int).Sub(new(big.Int).Mul(step, big.NewInt(int64(i+1))), big.NewInt(1))
	}
	ends[n-1] = new(big.Int).Sub(space, big.NewInt(1))
	return ends
}

// putShardOf is the shard id owning hash key k among the given ends.
func putShardOf(ends []*big.Int, k *big.Int) string {
	for i, e := range ends {
		if k.Cmp(e) <= 0 {
			return fmt.Sprintf("shardId-%012d", i)
		}
	}
	panic("hash key beyond 2^128-1")
}

func putMD5(pk string) *big.Int {
	sum := md5.Sum([]byte(pk))
	return new(big.Int).SetBytes(sum[:])
}

func TestPutRecordsHashRouting(t *testing.T) {
	e := newEnv(t, envOptions{})
	client := e.Client
	ctx := t.Context()
	const shards = 5
	e.createStream(t, "routing", shards)
	ends := putShardEnds(shards)

	var entries []types.PutRecordsRequestEntry
	var want []string
	for i := range 400 {
		pk := fmt.Sprintf("key-%d", i)
		entries = append(entries, types.PutRecordsRequestEntry{PartitionKey: aws.String(pk), Data: []byte("x")})
		want = append(want, putShardOf(ends, putMD5(pk)))
	}
	// Explicit hash keys at the edges of the space and of every range.
	max := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 128), big.NewInt(1))
	edges := []*big.Int{big.NewInt(0), max}
	for _, end := range ends[:shards-1] {
		edges = append(edges, end, new(big.Int).Add(end, big.NewInt(1)))
	}
	for _, k := range edges {
		entries = append(entries, types.PutRecordsRequestEntry{PartitionKey: aws.String("ignored"), ExplicitHashKey: aws.String(k.String()), Data: []byte("y")})
		want = append(want, putShardOf(ends, k))
	}
	out, err := client.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("routing"), Records: entries})
	if err != nil {
		t.Fatal(err)
	}
	if *out.FailedRecordCount != 0 || out.EncryptionType != types.EncryptionTypeNone {
		t.Fatalf("FailedRecordCount %d, EncryptionType %q", *out.FailedRecordCount, out.EncryptionType)
	}
	var got []string
	for _, r := range out.Records {
		got = append(got, aws.ToString(r.ShardId))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("PutRecords shard ids (-want +got):\n%s", diff)
	}

	// PutRecord routes the same way.
	for i, k := range edges {
		out, err := client.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("routing"), PartitionKey: aws.String("p"), ExplicitHashKey: aws.String(k.String()), Data: []byte("z")})
		if err != nil {
			t.Fatal(err)
		}
		if w := want[400+i]; *out.ShardId != w {
			t.Errorf("PutRecord ExplicitHashKey %s: shard %s, want %s", k, *out.ShardId, w)
		}
	}
	for i := range 20 {
		pk := fmt.Sprintf("single-%d", i)
		out, err := client.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("routing"), PartitionKey: aws.String(pk), Data: []byte("z")})
		if err != nil {
			t.Fatal(err)
		}
		if w := putShardOf(ends, putMD5(pk)); *out.ShardId != w {
			t.Errorf("PutRecord %s: shard %s, want %s", pk, *out.ShardId, w)
		}
	}

	tooBig := new(big.Int).Lsh(big.NewInt(1), 128).String()
	_, err = client.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("routing"), Records: []types.PutRecordsRequestEntry{
		{PartitionKey: aws.String("a"), Data: []byte{}, ExplicitHashKey: aws.String(tooBig)}, {PartitionKey: aws.String("a"), Data: []byte{}},
	}})
	wantError(t, err, "InvalidArgumentException", "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was "+tooBig)
	_, err = client.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("routing"), PartitionKey: aws.String("a"), Data: []byte{}, ExplicitHashKey: aws.String(tooBig)})
	wantError(t, err, "InvalidArgumentException", "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was "+tooBig)
}

// Writes follow the stream's state and encryption: CREATING is not found, UPDATING (here:
// while encryption starts) takes writes, and answers carry the stream's EncryptionType.
// StreamARN addresses the stream as StreamName does.
func TestPutRecordsStreamState(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)}
	e := newEnv(t, envOptions{StateDelay: time.Minute, Now: clock.Now})
	client := e.Client
	ctx := t.Context()
	if _, err := e.Client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("state"), ShardCount: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	_, err := client.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("state"), PartitionKey: aws.String("a"), Data: []byte("x")})
	wantError(t, err, "ResourceNotFoundException", "Stream state under account 000000000000 not found.")
	_, err = client.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("state"), Records: putEntries(2, 1)})
	wantError(t, err, "ResourceNotFoundException", "Stream state under account 000000000000 not found.")

	clock.Advance(time.Minute) // ACTIVE
	arn := aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/state")
	one, err := client.PutRecord(ctx, &kinesis.PutRecordInput{StreamARN: arn, PartitionKey: aws.String("a"), Data: []byte("x")})
	if err != nil {
		t.Fatal(err)
	}
	if one.EncryptionType != types.EncryptionTypeNone {
		t.Fatalf("EncryptionType %q, want NONE", one.EncryptionType)
	}
	if _, err := client.StartStreamEncryption(ctx, &kinesis.StartStreamEncryptionInput{StreamName: aws.String("state"), EncryptionType: types.EncryptionTypeKms, KeyId: aws.String("alias/aws/kinesis")}); err != nil {
		t.Fatal(err)
	}
	// UPDATING for a minute: still writable, and encrypted from now on.
	out, err := client.PutRecords(ctx, &kinesis.PutRecordsInput{StreamARN: arn, StreamName: aws.String("state"), Records: putEntries(3, 1)})
	if err != nil {
		t.Fatal(err)
	}
	if out.EncryptionType != types.EncryptionTypeKms || *out.FailedRecordCount != 0 {
		t.Fatalf("EncryptionType %q, %d failed; want KMS, 0", out.EncryptionType, *out.FailedRecordCount)
	}
	one, err = client.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("state"), PartitionKey: aws.String("a"), Data: []byte("x")})
	if err != nil {
		t.Fatal(err)
	}
	if one.EncryptionType != types.EncryptionTypeKms {
		t.Fatalf("EncryptionType %q, want KMS", one.EncryptionType)
	}
}

// A shard whose engine log is gone while the metadata still lists it open (no reshard
// explains it): the write is retried a bounded number of times, then its records fail with
// InternalFailure, never silently; records for healthy shards are written.
func TestPutRecordsShardLogGone(t *testing.T) {
	e := newEnv(t, envOptions{})
	client := e.Client
	ctx := t.Context()
	e.createStream(t, "broken", 2)
	sum, err := client.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("broken")})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Store.DeleteLog(ctx, *sum.StreamDescriptionSummary.StreamId+"_1"); err != nil { // shard 1's log
		t.Fatal(err)
	}
	ends := putShardEnds(2)
	out, err := client.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("broken"), Records: putEntries(40, 5)})
	if err != nil {
		t.Fatal(err)
	}
	failed := 0
	for i, r := range out.Records {
		want := putShardOf(ends, putMD5(fmt.Sprintf("k%d", i)))
		switch {
		case want == "shardId-000000000001":
			if aws.ToString(r.ErrorCode) != "InternalFailure" || aws.ToString(r.ErrorMessage) != "Internal service failure." || r.SequenceNumber != nil {
				t.Fatalf("record %d for the broken shard: %+v", i, r)
			}
			failed++
		case r.ErrorCode != nil || aws.ToString(r.ShardId) != want:
			t.Fatalf("record %d for %s: %+v", i, want, r)
		}
	}
	if failed == 0 || int(*out.FailedRecordCount) != failed {
		t.Fatalf("FailedRecordCount %d, %d records for the broken shard", *out.FailedRecordCount, failed)
	}
	_, err = client.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("broken"), PartitionKey: aws.String("x"), Data: []byte("x"), ExplicitHashKey: aws.String(ends[1].String())})
	if code, _ := apiError(t, err); code != "InternalFailure" {
		t.Fatalf("PutRecord to the broken shard: %v", err)
	}
}
