package conformance

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/google/go-cmp/cmp"

	"github.com/freshet/freshet/internal/seqnum"
)

func TestGetShardIteratorErrors(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 11, 26, 6, 0, 0, 123e6, time.UTC)}
	e := newEnv(t, envOptions{Now: clock.Now})
	ctx := t.Context()
	e.createStream(t, "gsi", 2)
	stream := aws.String("gsi")
	// A record on shard 1 gives a sequence number of the wrong shard.
	put, err := e.Client.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: stream, PartitionKey: aws.String("k"), Data: []byte("x"),
		ExplicitHashKey: aws.String("340282366920938463463374607431768211455")})
	if err != nil {
		t.Fatal(err)
	}
	otherShard := aws.ToString(put.SequenceNumber)
	shard0 := seqnum.Num{ShardCreated: uint64(clock.Now().Unix()), Index: 5}.String()
	otherIncarnation := seqnum.Num{ShardCreated: 12345, Index: 5}.String()
	long := strings.Repeat("a", 129)

	cases := []struct {
		name string
		in   kinesis.GetShardIteratorInput
	}{
		{"nothing", kinesis.GetShardIteratorInput{}},
		{"empty strings", kinesis.GetShardIteratorInput{StreamName: aws.String(""), ShardId: aws.String(""), ShardIteratorType: "", StartingSequenceNumber: aws.String("")}},
		{"long names", kinesis.GetShardIteratorInput{StreamName: aws.String(long), ShardId: aws.String(long), ShardIteratorType: types.ShardIteratorTypeLatest}},
		{"bad type", kinesis.GetShardIteratorInput{StreamName: stream, ShardId: aws.String("0"), ShardIteratorType: "OLDEST", StartingSequenceNumber: aws.String("01")}},
		{"no stream named", kinesis.GetShardIteratorInput{ShardId: aws.String("0"), ShardIteratorType: types.ShardIteratorTypeLatest}},
		{"unknown stream", kinesis.GetShardIteratorInput{StreamName: aws.String("nope"), ShardId: aws.String("shardId-000000000000"), ShardIteratorType: types.ShardIteratorTypeLatest}},
		{"unknown stream, largest shard id", kinesis.GetShardIteratorInput{StreamName: aws.String("nope"), ShardId: aws.String("2147483647"), ShardIteratorType: types.ShardIteratorTypeLatest}},
		{"unknown stream, prefixed shard id", kinesis.GetShardIteratorInput{StreamName: aws.String("nope"), ShardId: aws.String("a-00002147483647"), ShardIteratorType: types.ShardIteratorTypeLatest}},
		{"shard id too big", kinesis.GetShardIteratorInput{StreamName: stream, ShardId: aws.String("shardId-002147483648"), ShardIteratorType: types.ShardIteratorTypeLatest}},
		{"shard id not a number", kinesis.GetShardIteratorInput{StreamName: stream, ShardId: aws.String("ABKLFD8"), ShardIteratorType: types.ShardIteratorTypeLatest}},
		{"shard id exponent", kinesis.GetShardIteratorInput{StreamName: stream, ShardId: aws.String("2.14E4"), ShardIteratorType: types.ShardIteratorTypeLatest}},
		{"unknown shard", kinesis.GetShardIteratorInput{StreamName: stream, ShardId: aws.String("shardId-5"), ShardIteratorType: types.ShardIteratorTypeTrimHorizon}},
		{"at sequence, none given", kinesis.GetShardIteratorInput{StreamName: stream, ShardId: aws.String("shardId-0"), ShardIteratorType: types.ShardIteratorTypeAtSequenceNumber}},
		{"after sequence, none given", kinesis.GetShardIteratorInput{StreamName: stream, ShardId: aws.String("shardId-0"), ShardIteratorType: types.ShardIteratorTypeAfterSequenceNumber}},
		{"latest with a sequence", kinesis.GetShardIteratorInput{StreamName: stream, ShardId: aws.String("shardId-0"), ShardIteratorType: types.ShardIteratorTypeLatest, StartingSequenceNumber: aws.String(shard0)}},
		{"trim horizon with a sequence", kinesis.GetShardIteratorInput{StreamName: stream, ShardId: aws.String("shardId-0"), ShardIteratorType: types.ShardIteratorTypeTrimHorizon, StartingSequenceNumber: aws.String(shard0)}},
		{"sequence that does not parse", kinesis.GetShardIteratorInput{StreamName: stream, ShardId: aws.String("shardId-0"), ShardIteratorType: types.ShardIteratorTypeAtSequenceNumber, StartingSequenceNumber: aws.String("26227199374822427428162556223570313216")}},
		{"sequence of another shard", kinesis.GetShardIteratorInput{StreamName: stream, ShardId: aws.String("shardId-0"), ShardIteratorType: types.ShardIteratorTypeAtSequenceNumber, StartingSequenceNumber: aws.String(otherShard)}},
		{"sequence of another incarnation", kinesis.GetShardIteratorInput{StreamName: stream, ShardId: aws.String("shardId-0"), ShardIteratorType: types.ShardIteratorTypeAfterSequenceNumber, StartingSequenceNumber: aws.String(otherIncarnation)}},
		{"at timestamp, none given", kinesis.GetShardIteratorInput{StreamName: stream, ShardId: aws.String("shardId-0"), ShardIteratorType: types.ShardIteratorTypeAtTimestamp}},
		{"at timestamp in the future", kinesis.GetShardIteratorInput{StreamName: stream, ShardId: aws.String("shardId-0"), ShardIteratorType: types.ShardIteratorTypeAtTimestamp, Timestamp: aws.Time(clock.Now().Add(1500 * time.Millisecond))}},
		{"dry run", kinesis.GetShardIteratorInput{StreamName: stream, ShardId: aws.String("shardId-000000000001"), ShardIteratorType: types.ShardIteratorTypeTrimHorizon, DryRun: aws.Bool(true)}},
		{"dry run, unknown shard", kinesis.GetShardIteratorInput{StreamName: stream, ShardId: aws.String("shardId-000000000002"), ShardIteratorType: types.ShardIteratorTypeTrimHorizon, DryRun: aws.Bool(true)}},
		{"ARN of another stream", kinesis.GetShardIteratorInput{StreamName: stream, StreamARN: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/other"), ShardId: aws.String("0"), ShardIteratorType: types.ShardIteratorTypeLatest}},
	}
	var b strings.Builder
	for _, c := range cases {
		_, err := e.Client.GetShardIterator(ctx, &c.in, noInputValidation)
		b.WriteString(c.name + ": " + errorLine(t, err) + "\n")
	}
	golden(t, "get_shard_iterator_errors", b.String())
}

func TestGetRecordsErrors(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 11, 26, 6, 0, 0, 123e6, time.UTC)}
	e := newEnv(t, envOptions{Now: clock.Now})
	ctx := t.Context()
	e.createStream(t, "gr", 1)
	it := grIterator(t, e, &kinesis.GetShardIteratorInput{StreamName: aws.String("gr"), ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
	raw, err := base64.StdEncoding.DecodeString(it)
	if err != nil {
		t.Fatal(err)
	}
	raw[len(raw)/2] ^= 0x20
	tampered := base64.StdEncoding.EncodeToString(raw)

	cases := []struct {
		name string
		in   kinesis.GetRecordsInput
		c    *kinesis.Client
	}{
		{"nothing", kinesis.GetRecordsInput{}, nil},
		{"limits and empty iterator", kinesis.GetRecordsInput{ShardIterator: aws.String(""), Limit: aws.Int32(0)}, nil},
		{"limit too large, iterator too long", kinesis.GetRecordsInput{ShardIterator: aws.String(strings.Repeat("A", 513)), Limit: aws.Int32(10001)}, nil},
		{"not an iterator", kinesis.GetRecordsInput{ShardIterator: aws.String("AAAAAAAAAAEnotaniterator")}, nil},
		{"tampered", kinesis.GetRecordsInput{ShardIterator: aws.String(tampered)}, nil},
		{"ARN of another stream", kinesis.GetRecordsInput{ShardIterator: aws.String(it), StreamARN: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/other")}, nil},
		{"dry run", kinesis.GetRecordsInput{ShardIterator: aws.String(it), DryRun: aws.Bool(true)}, nil},
	}
	var b strings.Builder
	for _, c := range cases {
		if c.c == nil {
			c.c = e.Client
		}
		_, err := c.c.GetRecords(ctx, &c.in, noInputValidation)
		b.WriteString(c.name + ": " + errorLine(t, err) + "\n")
	}
	// At exactly five minutes an iterator is still valid; a millisecond later it is not.
	clock.Advance(5 * time.Minute)
	if _, err := e.Client.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: aws.String(it)}); err != nil {
		t.Fatalf("iterator 5 minutes old: %v", err)
	}
	clock.Advance(time.Millisecond)
	_, err = e.Client.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: aws.String(it)})
	b.WriteString("expired: " + errorLine(t, err) + "\n")
	// A deleted stream, and one recreated under the same name, do not accept old iterators.
	it = grIterator(t, e, &kinesis.GetShardIteratorInput{StreamName: aws.String("gr"), ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
	if _, err := e.Client.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("gr")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.Client.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: aws.String(it)})
	b.WriteString("deleted stream: " + errorLine(t, err) + "\n")
	e.createStream(t, "gr", 1)
	_, err = e.Client.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: aws.String(it)})
	b.WriteString("recreated stream: " + errorLine(t, err) + "\n")
	golden(t, "get_records_errors", b.String())
}

func TestGetShardIteratorAtSequenceAndTimestamp(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createStream(t, "seqs", 1)
	stream := aws.String("seqs")
	before := time.Now()
	first := grPut(t, e, "seqs", "a", 4)
	// Wait for the clock to pass the first batch, so a timestamp can fall between the two.
	mark := time.Now().Add(2 * time.Millisecond)
	for time.Now().Before(mark.Add(2 * time.Millisecond)) {
	}
	second := grPut(t, e, "seqs", "b", 3)
	all := append(append([]grRecord{}, first...), second...)

	for i, r := range all {
		got, _ := grDrain(t, e, grIterator(t, e, &kinesis.GetShardIteratorInput{StreamName: stream, ShardIteratorType: types.ShardIteratorTypeAtSequenceNumber, StartingSequenceNumber: aws.String(r.Seq)}), 0)
		if diff := cmp.Diff(all[i:], got); diff != "" {
			t.Fatalf("AT_SEQUENCE_NUMBER of record %d (-want +got):\n%s", i, diff)
		}
		got, _ = grDrain(t, e, grIterator(t, e, &kinesis.GetShardIteratorInput{StreamName: stream, ShardIteratorType: types.ShardIteratorTypeAfterSequenceNumber, StartingSequenceNumber: aws.String(r.Seq)}), 2)
		if diff := cmp.Diff(all[i+1:], got); diff != "" {
			t.Fatalf("AFTER_SEQUENCE_NUMBER of record %d (-want +got):\n%s", i, diff)
		}
	}
	// The shard's StartingSequenceNumber reads from the start.
	shards, err := e.Client.ListShards(t.Context(), &kinesis.ListShardsInput{StreamName: stream})
	if err != nil {
		t.Fatal(err)
	}
	start := shards.Shards[0].SequenceNumberRange.StartingSequenceNumber
	got, _ := grDrain(t, e, grIterator(t, e, &kinesis.GetShardIteratorInput{StreamName: stream, ShardIteratorType: types.ShardIteratorTypeAtSequenceNumber, StartingSequenceNumber: start}), 0)
	if diff := cmp.Diff(all, got); diff != "" {
		t.Fatalf("AT_SEQUENCE_NUMBER of the shard start (-want +got):\n%s", diff)
	}
	// The largest sequence number the shard could have: nothing follows it.
	last, err := seqnum.Parse(aws.ToString(start))
	if err != nil {
		t.Fatal(err)
	}
	last.Index = 1<<64 - 1
	got, _ = grDrain(t, e, grIterator(t, e, &kinesis.GetShardIteratorInput{StreamName: stream, ShardIteratorType: types.ShardIteratorTypeAfterSequenceNumber, StartingSequenceNumber: aws.String(last.String())}), 0)
	if len(got) != 0 {
		t.Fatalf("AFTER_SEQUENCE_NUMBER of the largest sequence number: got %d records, want none", len(got))
	}

	for _, c := range []struct {
		name string
		at   time.Time
		want []grRecord
	}{
		{"before everything", before.Add(-time.Hour), all},
		{"between the batches, with a fraction of a second", mark, second},
		{"after everything", time.Now(), []grRecord{}},
	} {
		it := grIterator(t, e, &kinesis.GetShardIteratorInput{StreamName: stream, ShardIteratorType: types.ShardIteratorTypeAtTimestamp, Timestamp: aws.Time(c.at)})
		got, next := grDrain(t, e, it, 0)
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Fatalf("AT_TIMESTAMP %s (-want +got):\n%s", c.name, diff)
		}
		if c.name == "after everything" {
			third := grPut(t, e, "seqs", "c", 2)
			if got, _ := grDrain(t, e, next, 0); !cmp.Equal(third, got) {
				t.Fatalf("AT_TIMESTAMP after everything, then a write: got %v, want %v", got, third)
			}
			all = append(all, third...)
		}
	}
}
