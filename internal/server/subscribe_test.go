package server

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	kinesissdk "github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/google/go-cmp/cmp"

	"github.com/freshet/freshet/internal/awserr"
	"github.com/freshet/freshet/internal/awsproto"
	"github.com/freshet/freshet/internal/bench"
	"github.com/freshet/freshet/internal/kinesis"
	"github.com/freshet/freshet/internal/server/servertest"
)

// These tests drive the event-stream writer with a stand-in subscription, so that framing,
// exceptions, shutdown and back-pressure are tested whatever the service streams.

// fakeSub is a stand-in subscription: it returns events, then end (nil: it waits for its
// context to end, as a subscription between heartbeats does). With endless set it returns
// that event forever.
type fakeSub struct {
	events  []*kinesis.SubscribeToShardEvent
	end     error
	endless *kinesis.SubscribeToShardEvent
	gap     time.Duration // how long Next takes after the first event, as between heartbeats

	nexts  atomic.Int64
	ctxErr atomic.Value // the context error Next returned
	closed chan struct{}
}

func newFakeSub(end error, events ...*kinesis.SubscribeToShardEvent) *fakeSub {
	return &fakeSub{events: events, end: end, closed: make(chan struct{})}
}

func (f *fakeSub) Next(ctx context.Context) (*kinesis.SubscribeToShardEvent, error) {
	n := int(f.nexts.Add(1)) - 1
	if n > 0 && f.gap > 0 {
		select {
		case <-time.After(f.gap):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	switch {
	case f.endless != nil:
		return f.endless, nil
	case n < len(f.events):
		return f.events[n], nil
	case f.end != nil:
		return nil, f.end
	}
	<-ctx.Done()
	f.ctxErr.Store(ctx.Err())
	return nil, ctx.Err()
}

func (f *fakeSub) Close() { close(f.closed) } // a second Close panics

// waitClosed waits until the writer closed the subscription.
func (f *fakeSub) waitClosed(t *testing.T) {
	t.Helper()
	select {
	case <-f.closed:
	case <-time.After(30 * time.Second):
		t.Fatal("the subscription was not closed")
	}
}

// newStreamServer serves SubscribeToShard from sub (or answers err) on a loopback port.
func newStreamServer(t testing.TB, cfg Config, sub subscription, err error) (*Server, string) {
	t.Helper()
	srv := New(cfg)
	srv.routes[kinesisTarget+"SubscribeToShard"] = func(ctx context.Context, c awsproto.Codec, body []byte) (any, error) {
		if e := c.Decode(body, new(kinesis.SubscribeToShardInput)); e != nil {
			return nil, e
		}
		if err != nil {
			return nil, err
		}
		return sub, nil
	}
	return srv, "http://" + servertest.Serve(t, srv)
}

const subscribeBody = `{"ConsumerARN":"arn:aws:kinesis:us-east-1:000000000000:stream/s/consumer/c:1","ShardId":"shardId-000000000000","StartingPosition":{"Type":"LATEST"}}`

func subscribeRequest(t testing.TB, ctx context.Context, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(subscribeBody))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", kinesisTarget+"SubscribeToShard")
	req.Header.Set("Authorization", testAuth)
	req.Header.Set("X-Amz-Date", "20261126T000000Z")
	return req
}

func protocolClient(t *testing.T, h1, h2c bool) *http.Client {
	var p http.Protocols
	p.SetHTTP1(h1)
	p.SetUnencryptedHTTP2(h2c)
	tr := &http.Transport{Protocols: &p}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

func testEvent(seq string, data ...string) *kinesis.SubscribeToShardEvent {
	ev := &kinesis.SubscribeToShardEvent{ContinuationSequenceNumber: seq, MillisBehindLatest: 7, Records: []kinesis.Record{}}
	for i, d := range data {
		ev.Records = append(ev.Records, kinesis.Record{
			ApproximateArrivalTimestamp: awsproto.NewTime(time.UnixMilli(1764115200123)),
			Data:                        []byte(d), PartitionKey: "pk", SequenceNumber: seq + string(rune('0'+i)),
		})
	}
	return ev
}

// decodedMessage is an event-stream message as a test compares it.
type decodedMessage struct {
	Headers map[string]string
	Payload string
}

func readMessages(t *testing.T, r io.Reader) []decodedMessage {
	t.Helper()
	var out []decodedMessage
	var buf []byte
	for {
		m, b, err := awsproto.ReadEventMessage(r, buf)
		buf = b
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("after %d messages: %v", len(out), err)
		}
		d := decodedMessage{Headers: map[string]string{}, Payload: string(m.Payload)}
		for _, h := range m.Headers {
			if h.Type != awsproto.EventString {
				t.Errorf("header %s has type %d, want string", h.Name, h.Type)
			}
			d.Headers[h.Name] = string(h.Value)
		}
		out = append(out, d)
	}
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := awsproto.JSON.Encode(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSubscribeFraming: over HTTP/1.1 and h2c, the answer is 200 with the event-stream
// content type, the initial-response event, one event per Next in the codec, then a clean
// end; an exception ends the stream with its type and message.
func TestSubscribeFraming(t *testing.T) {
	e1, e2 := testEvent("49", "one", "two"), testEvent("50")
	e2.ChildShards = []kinesis.ChildShard{{ShardId: "shardId-000000000002", ParentShards: []string{"shardId-000000000000"},
		HashKeyRange: kinesis.HashKeyRange{StartingHashKey: "0", EndingHashKey: "99"}}}
	const ct = "application/x-amz-json-1.1"
	initial := decodedMessage{Headers: map[string]string{":message-type": "event", ":event-type": "initial-response", ":content-type": ct}, Payload: "{}"}
	event := func(ev *kinesis.SubscribeToShardEvent) decodedMessage {
		return decodedMessage{Headers: map[string]string{":message-type": "event", ":event-type": "SubscribeToShardEvent", ":content-type": ct}, Payload: jsonOf(t, ev)}
	}
	exception := func(typ, msg string) decodedMessage {
		return decodedMessage{Headers: map[string]string{":message-type": "exception", ":exception-type": typ, ":content-type": ct}, Payload: jsonOf(t, map[string]string{"message": msg})}
	}
	tests := []struct {
		name string
		end  error
		want []decodedMessage
	}{
		{"end", io.EOF, []decodedMessage{initial, event(e1), event(e2)}},
		{"exception", awserr.New(awserr.ResourceInUse, "Another active subscription was taken."),
			[]decodedMessage{initial, event(e1), event(e2), exception("ResourceInUseException", "Another active subscription was taken.")}},
		{"internal error", errors.New("engine gone"), []decodedMessage{initial, event(e1), event(e2), exception("InternalFailureException", "")}},
	}
	for _, tt := range tests {
		for _, proto := range []string{"HTTP/1.1", "h2c"} {
			t.Run(tt.name+"/"+proto, func(t *testing.T) {
				sub := newFakeSub(tt.end, e1, e2)
				_, url := newStreamServer(t, Config{}, sub, nil)
				c := protocolClient(t, proto == "HTTP/1.1", proto == "h2c")
				res, err := c.Do(subscribeRequest(t, t.Context(), url))
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/vnd.amazon.eventstream" || !uuidRE.MatchString(res.Header.Get("x-amzn-RequestId")) {
					t.Errorf("HTTP/%d %d, headers %v", res.ProtoMajor, res.StatusCode, res.Header)
				}
				if diff := cmp.Diff(tt.want, readMessages(t, res.Body)); diff != "" {
					t.Errorf("messages (-want +got):\n%s", diff)
				}
				sub.waitClosed(t)
				if got := sub.nexts.Load(); got != 3 {
					t.Errorf("Next called %d times, want 3 (never again after an error)", got)
				}
			})
		}
	}
}

// TestSubscribeErrorBeforeStreaming: an error opening the subscription is an ordinary error
// answer, and a body the codec cannot read a SerializationException.
func TestSubscribeErrorBeforeStreaming(t *testing.T) {
	_, url := newStreamServer(t, Config{}, nil, awserr.New(awserr.ResourceNotFound, "Consumer c under account 000000000000 not found."))
	res, err := http.DefaultClient.Do(subscribeRequest(t, t.Context(), url))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	checkError(t, response{status: res.StatusCode, header: res.Header, body: string(b)}, 400, awserr.ResourceNotFound, "Consumer c under account 000000000000 not found.")

	req := subscribeRequest(t, t.Context(), url)
	req.Body = io.NopCloser(strings.NewReader(`{"ShardId":5}`))
	req.ContentLength = -1
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 400 || res.Header.Get("X-Amzn-ErrorType") != awserr.Serialization {
		t.Errorf("bad body: %d %s %s", res.StatusCode, res.Header.Get("X-Amzn-ErrorType"), b)
	}
}

func sdkClient(url string, base http.RoundTripper) *kinesissdk.Client {
	return kinesissdk.New(kinesissdk.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(url),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		Retryer:      aws.NopRetryer{},
		HTTPClient:   &http.Client{Transport: bench.BufferedBody{Base: base}},
	})
}

func sdkSubscribe(t *testing.T, ctx context.Context, c *kinesissdk.Client) *kinesissdk.SubscribeToShardEventStream {
	t.Helper()
	out, err := c.SubscribeToShard(ctx, &kinesissdk.SubscribeToShardInput{
		ConsumerARN:      aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/s/consumer/c:1"),
		ShardId:          aws.String("shardId-000000000000"),
		StartingPosition: &types.StartingPosition{Type: types.ShardIteratorTypeLatest},
	})
	if err != nil {
		t.Fatalf("SubscribeToShard: %v", err)
	}
	stream := out.GetStream()
	t.Cleanup(func() { stream.Close() })
	return stream
}

// sdkEvent renders what the SDK decoded, for comparison with the event sent.
func sdkEvent(t *testing.T, ev types.SubscribeToShardEventStream) string {
	t.Helper()
	m, ok := ev.(*types.SubscribeToShardEventStreamMemberSubscribeToShardEvent)
	if !ok {
		t.Fatalf("event %T, want a SubscribeToShardEvent", ev)
	}
	v := m.Value
	var b strings.Builder
	b.WriteString(aws.ToString(v.ContinuationSequenceNumber))
	b.WriteString(" behind=")
	b.WriteString(jsonOf(t, aws.ToInt64(v.MillisBehindLatest)))
	for _, r := range v.Records {
		b.WriteString(" " + aws.ToString(r.SequenceNumber) + "/" + aws.ToString(r.PartitionKey) + "/" + string(r.Data) + "@" + jsonOf(t, r.ApproximateArrivalTimestamp.UnixMilli()))
	}
	for _, c := range v.ChildShards {
		b.WriteString(" child " + aws.ToString(c.ShardId) + "<" + strings.Join(c.ParentShards, ","))
	}
	return b.String()
}

// TestSubscribeSDK: the Go SDK v2 reads the stream (over HTTP/1.1 and h2c), and each
// exception reaches it as the SDK's typed error.
func TestSubscribeSDK(t *testing.T) {
	e1, e2 := testEvent("49", "one", "two"), testEvent("50")
	e2.ChildShards = []kinesis.ChildShard{{ShardId: "shardId-000000000002", ParentShards: []string{"shardId-000000000000"},
		HashKeyRange: kinesis.HashKeyRange{StartingHashKey: "0", EndingHashKey: "99"}}}
	wantEvents := []string{
		"49 behind=7 490/pk/one@1764115200123 491/pk/two@1764115200123",
		"50 behind=7 child shardId-000000000002<shardId-000000000000",
	}
	var h2c http.Protocols
	h2c.SetUnencryptedHTTP2(true)
	for _, tc := range []struct {
		name    string
		end     error
		wantErr func(error) bool
	}{
		{"end", io.EOF, func(err error) bool { return err == nil }},
		{"ResourceInUse", awserr.New(awserr.ResourceInUse, "taken over"), func(err error) bool {
			var e *types.ResourceInUseException
			return errors.As(err, &e) && e.ErrorMessage() == "taken over"
		}},
		{"ResourceNotFound", awserr.New(awserr.ResourceNotFound, "gone"), func(err error) bool {
			var e *types.ResourceNotFoundException
			return errors.As(err, &e) && e.ErrorMessage() == "gone"
		}},
		{"internal", errors.New("engine gone"), func(err error) bool {
			var e *types.InternalFailureException
			return errors.As(err, &e)
		}},
	} {
		for _, proto := range []string{"HTTP/1.1", "h2c"} {
			t.Run(tc.name+"/"+proto, func(t *testing.T) {
				sub := newFakeSub(tc.end, e1, e2)
				_, url := newStreamServer(t, Config{}, sub, nil)
				base := &http.Transport{}
				if proto == "h2c" {
					base.Protocols = &h2c
				}
				t.Cleanup(base.CloseIdleConnections)
				stream := sdkSubscribe(t, t.Context(), sdkClient(url, base))
				var got []string
				for ev := range stream.Events() {
					got = append(got, sdkEvent(t, ev))
				}
				if diff := cmp.Diff(wantEvents, got); diff != "" {
					t.Errorf("events (-want +got):\n%s", diff)
				}
				if err := stream.Err(); !tc.wantErr(err) {
					t.Errorf("stream error %T %v", err, err)
				}
				sub.waitClosed(t)
			})
		}
	}
}

// TestSubscribeShutdown: Shutdown ends a live subscription at once with a clean end of
// stream, instead of waiting for it to end by itself.
func TestSubscribeShutdown(t *testing.T) {
	for _, proto := range []string{"HTTP/1.1", "h2c"} {
		t.Run(proto, func(t *testing.T) {
			sub := newFakeSub(nil, testEvent("49", "one")) // then waits, as between heartbeats
			srv, url := newStreamServer(t, Config{}, sub, nil)
			var p http.Protocols
			p.SetHTTP1(proto == "HTTP/1.1")
			p.SetUnencryptedHTTP2(proto == "h2c")
			tr := &http.Transport{Protocols: &p}
			t.Cleanup(tr.CloseIdleConnections)
			stream := sdkSubscribe(t, t.Context(), sdkClient(url, tr))
			if ev, ok := <-stream.Events(); !ok {
				t.Fatalf("no first event: %v", stream.Err())
			} else if got := sdkEvent(t, ev); got != "49 behind=7 490/pk/one@1764115200123" {
				t.Fatalf("first event %s", got)
			}
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			if err := srv.Shutdown(ctx); err != nil {
				t.Fatalf("Shutdown: %v (it waited for the subscription)", err)
			}
			if ev, ok := <-stream.Events(); ok {
				t.Fatalf("event after shutdown: %v", ev)
			}
			if err := stream.Err(); err != nil {
				t.Errorf("stream ended with %v, want a clean end", err)
			}
			sub.waitClosed(t)
			if err, _ := sub.ctxErr.Load().(error); !errors.Is(err, context.Canceled) {
				t.Errorf("Next ended with %v, want context.Canceled", err)
			}
		})
	}
}

// TestSubscribeIdleLongerThanWriteTimeout: the write timeout bounds writes only; a
// subscription that waits longer than it between events goes on.
func TestSubscribeIdleLongerThanWriteTimeout(t *testing.T) {
	const timeout = 100 * time.Millisecond
	for _, proto := range []string{"HTTP/1.1", "h2c"} {
		t.Run(proto, func(t *testing.T) {
			sub := newFakeSub(io.EOF, testEvent("49", "one"), testEvent("50", "two"))
			sub.gap = 3 * timeout
			_, url := newStreamServer(t, Config{StreamWriteTimeout: timeout}, sub, nil)
			res, err := protocolClient(t, proto == "HTTP/1.1", proto == "h2c").Do(subscribeRequest(t, t.Context(), url))
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var types []string
			for _, m := range readMessages(t, res.Body) {
				types = append(types, m.Headers[":event-type"])
			}
			if diff := cmp.Diff([]string{"initial-response", "SubscribeToShardEvent", "SubscribeToShardEvent"}, types); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSubscribeClientLeaves: a client that goes away ends Next through its context, and
// the subscription is closed.
func TestSubscribeClientLeaves(t *testing.T) {
	for _, proto := range []string{"HTTP/1.1", "h2c"} {
		t.Run(proto, func(t *testing.T) {
			sub := newFakeSub(nil, testEvent("49"))
			_, url := newStreamServer(t, Config{}, sub, nil)
			ctx, cancel := context.WithCancel(t.Context())
			res, err := protocolClient(t, proto == "HTTP/1.1", proto == "h2c").Do(subscribeRequest(t, ctx, url))
			if err != nil {
				t.Fatal(err)
			}
			// Read the initial response and the event, so that the writer is waiting in Next
			// (not still writing, which the cancel could fail first) when the client leaves.
			for range 2 {
				if _, _, err := awsproto.ReadEventMessage(res.Body, nil); err != nil {
					t.Fatal(err)
				}
			}
			cancel()
			res.Body.Close()
			sub.waitClosed(t)
			if err, _ := sub.ctxErr.Load().(error); !errors.Is(err, context.Canceled) {
				t.Errorf("Next ended with %v, want context.Canceled", err)
			}
		})
	}
}

// TestSubscribeSlowReader: a client that stops reading blocks the writer (flow control,
// TCP), so the server pulls only what fits in the window and socket buffers, and drops the
// client once a write has waited StreamWriteTimeout. Nothing piles up in between.
func TestSubscribeSlowReader(t *testing.T) {
	const recordSize = 64 << 10
	// The client's receive window (4 MiB for the Go h2 transport) plus socket buffers on
	// both ends: well under this.
	const bound = 48 << 20
	for _, proto := range []string{"HTTP/1.1", "h2c"} {
		t.Run(proto, func(t *testing.T) {
			sub := newFakeSub(nil)
			sub.endless = testEvent("49", strings.Repeat("x", recordSize))
			_, url := newStreamServer(t, Config{StreamWriteTimeout: 300 * time.Millisecond}, sub, nil)
			res, err := protocolClient(t, proto == "HTTP/1.1", proto == "h2c").Do(subscribeRequest(t, t.Context(), url))
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			// Read nothing. The writer blocks, then gives up.
			sub.waitClosed(t)
			pulled := sub.nexts.Load() * recordSize
			t.Logf("pulled %d KiB", pulled>>10)
			if pulled > bound {
				t.Errorf("the server pulled %d MiB for a client that reads nothing, want at most %d MiB", pulled>>20, bound>>20)
			}
			// The stream was cut, not ended cleanly.
			if _, err := io.Copy(io.Discard, res.Body); err == nil {
				t.Errorf("the dropped stream read to a clean end")
			}
		})
	}
}
