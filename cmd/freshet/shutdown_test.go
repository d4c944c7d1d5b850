package main

import (
	"regexp"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// TestShutdownEndsSubscriptions: SIGTERM while a SubscribeToShard subscription is open (and
// has delivered a record) ends the subscription cleanly — the SDK's event stream closes
// without an error — and the process exits 0.
func TestShutdownEndsSubscriptions(t *testing.T) {
	bin := buildFreshetCached(t)
	p := start(t, bin, "--listen", "127.0.0.1:0", "--data-dir", t.TempDir())
	c := p.client()
	ctx := t.Context()
	if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("sub"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	waitStream(t, c, "sub")
	sum, err := c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("sub")})
	if err != nil {
		t.Fatal(err)
	}
	reg, err := c.RegisterStreamConsumer(ctx, &kinesis.RegisterStreamConsumerInput{StreamARN: sum.StreamDescriptionSummary.StreamARN, ConsumerName: aws.String("c")})
	if err != nil {
		t.Fatalf("RegisterStreamConsumer: %v", err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		d, err := c.DescribeStreamConsumer(ctx, &kinesis.DescribeStreamConsumerInput{ConsumerARN: reg.Consumer.ConsumerARN})
		if err == nil && d.ConsumerDescription.ConsumerStatus == types.ConsumerStatusActive {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("consumer not ACTIVE: %v", err)
		}
	}
	sub, err := c.SubscribeToShard(ctx, &kinesis.SubscribeToShardInput{ConsumerARN: reg.Consumer.ConsumerARN,
		ShardId: aws.String("shardId-000000000000"), StartingPosition: &types.StartingPosition{Type: types.ShardIteratorTypeTrimHorizon}})
	if err != nil {
		t.Fatalf("SubscribeToShard: %v", err)
	}
	stream := sub.GetStream()
	defer stream.Close()
	if _, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("sub"), Data: []byte("one"), PartitionKey: aws.String("k")}); err != nil {
		t.Fatal(err)
	}
	got := ""
	for got == "" {
		ev, ok := <-stream.Events()
		if !ok {
			t.Fatalf("subscription ended before the record: %v", stream.Err())
		}
		if e, ok := ev.(*types.SubscribeToShardEventStreamMemberSubscribeToShardEvent); ok {
			for _, r := range e.Value.Records {
				got += string(r.Data)
			}
		}
	}
	if got != "one" {
		t.Fatalf("got %q, want one", got)
	}

	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	p.waitFor(t, regexp.MustCompile(`msg="shutting down"`))
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		for range stream.Events() { // drain until the server ends the stream
		}
	}()
	select {
	case <-ended:
	case <-time.After(60 * time.Second):
		t.Fatalf("the subscription is still open 60s after SIGTERM:\n%s", p.logText())
	}
	if err := stream.Err(); err != nil {
		t.Errorf("subscription ended with %v, want a clean end", err)
	}
	if code := p.wait(t); code != 0 {
		t.Fatalf("exit code %d, want 0:\n%s", code, p.logText())
	}
}
