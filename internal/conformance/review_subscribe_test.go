package conformance

import (
	"bytes"
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// TestReviewSubscribeAfterLargeBatch: resubscribing AFTER_SEQUENCE_NUMBER the last record
// of a PutRecords batch larger than an event (1 MiB) continues with the next batch. (The
// engine read from that position returned only the batch already sent; the subscription
// did not move past it and sent heartbeats forever.)
func TestReviewSubscribeAfterLargeBatch(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createStream(t, "big", 1)
	c := consumerRegister(t, e.Client, "big", "c")
	entries := make([]types.PutRecordsRequestEntry, 3)
	for i := range entries {
		entries[i] = types.PutRecordsRequestEntry{PartitionKey: aws.String("k"), Data: bytes.Repeat([]byte{'a' + byte(i)}, 500<<10)}
	}
	out, err := e.Client.PutRecords(context.Background(), &kinesis.PutRecordsInput{StreamName: aws.String("big"), Records: entries})
	if err != nil || aws.ToInt32(out.FailedRecordCount) != 0 {
		t.Fatalf("PutRecords: %v", err)
	}
	last := out.Records[len(out.Records)-1].SequenceNumber
	subPut(t, e.Client, "big", "next", 2)

	es, err := subStream(t, e, *c.ConsumerARN, "shardId-000000000000",
		types.StartingPosition{Type: types.ShardIteratorTypeAfterSequenceNumber, SequenceNumber: last})
	if err != nil {
		t.Fatal(err)
	}
	data, _, ended, err := subEvents(t, es, 2)
	if ended {
		t.Fatalf("the subscription ended: %v", err)
	}
	if want := []string{"next0", "next1"}; len(data) < 2 || data[0] != want[0] || data[1] != want[1] {
		t.Errorf("after the large batch: got %d records %.40q, want %q", len(data), data, want)
	}
}
