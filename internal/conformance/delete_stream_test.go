package conformance

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"

	"github.com/freshet/freshet/internal/store"
)

func TestDeleteStreamValidation(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	e.createStream(t, "s", 1)
	del := func(in *kinesis.DeleteStreamInput) func() error {
		return func() error { _, err := e.Client.DeleteStream(ctx, in, noInputValidation); return err }
	}
	goldenErrors(t, "delete_stream_validation", []errCase{
		{"neither name nor ARN", del(&kinesis.DeleteStreamInput{})},
		{"empty name", del(&kinesis.DeleteStreamInput{StreamName: aws.String("")})},
		{"long name", del(&kinesis.DeleteStreamInput{StreamName: aws.String(strings.Repeat("a", 129))})},
		{"bad ARN", del(&kinesis.DeleteStreamInput{StreamARN: aws.String("arn:aws:kinesis:us-east-1:0:stream/s")})},
		{"ARN and name disagree", del(&kinesis.DeleteStreamInput{StreamARN: aws.String(ctlARN("s")), StreamName: aws.String("t")})},
		{"not found", del(&kinesis.DeleteStreamInput{StreamName: aws.String("missing")})},
		{"not found by ARN", del(&kinesis.DeleteStreamInput{StreamARN: aws.String(ctlARN("missing"))})},
	})
	if got := ctlStatus(t, e.Client, "s"); got != "ACTIVE" {
		t.Fatalf("refused deletes changed the stream: %s", got)
	}
}

func TestDeleteStreamAtOnceFreesLogs(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	e.createStream(t, "s", 2)
	id := ctlStreamID(t, e.Client, "s")
	if _, err := e.Store.Append(ctx, id+"_0", []byte("old record batch")); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Client.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamARN: aws.String(ctlARN("s")), EnforceConsumerDeletion: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	// With no state delay the stream is gone when DeleteStream returns.
	_, err := e.Client.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String("s")})
	wantError(t, err, "ResourceNotFoundException", "Stream s under account 000000000000 not found.")
	for _, log := range []string{id + "_0", id + "_1"} {
		if _, err := e.Store.State(ctx, log); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("log %s after delete: %v, want ErrNotFound", log, err)
		}
	}
	// A stream re-created with the same name starts empty.
	e.createStream(t, "s", 2)
	newID := ctlStreamID(t, e.Client, "s")
	if newID == id {
		t.Fatalf("re-created stream reuses id %s", id)
	}
	st, err := e.Store.State(ctx, newID+"_0")
	if err != nil {
		t.Fatal(err)
	}
	if st.Msgs != 0 {
		t.Errorf("re-created stream holds %d old messages", st.Msgs)
	}
	_, err = e.Client.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("gone")})
	wantError(t, err, "ResourceNotFoundException", "Stream gone under account 000000000000 not found.")
}

func TestDeleteStreamStates(t *testing.T) {
	clk := newFakeClock()
	e := newEnv(t, envOptions{StateDelay: time.Minute, Now: clk.Now})
	ctx := t.Context()
	// A CREATING stream can be deleted, as on AWS.
	if _, err := e.Client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("s"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	if got := ctlStatus(t, e.Client, "s"); got != "CREATING" {
		t.Fatalf("status = %s, want CREATING", got)
	}
	if _, err := e.Client.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("s")}); err != nil {
		t.Fatalf("delete a CREATING stream: %v", err)
	}
	clk.Advance(30 * time.Second)
	// Deleting again while DELETING succeeds and does not push the deletion back.
	if _, err := e.Client.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("s")}); err != nil {
		t.Fatalf("delete a DELETING stream: %v", err)
	}
	d, err := e.Client.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String("s")})
	if err != nil {
		t.Fatal(err)
	}
	if d.StreamDescription.StreamStatus != "DELETING" || len(d.StreamDescription.Shards) != 0 || *d.StreamDescription.HasMoreShards {
		t.Errorf("DELETING stream described as %s with %d shards", d.StreamDescription.StreamStatus, len(d.StreamDescription.Shards))
	}
	lst, err := e.Client.ListStreams(ctx, &kinesis.ListStreamsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(lst.StreamSummaries) != 1 || lst.StreamSummaries[0].StreamStatus != "DELETING" {
		t.Errorf("ListStreams during deletion: %+v", lst.StreamSummaries)
	}
	clk.Advance(30 * time.Second)
	_, err = e.Client.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("s")})
	wantError(t, err, "ResourceNotFoundException", "Stream s under account 000000000000 not found.")
}

func TestDeleteStreamFinishesInBackground(t *testing.T) {
	e := newEnv(t, envOptions{StateDelay: 50 * time.Millisecond})
	ctx := t.Context()
	e.createStream(t, "s", 1)
	id := ctlStreamID(t, e.Client, "s")
	if _, err := e.Client.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("s")}); err != nil {
		t.Fatal(err)
	}
	// No request reads the stream: the service's own timer deletes the log and the metadata.
	ctlPoll(t, "the shard log to be deleted", func() bool {
		_, err := e.Store.State(ctx, id+"_0")
		return errors.Is(err, store.ErrNotFound)
	})
	ctlPoll(t, "the stream metadata to be deleted", func() bool {
		entries, err := e.Store.MetaList(ctx, "kinesis.stream.>")
		return err == nil && len(entries) == 0
	})
}
