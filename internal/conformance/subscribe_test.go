package conformance

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/google/go-cmp/cmp"
)

// subStream opens a SubscribeToShard through the SDK; the stream is closed at cleanup.
// Each subscription has its own client: smithy-go v1.28.9's event-stream codec keeps one
// payload buffer per client, so two streams read at once on one client race on it.
func subStream(t testing.TB, e *env, consumer, shard string, pos types.StartingPosition) (*kinesis.SubscribeToShardEventStream, error) {
	t.Helper()
	out, err := e.client("AKIDEXAMPLE", "us-east-1").SubscribeToShard(context.Background(), &kinesis.SubscribeToShardInput{ConsumerARN: aws.String(consumer), ShardId: aws.String(shard), StartingPosition: &pos})
	if err != nil {
		return nil, err
	}
	es := out.GetStream()
	t.Cleanup(func() { es.Close() })
	return es, nil
}

// subEvents reads events until want data records arrived or the stream ended, and returns
// the records' data, every event, and whether the stream ended (with its error).
func subEvents(t testing.TB, es *kinesis.SubscribeToShardEventStream, want int) (data []string, events []types.SubscribeToShardEvent, ended bool, err error) {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for want < 0 || len(data) < want {
		select {
		case ev, ok := <-es.Events():
			if !ok {
				return data, events, true, es.Err()
			}
			e, isEvent := ev.(*types.SubscribeToShardEventStreamMemberSubscribeToShardEvent)
			if !isEvent {
				t.Fatalf("unexpected event %T", ev)
			}
			if e.Value.ContinuationSequenceNumber == nil || e.Value.MillisBehindLatest == nil {
				t.Fatalf("event without ContinuationSequenceNumber or MillisBehindLatest: %+v", e.Value)
			}
			events = append(events, e.Value)
			for _, r := range e.Value.Records {
				data = append(data, string(r.Data))
			}
		case <-timeout:
			t.Fatalf("timed out with %d of %d records", len(data), want)
		}
	}
	return data, events, false, nil
}

// subPut writes n records "<prefix><i>" to the shard owning hash key 0, in one PutRecords.
func subPut(t testing.TB, c *kinesis.Client, stream, prefix string, n int) {
	t.Helper()
	entries := make([]types.PutRecordsRequestEntry, n)
	for i := range entries {
		entries[i] = types.PutRecordsRequestEntry{PartitionKey: aws.String("k"), ExplicitHashKey: aws.String("0"), Data: []byte(prefix + strconv.Itoa(i))}
	}
	out, err := c.PutRecords(context.Background(), &kinesis.PutRecordsInput{StreamName: aws.String(stream), Records: entries})
	if err != nil || aws.ToInt32(out.FailedRecordCount) != 0 {
		t.Fatalf("PutRecords: %v", err)
	}
}

func subNames(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = prefix + strconv.Itoa(i)
	}
	return out
}

func trimHorizon() types.StartingPosition {
	return types.StartingPosition{Type: types.ShardIteratorTypeTrimHorizon}
}

// TestSubscribeToShardDelivers: every record, in order, written before and during the
// subscription; the last event's ContinuationSequenceNumber is the last record's sequence
// number and it is caught up.
func TestSubscribeToShardDelivers(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createStream(t, "sub", 1)
	c := consumerRegister(t, e.Client, "sub", "c")
	subPut(t, e.Client, "sub", "a", 100)
	es, err := subStream(t, e, *c.ConsumerARN, "shardId-000000000000", trimHorizon())
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for i := range 10 {
			subPut(t, e.Client, "sub", fmt.Sprintf("b%d-", i), 40)
		}
	}()
	want := subNames("a", 100)
	for i := range 10 {
		want = append(want, subNames(fmt.Sprintf("b%d-", i), 40)...)
	}
	got, events, ended, err := subEvents(t, es, len(want))
	if ended || err != nil {
		t.Fatalf("stream ended: %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("records (-want +got):\n%s", diff)
	}
	last := events[len(events)-1]
	if seq := *last.Records[len(last.Records)-1].SequenceNumber; *last.ContinuationSequenceNumber != seq {
		t.Fatalf("ContinuationSequenceNumber %s, want the last record's %s", *last.ContinuationSequenceNumber, seq)
	}
	if *last.MillisBehindLatest != 0 {
		t.Fatalf("MillisBehindLatest %d at the tip", *last.MillisBehindLatest)
	}
}

// TestSubscribeToShardResubscribe: the subscription ends after its lifetime (here 400 ms)
// and heartbeats while idle (here every 50 ms); resubscribing AFTER_SEQUENCE_NUMBER the last
// ContinuationSequenceNumber loses and repeats nothing, also across records written between
// the two subscriptions.
func TestSubscribeToShardResubscribe(t *testing.T) {
	clock := newFakeClock()
	e := newEnv(t, envOptions{Now: clock.Now, SubscriptionLifetime: 400 * time.Millisecond, SubscriptionHeartbeat: 50 * time.Millisecond})
	e.createStream(t, "re", 1)
	c := consumerRegister(t, e.Client, "re", "c")
	var got []string
	pos := trimHorizon()
	for round := range 3 {
		subPut(t, e.Client, "re", fmt.Sprintf("r%d-", round), 7)
		es, err := subStream(t, e, *c.ConsumerARN, "0", pos)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		data, events, ended, err := subEvents(t, es, -1)
		if !ended || err != nil {
			t.Fatalf("round %d: ended %v, %v", round, ended, err)
		}
		got = append(got, data...)
		heartbeats := 0
		for _, ev := range events {
			if len(ev.Records) == 0 {
				heartbeats++
			}
		}
		if heartbeats == 0 {
			t.Fatalf("round %d: no empty event in %v of idle subscription", round, 400*time.Millisecond)
		}
		pos = types.StartingPosition{Type: types.ShardIteratorTypeAfterSequenceNumber, SequenceNumber: events[len(events)-1].ContinuationSequenceNumber}
		if round == 0 {
			_, err := subStream(t, e, *c.ConsumerARN, "0", pos)
			wantError(t, err, "ResourceInUseException", "Another active subscription exists for this consumer: 000000000000:re:shardId-000000000000:c")
		}
		clock.Advance(5 * time.Second) // the lease of the ended subscription lapses
	}
	var want []string
	for round := range 3 {
		want = append(want, subNames(fmt.Sprintf("r%d-", round), 7)...)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("records over three subscriptions (-want +got):\n%s", diff)
	}
}

// TestSubscribeToShardTakeover: 5 s after a subscription started, a second one takes over;
// the first ends with a ResourceInUseException event.
func TestSubscribeToShardTakeover(t *testing.T) {
	clock := newFakeClock()
	e := newEnv(t, envOptions{Now: clock.Now})
	e.createStream(t, "to", 1)
	c := consumerRegister(t, e.Client, "to", "c")
	latest := types.StartingPosition{Type: types.ShardIteratorTypeLatest}
	old, err := subStream(t, e, *c.ConsumerARN, "0", latest)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := subEvents(t, old, 0); err != nil {
		t.Fatal(err)
	}
	clock.Advance(5 * time.Second)
	if _, err := subStream(t, e, *c.ConsumerARN, "0", latest); err != nil {
		t.Fatal(err)
	}
	_, _, ended, err := subEvents(t, old, 1_000_000)
	if !ended {
		t.Fatal("the old subscription did not end")
	}
	wantError(t, err, "ResourceInUseException", "Another active subscription exists for this consumer: 000000000000:to:shardId-000000000000:c")
	if _, ok := err.(*types.ResourceInUseException); !ok {
		t.Fatalf("error %T, want *types.ResourceInUseException", err)
	}
}

// TestSubscribeToShardConsumersIndependent: three consumers of one shard each receive
// everything, while a fourth subscription whose client never reads its events holds
// nobody back.
func TestSubscribeToShardConsumersIndependent(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createStream(t, "many", 1)
	stalled := consumerRegister(t, e.Client, "many", "stalled")
	if _, err := subStream(t, e, *stalled.ConsumerARN, "0", trimHorizon()); err != nil {
		t.Fatal(err)
	}
	var streams []*kinesis.SubscribeToShardEventStream
	for i := range 3 {
		c := consumerRegister(t, e.Client, "many", fmt.Sprintf("c%d", i))
		es, err := subStream(t, e, *c.ConsumerARN, "0", trimHorizon())
		if err != nil {
			t.Fatal(err)
		}
		streams = append(streams, es)
	}
	var want []string
	for i := range 20 {
		payload := fmt.Sprintf("%0500d-", i) // 20 × 100 × ~500 bytes: more than socket buffers hold
		subPut(t, e.Client, "many", payload, 100)
		want = append(want, subNames(payload, 100)...)
	}
	var wg sync.WaitGroup
	for i, es := range streams {
		wg.Go(func() {
			got, _, ended, err := subEvents(t, es, len(want))
			if ended || err != nil {
				t.Errorf("consumer %d ended: %v", i, err)
				return
			}
			if !slices.Equal(want, got) {
				t.Errorf("consumer %d: %d records, not the %d written in order", i, len(got), len(want))
			}
		})
	}
	wg.Wait()
}

// TestSubscribeToShardChildShards: a subscription to a shard being split sends its records,
// then an event with the children, then ends; a subscription to a child continues.
func TestSubscribeToShardChildShards(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	e.createStream(t, "sp", 1)
	c := consumerRegister(t, e.Client, "sp", "c")
	es, err := subStream(t, e, *c.ConsumerARN, "0", trimHorizon())
	if err != nil {
		t.Fatal(err)
	}
	subPut(t, e.Client, "sp", "p", 5)
	if got, _, _, err := subEvents(t, es, 5); err != nil || !slices.Equal(got, subNames("p", 5)) {
		t.Fatalf("parent: %v %v", got, err)
	}
	mid := new(big.Int).Lsh(big.NewInt(1), 127).String()
	if _, err := e.Client.SplitShard(ctx, &kinesis.SplitShardInput{StreamName: aws.String("sp"), ShardToSplit: aws.String("shardId-000000000000"), NewStartingHashKey: aws.String(mid)}); err != nil {
		t.Fatal(err)
	}
	_, events, ended, err := subEvents(t, es, -1)
	if !ended || err != nil {
		t.Fatalf("parent subscription: ended %v, %v", ended, err)
	}
	last := events[len(events)-1]
	var children []string
	for _, cs := range last.ChildShards {
		children = append(children, aws.ToString(cs.ShardId))
	}
	if diff := cmp.Diff([]string{"shardId-000000000001", "shardId-000000000002"}, children); diff != "" {
		t.Fatalf("ChildShards of the last event (-want +got):\n%s", diff)
	}
	child, err := subStream(t, e, *c.ConsumerARN, children[0], trimHorizon())
	if err != nil {
		t.Fatal(err)
	}
	subPut(t, e.Client, "sp", "c", 3)
	if got, _, _, err := subEvents(t, child, 3); err != nil || !slices.Equal(got, subNames("c", 3)) {
		t.Fatalf("child: %v %v", got, err)
	}
}

func TestSubscribeToShardErrors(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} // ARNs in the golden file
	e := newEnv(t, envOptions{Now: clock.Now, StateDelay: time.Minute})
	ctx := t.Context()
	if _, err := e.Client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("s"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	c := consumerRegister(t, e.Client, "s", "c")
	raw := func(o *kinesis.Options) { noInputValidation(o) }
	sub := func(in *kinesis.SubscribeToShardInput) func() error {
		return func() error {
			out, err := e.Client.SubscribeToShard(ctx, in, raw)
			if err == nil {
				out.GetStream().Close()
			}
			return err
		}
	}
	arn := c.ConsumerARN
	at := func(typ types.ShardIteratorType, seq *string) *types.StartingPosition {
		return &types.StartingPosition{Type: typ, SequenceNumber: seq}
	}
	latest := at(types.ShardIteratorTypeLatest, nil)
	cases := []errCase{
		{"no members", sub(&kinesis.SubscribeToShardInput{})},
		{"bad members", sub(&kinesis.SubscribeToShardInput{ConsumerARN: aws.String(setARN("s")), ShardId: aws.String("a b"), StartingPosition: at("NEWEST", aws.String("x"))})},
		{"no type", sub(&kinesis.SubscribeToShardInput{ConsumerARN: arn, ShardId: aws.String("0"), StartingPosition: &types.StartingPosition{}})},
		{"creating consumer", sub(&kinesis.SubscribeToShardInput{ConsumerARN: arn, ShardId: aws.String("0"), StartingPosition: latest})},
	}
	// The consumer becomes ACTIVE.
	cases = append(cases, errCase{"advance", func() error { clock.Advance(time.Minute); return nil }})
	cases = append(cases,
		errCase{"missing consumer", sub(&kinesis.SubscribeToShardInput{ConsumerARN: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/s/consumer/zz:1"), ShardId: aws.String("0"), StartingPosition: latest})},
		errCase{"missing stream", sub(&kinesis.SubscribeToShardInput{ConsumerARN: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/nope/consumer/c:1"), ShardId: aws.String("0"), StartingPosition: latest})},
		errCase{"missing shard", sub(&kinesis.SubscribeToShardInput{ConsumerARN: arn, ShardId: aws.String("shardId-000000000009"), StartingPosition: latest})},
		errCase{"odd shard id", sub(&kinesis.SubscribeToShardInput{ConsumerARN: arn, ShardId: aws.String("shard"), StartingPosition: latest})},
		errCase{"at sequence without one", sub(&kinesis.SubscribeToShardInput{ConsumerARN: arn, ShardId: aws.String("0"), StartingPosition: at(types.ShardIteratorTypeAtSequenceNumber, nil)})},
		errCase{"latest with sequence", sub(&kinesis.SubscribeToShardInput{ConsumerARN: arn, ShardId: aws.String("0"), StartingPosition: at(types.ShardIteratorTypeLatest, aws.String("1"))})},
		errCase{"unparsable sequence", sub(&kinesis.SubscribeToShardInput{ConsumerARN: arn, ShardId: aws.String("0"), StartingPosition: at(types.ShardIteratorTypeAfterSequenceNumber, aws.String("12345"))})},
		errCase{"at timestamp without one", sub(&kinesis.SubscribeToShardInput{ConsumerARN: arn, ShardId: aws.String("0"), StartingPosition: at(types.ShardIteratorTypeAtTimestamp, nil)})},
		errCase{"at timestamp in the future", sub(&kinesis.SubscribeToShardInput{ConsumerARN: arn, ShardId: aws.String("0"), StartingPosition: &types.StartingPosition{Type: types.ShardIteratorTypeAtTimestamp, Timestamp: aws.Time(clock.Now().Add(time.Hour))}})},
		errCase{"dry run", sub(&kinesis.SubscribeToShardInput{ConsumerARN: arn, ShardId: aws.String("0"), StartingPosition: latest, DryRun: aws.Bool(true)})},
		errCase{"first subscription", sub(&kinesis.SubscribeToShardInput{ConsumerARN: arn, ShardId: aws.String("0"), StartingPosition: latest})},
		errCase{"second within 5 s", sub(&kinesis.SubscribeToShardInput{ConsumerARN: arn, ShardId: aws.String("0"), StartingPosition: latest})},
	)
	goldenErrors(t, "subscribe_to_shard_errors", cases)
}

// BenchmarkSubscribeToShardLatency measures put-to-delivery latency through the SDK: one
// PutRecord every 5 ms (200 records/s) while a subscription reads; each record carries its
// send time. Reported: p50 and p99 in ms (run with -benchtime 600x for 3 s).
func BenchmarkSubscribeToShardLatency(b *testing.B) {
	e := newEnv(b, envOptions{})
	ctx := b.Context()
	if _, err := e.Client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("lat"), ShardCount: aws.Int32(1)}); err != nil {
		b.Fatal(err)
	}
	out, err := e.Client.RegisterStreamConsumer(ctx, &kinesis.RegisterStreamConsumerInput{StreamARN: aws.String(setARN("lat")), ConsumerName: aws.String("c")})
	if err != nil {
		b.Fatal(err)
	}
	es, err := subStream(b, e, *out.Consumer.ConsumerARN, "0", types.StartingPosition{Type: types.ShardIteratorTypeLatest})
	if err != nil {
		b.Fatal(err)
	}
	var (
		mu sync.Mutex
		ds []time.Duration
	)
	go func() {
		for ev := range es.Events() {
			now := time.Now()
			if e, ok := ev.(*types.SubscribeToShardEventStreamMemberSubscribeToShardEvent); ok {
				mu.Lock()
				for _, r := range e.Value.Records {
					ds = append(ds, now.Sub(time.Unix(0, int64(binary.BigEndian.Uint64(r.Data)))))
				}
				mu.Unlock()
			}
		}
	}()
	const interval = 5 * time.Millisecond
	start := time.Now()
	i := 0
	for b.Loop() {
		time.Sleep(time.Until(start.Add(time.Duration(i) * interval))) // the producer's fixed rate
		i++
		data := binary.BigEndian.AppendUint64(nil, uint64(time.Now().UnixNano()))
		if _, err := e.Client.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("lat"), PartitionKey: aws.String("k"), Data: data}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	delivered := func() int { mu.Lock(); defer mu.Unlock(); return len(ds) }
	for deadline := time.Now().Add(10 * time.Second); delivered() < i && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond) // the last records' delivery
	}
	mu.Lock()
	defer mu.Unlock()
	if len(ds) != i {
		b.Fatalf("%d of %d records delivered", len(ds), i)
	}
	slices.Sort(ds)
	q := func(p float64) float64 { return float64(ds[int(p*float64(len(ds)-1))]) / 1e6 }
	b.ReportMetric(q(0.5), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
}

// BenchmarkSubscribeToShardCatchUp measures how fast a subscription delivers a backlog
// through the SDK: 100,000 records of 100 bytes written first, read from TRIM_HORIZON.
func BenchmarkSubscribeToShardCatchUp(b *testing.B) {
	e := newEnv(b, envOptions{})
	ctx := b.Context()
	if _, err := e.Client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("cu"), ShardCount: aws.Int32(1)}); err != nil {
		b.Fatal(err)
	}
	const records = 100_000
	entries := make([]types.PutRecordsRequestEntry, 500)
	for i := range entries {
		entries[i] = types.PutRecordsRequestEntry{PartitionKey: aws.String("k"), Data: make([]byte, 100)}
	}
	for range records / 500 {
		if _, err := e.Client.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("cu"), Records: entries}); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(records * 100)
	n := 0
	for b.Loop() {
		out, err := e.Client.RegisterStreamConsumer(ctx, &kinesis.RegisterStreamConsumerInput{StreamARN: aws.String(setARN("cu")), ConsumerName: aws.String(fmt.Sprintf("c%d", n))})
		if err != nil {
			b.Fatal(err)
		}
		n++
		es, err := subStream(b, e, *out.Consumer.ConsumerARN, "0", trimHorizon())
		if err != nil {
			b.Fatal(err)
		}
		if got, _, _, err := subEvents(b, es, records); err != nil || len(got) != records {
			b.Fatalf("%d records: %v", len(got), err)
		}
		es.Close()
		// Stay under the 20 consumers of a stream.
		if _, err := e.Client.DeregisterStreamConsumer(ctx, &kinesis.DeregisterStreamConsumerInput{ConsumerARN: out.Consumer.ConsumerARN}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(records*b.N)/b.Elapsed().Seconds(), "records/s")
}
