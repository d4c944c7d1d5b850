package kinesis

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/freshet/freshet/internal/auth"
	"github.com/freshet/freshet/internal/awserr"
	"github.com/freshet/freshet/internal/awsproto"
	"github.com/freshet/freshet/internal/store"
)

// subClock is a settable clock: the 5 s lease rule is measured on the service's clock.
type subClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *subClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *subClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type subEnv struct {
	ctx   context.Context
	s     *Service
	clock *subClock
	arn   string // the stream's ARN
}

// newSubEnv is a service over a memory engine with a stream "s" of shards shards.
func newSubEnv(t *testing.T, shards int64, o Options) *subEnv {
	t.Helper()
	st, err := store.Open(t.Context(), store.Options{Memory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clock := &subClock{t: time.Now().Truncate(time.Millisecond)}
	o.Store, o.Now = st, clock.now
	s, err := New(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	ctx := auth.WithScope(t.Context(), auth.Scope{Account: "000000000000", Region: "us-east-1"})
	name := "s"
	if _, err := s.CreateStream(ctx, &CreateStreamInput{StreamName: &name, ShardCount: &shards}); err != nil {
		t.Fatal(err)
	}
	return &subEnv{ctx: ctx, s: s, clock: clock, arn: streamARN("us-east-1", "000000000000", "s")}
}

func (e *subEnv) register(t *testing.T, name string) string {
	t.Helper()
	out, err := e.s.RegisterStreamConsumer(e.ctx, &RegisterStreamConsumerInput{StreamARN: &e.arn, ConsumerName: &name})
	if err != nil {
		t.Fatal(err)
	}
	return out.Consumer.ConsumerARN
}

// put writes records "<prefix>0".."<prefix>n-1" to shard 0 (explicit hash key 0), one
// PutRecords of n.
func (e *subEnv) put(t *testing.T, prefix string, n int) {
	t.Helper()
	entries := make([]PutRecordsRequestEntry, n)
	for i := range entries {
		entries[i] = PutRecordsRequestEntry{PartitionKey: grPtr("k"), ExplicitHashKey: grPtr("0"), Data: []byte(prefix + strconv.Itoa(i))}
	}
	if out, err := e.s.PutRecords(e.ctx, &PutRecordsInput{StreamName: grPtr("s"), Records: entries}); err != nil || out.FailedRecordCount != 0 {
		t.Fatalf("PutRecords: %v", err)
	}
}

func (e *subEnv) subscribe(t *testing.T, consumer, shard, typ string, seq *string) (*Subscription, error) {
	t.Helper()
	sub, err := e.s.SubscribeToShard(e.ctx, &SubscribeToShardInput{
		ConsumerARN: &consumer, ShardId: &shard, StartingPosition: &StartingPosition{Type: &typ, SequenceNumber: seq},
	})
	if err == nil {
		t.Cleanup(sub.Close)
	}
	return sub, err
}

// collect calls Next until want data records arrived or Next fails, and returns the data in
// order, the last event, and Next's error (nil when want was reached).
func collect(t *testing.T, sub *Subscription, want int) ([]string, *SubscribeToShardEvent, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	var got []string
	var last *SubscribeToShardEvent
	for len(got) < want {
		ev, err := sub.Next(ctx)
		if err != nil {
			return got, last, err
		}
		if ev.ContinuationSequenceNumber == "" || ev.Records == nil {
			t.Fatalf("event without ContinuationSequenceNumber or Records: %+v", ev)
		}
		for _, r := range ev.Records {
			got = append(got, string(r.Data))
		}
		last = ev
	}
	return got, last, nil
}

func names(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = prefix + strconv.Itoa(i)
	}
	return out
}

// TestSubscriptionDeliversInOrder: records written while the subscription waits arrive in
// order, each once, woken by the store's notifications; the first event comes at once.
func TestSubscriptionDeliversInOrder(t *testing.T) {
	e := newSubEnv(t, 1, Options{})
	c := e.register(t, "c")
	e.put(t, "old", 3)
	sub, err := e.subscribe(t, c, "shardId-000000000000", iterTrimHorizon, nil)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 20 {
			e.put(t, fmt.Sprintf("b%d-", i), 10)
		}
	}()
	want := names("old", 3)
	for i := range 20 {
		want = append(want, names(fmt.Sprintf("b%d-", i), 10)...)
	}
	got, last, err := collect(t, sub, len(want))
	<-done
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("records (-want +got):\n%s", diff)
	}
	if last.MillisBehindLatest != 0 {
		t.Fatalf("MillisBehindLatest = %d at the tip, want 0", last.MillisBehindLatest)
	}
}

// TestSubscriptionResubscribe: a subscription ends after its lifetime; resubscribing
// AFTER_SEQUENCE_NUMBER its last ContinuationSequenceNumber (also one from a heartbeat)
// continues without loss or duplication. A second subscription within 5 s is refused.
func TestSubscriptionResubscribe(t *testing.T) {
	e := newSubEnv(t, 1, Options{SubscriptionLifetime: 300 * time.Millisecond, SubscriptionHeartbeat: 20 * time.Millisecond})
	c := e.register(t, "c")
	e.put(t, "a", 5)
	sub, err := e.subscribe(t, c, "0", iterTrimHorizon, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, last, err := collect(t, sub, 5)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(names("a", 5), got); diff != "" {
		t.Fatalf("first subscription (-want +got):\n%s", diff)
	}
	// Heartbeats until the lifetime ends.
	cont := last.ContinuationSequenceNumber
	for {
		ev, err := sub.Next(t.Context())
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(ev.Records) != 0 || ev.MillisBehindLatest != 0 {
			t.Fatalf("idle event %+v, want an empty heartbeat", ev)
		}
		cont = ev.ContinuationSequenceNumber
	}
	if _, err := sub.Next(t.Context()); !errors.Is(err, io.EOF) {
		t.Fatalf("Next after the end = %v, want io.EOF", err)
	}
	sub.Close()

	e.put(t, "b", 4)
	_, err = e.subscribe(t, c, "0", iterAfterSequence, &cont)
	if !awserr.IsCode(err, awserr.ResourceInUse) {
		t.Fatalf("resubscribe within 5 s: %v, want ResourceInUseException", err)
	}
	e.clock.advance(leaseHold)
	sub2, err := e.subscribe(t, c, "0", iterAfterSequence, &cont)
	if err != nil {
		t.Fatal(err)
	}
	got, _, err = collect(t, sub2, 4)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(names("b", 4), got); diff != "" {
		t.Fatalf("resubscribed (-want +got):\n%s", diff)
	}
}

// TestSubscriptionTakeover: after 5 s a second subscription takes over and the first ends
// with ResourceInUseException.
func TestSubscriptionTakeover(t *testing.T) {
	e := newSubEnv(t, 1, Options{})
	c := e.register(t, "c")
	old, err := e.subscribe(t, c, "0", iterLatest, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.Next(t.Context()); err != nil { // the first event comes at once
		t.Fatal(err)
	}
	e.clock.advance(leaseHold)
	if _, err := e.subscribe(t, c, "0", iterLatest, nil); err != nil {
		t.Fatal(err)
	}
	_, err = old.Next(t.Context())
	want := "ResourceInUseException: Another active subscription exists for this consumer: 000000000000:s:shardId-000000000000:c"
	if err == nil || err.Error() != want {
		t.Fatalf("old subscription: %v, want %s", err, want)
	}
	// Another consumer is not affected by c's leases.
	if _, err := e.subscribe(t, e.register(t, "d"), "0", iterLatest, nil); err != nil {
		t.Fatal(err)
	}
}

// TestSubscriptionIndependentConsumers: several consumers of one shard each receive
// everything, and one that stops reading does not hold the others back.
func TestSubscriptionIndependentConsumers(t *testing.T) {
	e := newSubEnv(t, 1, Options{})
	var subs []*Subscription
	for _, name := range []string{"stalled", "c1", "c2"} {
		sub, err := e.subscribe(t, e.register(t, name), "0", iterTrimHorizon, nil)
		if err != nil {
			t.Fatal(err)
		}
		subs = append(subs, sub)
	}
	// "stalled" reads one event and then never again.
	if _, err := subs[0].Next(t.Context()); err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		e.put(t, fmt.Sprintf("r%d-", i), 50)
	}
	var want []string
	for i := range 10 {
		want = append(want, names(fmt.Sprintf("r%d-", i), 50)...)
	}
	for _, sub := range subs[1:] {
		got, _, err := collect(t, sub, len(want))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("records (-want +got):\n%s", diff)
		}
	}
}

// TestSubscriptionFollowsSplit: a subscription to a shard that is split delivers its
// records, then an event with ChildShards, then io.EOF; the children's subscriptions get the
// records written after the split.
func TestSubscriptionFollowsSplit(t *testing.T) {
	e := newSubEnv(t, 1, Options{})
	c := e.register(t, "c")
	sub, err := e.subscribe(t, c, "0", iterTrimHorizon, nil)
	if err != nil {
		t.Fatal(err)
	}
	e.put(t, "p", 7)
	got, _, err := collect(t, sub, 7)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(names("p", 7), got); diff != "" {
		t.Fatalf("parent (-want +got):\n%s", diff)
	}
	mid := "170141183460469231731687303715884105728"
	if _, err := e.s.SplitShard(e.ctx, &SplitShardInput{StreamName: grPtr("s"), ShardToSplit: grPtr("shardId-000000000000"), NewStartingHashKey: &mid}); err != nil {
		t.Fatal(err)
	}
	// The waiting subscription is woken by the close of the shard's log.
	var end *SubscribeToShardEvent
	for end == nil {
		ev, err := sub.Next(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if len(ev.Records) != 0 {
			t.Fatalf("records after the split: %+v", ev.Records)
		}
		if ev.ChildShards != nil {
			end = ev
		}
	}
	var children []string
	for _, cs := range end.ChildShards {
		children = append(children, cs.ShardId)
		if diff := cmp.Diff([]string{"shardId-000000000000"}, cs.ParentShards); diff != "" {
			t.Fatalf("ParentShards (-want +got):\n%s", diff)
		}
	}
	if diff := cmp.Diff([]string{"shardId-000000000001", "shardId-000000000002"}, children); diff != "" {
		t.Fatalf("ChildShards (-want +got):\n%s", diff)
	}
	if _, err := sub.Next(t.Context()); !errors.Is(err, io.EOF) {
		t.Fatalf("after ChildShards: %v, want io.EOF", err)
	}
	child, err := e.subscribe(t, c, "shardId-000000000001", iterTrimHorizon, nil)
	if err != nil {
		t.Fatal(err)
	}
	e.put(t, "c", 3) // hash key 0: the lower child
	got, _, err = collect(t, child, 3)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(names("c", 3), got); diff != "" {
		t.Fatalf("child (-want +got):\n%s", diff)
	}
}

// TestSubscriptionPacing: with limits enforced, an event of B bytes holds the next one back
// by B / 2 MiB per second (measured on the subscription's schedule, not by timing it).
func TestSubscriptionPacing(t *testing.T) {
	e := newSubEnv(t, 1, Options{EnforceLimits: true})
	c := e.register(t, "c")
	entries := []PutRecordsRequestEntry{{PartitionKey: grPtr("k"), Data: make([]byte, 1<<20-1)}}
	if _, err := e.s.PutRecords(e.ctx, &PutRecordsInput{StreamName: grPtr("s"), Records: entries}); err != nil {
		t.Fatal(err)
	}
	sub, err := e.subscribe(t, c, "0", iterTrimHorizon, nil)
	if err != nil {
		t.Fatal(err)
	}
	before := time.Now()
	if _, err := sub.Next(t.Context()); err != nil {
		t.Fatal(err)
	}
	readyAt := sub.readyAt
	if d := readyAt.Sub(before); d < 500*time.Millisecond {
		t.Fatalf("next event allowed %v after a 1 MiB event, want at least 500ms", d)
	}
	// New records do not cut the pause short.
	e.clock.advance(2 * time.Second) // the write limit's bucket refills
	e.put(t, "x", 1)
	ev, err := sub.Next(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if now := time.Now(); len(ev.Records) != 1 || now.Before(readyAt) {
		t.Fatalf("next event with %d records at %v, before %v", len(ev.Records), now, readyAt)
	}
}

// TestSubscribeToShardErrors: refusals before anything is streamed.
func TestSubscribeToShardErrors(t *testing.T) {
	e := newSubEnv(t, 1, Options{StateDelay: time.Hour})
	e.clock.advance(time.Hour) // the stream is ACTIVE
	c := e.register(t, "c")    // CREATING for an hour
	_, err := e.subscribe(t, c, "0", iterLatest, nil)
	created := c[len(c)-10:]
	want := "ResourceInUseException: Consumer c with creation timestamp " + created + " under stream: s , account 000000000000 is not in ACTIVE status."
	if err == nil || err.Error() != want {
		t.Fatalf("CREATING consumer: %v\nwant %s", err, want)
	}
	e.clock.advance(time.Hour)
	for _, tc := range []struct {
		shard, typ string
		seq        *string
		dryRun     bool
		want       string
	}{
		{"9", iterLatest, nil, false, "ResourceNotFoundException: Shard shardId-000000000009 in stream s under account 000000000000 does not exist"},
		{"0", iterAtSequence, nil, false, "InvalidArgumentException: Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified AT_SEQUENCE_NUMBER and no StartingSequenceNumber."},
		{"0", iterTrimHorizon, grPtr("1"), false, "InvalidArgumentException: Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified TRIM_HORIZON and also a StartingSequenceNumber."},
		{"0", iterAtSequence, grPtr("5"), false, "InvalidArgumentException: StartingSequenceNumber 5 used in SubscribeToShard on shard shardId-000000000000 in stream s under account 000000000000 is invalid."},
		{"0", iterAtTimestamp, nil, false, "InvalidArgumentException: Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter."},
		{"0", iterLatest, nil, true, "DryRunOperationException: Request would have succeeded, but DryRun flag is set."},
	} {
		typ, shard := tc.typ, tc.shard
		_, err := e.s.SubscribeToShard(e.ctx, &SubscribeToShardInput{ConsumerARN: &c, ShardId: &shard, DryRun: &tc.dryRun, StartingPosition: &StartingPosition{Type: &typ, SequenceNumber: tc.seq}})
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s %s: %v\nwant %s", tc.shard, tc.typ, err, tc.want)
		}
	}
	// The dry run took no lease.
	if _, err := e.subscribe(t, c, "0", iterLatest, nil); err != nil {
		t.Fatal(err)
	}
	// A deregistered consumer is not found.
	if _, err := e.s.DeregisterStreamConsumer(e.ctx, &DeregisterStreamConsumerInput{ConsumerARN: &c}); err != nil {
		t.Fatal(err)
	}
	e.clock.advance(time.Hour)
	if _, err := e.subscribe(t, c, "0", iterLatest, nil); !awserr.IsCode(err, awserr.ResourceNotFound) {
		t.Fatalf("deregistered consumer: %v, want ResourceNotFoundException", err)
	}
}

// TestSubscriptionStartingPositions: AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, AT_TIMESTAMP
// and LATEST start where GetShardIterator's iterators do.
func TestSubscriptionStartingPositions(t *testing.T) {
	e := newSubEnv(t, 1, Options{})
	e.put(t, "a", 3)
	it, err := e.s.GetShardIterator(e.ctx, &GetShardIteratorInput{StreamName: grPtr("s"), ShardId: grPtr("0"), ShardIteratorType: grPtr(iterTrimHorizon)})
	if err != nil {
		t.Fatal(err)
	}
	gr, err := e.s.GetRecords(e.ctx, &GetRecordsInput{ShardIterator: &it.ShardIterator})
	if err != nil || len(gr.Records) != 3 {
		t.Fatalf("GetRecords: %v", err)
	}
	second := gr.Records[1].SequenceNumber
	// AT_TIMESTAMP finds batches by the engine's storage time (the wall clock): the next
	// batch is stored after mark, the first one before.
	mark := time.Now().Add(time.Millisecond)
	for !time.Now().After(mark) {
		time.Sleep(time.Millisecond) // the wall clock, not state
	}
	e.put(t, "b", 2)
	e.clock.advance(time.Since(e.clock.now()) + time.Second) // AT_TIMESTAMP must not be in the future
	for i, tc := range []struct {
		typ  string
		seq  *string
		ts   *time.Time
		want []string
	}{
		{iterAtSequence, &second, nil, []string{"a1", "a2", "b0", "b1"}},
		{iterAfterSequence, &second, nil, []string{"a2", "b0", "b1"}},
		{iterAtTimestamp, nil, &mark, []string{"b0", "b1"}},
		{iterLatest, nil, nil, nil},
	} {
		c := e.register(t, fmt.Sprintf("c%d", i))
		in := &SubscribeToShardInput{ConsumerARN: &c, ShardId: grPtr("0"), StartingPosition: &StartingPosition{Type: &tc.typ, SequenceNumber: tc.seq}}
		if tc.ts != nil {
			in.StartingPosition.Timestamp = &awsproto.Time{Time: *tc.ts}
		}
		sub, err := e.s.SubscribeToShard(e.ctx, in)
		if err != nil {
			t.Fatalf("%s: %v", tc.typ, err)
		}
		t.Cleanup(sub.Close)
		ev, err := sub.Next(t.Context()) // the first event comes at once, with what is there
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range ev.Records {
			got = append(got, string(r.Data))
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.typ, diff)
		}
	}
}

// TestSubscriptionEndsWithConsumer: a subscription whose consumer is deregistered, or whose
// stream is deleted, ends with ResourceNotFoundException by its next heartbeat.
func TestSubscriptionEndsWithConsumer(t *testing.T) {
	e := newSubEnv(t, 1, Options{SubscriptionHeartbeat: 20 * time.Millisecond})
	for _, gone := range []string{"deregistered", "stream deleted"} {
		c := e.register(t, "c-"+strings.ReplaceAll(gone, " ", "-"))
		sub, err := e.subscribe(t, c, "0", iterLatest, nil)
		if err != nil {
			t.Fatal(err)
		}
		if gone == "deregistered" {
			_, err = e.s.DeregisterStreamConsumer(e.ctx, &DeregisterStreamConsumerInput{ConsumerARN: &c})
		} else {
			_, err = e.s.DeleteStream(e.ctx, &DeleteStreamInput{StreamName: grPtr("s"), EnforceConsumerDeletion: grPtr(true)})
		}
		if err != nil {
			t.Fatal(err)
		}
		for {
			ev, err := sub.Next(t.Context())
			if err != nil {
				if !awserr.IsCode(err, awserr.ResourceNotFound) {
					t.Fatalf("%s: %v, want ResourceNotFoundException", gone, err)
				}
				break
			}
			if len(ev.Records) != 0 {
				t.Fatalf("%s: records %v", gone, ev.Records)
			}
		}
	}
}

// TestSubscriptionEventBound: an event holds at most 1 MiB of data and partition keys; the
// rest follows in the next events, MillisBehindLatest saying the first was behind.
func TestSubscriptionEventBound(t *testing.T) {
	e := newSubEnv(t, 1, Options{})
	c := e.register(t, "c")
	for range 3 {
		entries := make([]PutRecordsRequestEntry, 500)
		for i := range entries {
			entries[i] = PutRecordsRequestEntry{PartitionKey: grPtr("k"), Data: make([]byte, 1023)}
		}
		if _, err := e.s.PutRecords(e.ctx, &PutRecordsInput{StreamName: grPtr("s"), Records: entries}); err != nil {
			t.Fatal(err)
		}
	}
	e.clock.advance(time.Second) // the records arrived a second ago
	sub, err := e.subscribe(t, c, "0", iterTrimHorizon, nil)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for total < 1500 {
		ev, err := sub.Next(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		bytes := 0
		for _, r := range ev.Records {
			bytes += len(r.Data) + len(r.PartitionKey)
		}
		if bytes > eventMaxBytes {
			t.Fatalf("event of %d bytes", bytes)
		}
		if total == 0 && (len(ev.Records) != eventMaxBytes/1024 || ev.MillisBehindLatest < 1000) {
			t.Fatalf("first event: %d records, %d ms behind; want %d records, at least 1000 ms", len(ev.Records), ev.MillisBehindLatest, eventMaxBytes/1024)
		}
		total += len(ev.Records)
	}
	if total != 1500 {
		t.Fatalf("%d records, want 1500", total)
	}
}
