package conformance

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/freshet/freshet/internal/bench"
	fkinesis "github.com/freshet/freshet/internal/kinesis"
	"github.com/freshet/freshet/internal/server"
	"github.com/freshet/freshet/internal/server/servertest"
	"github.com/freshet/freshet/internal/store"
)

// tlsEnv is an in-process Freshet serving TLS and cleartext on one port, with a
// self-signed certificate that its clients trust.
type tlsEnv struct {
	addr string
	srv  *server.Server
	pool *x509.CertPool
}

func newTLSEnv(t *testing.T, opts fkinesis.Options) *tlsEnv {
	t.Helper()
	st, err := store.Open(t.Context(), store.Options{Memory: true})
	if err != nil {
		t.Fatal(err)
	}
	opts.Store = st
	svc, err := fkinesis.New(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	cert, certPath, err := server.SelfSignedCertificate(t.TempDir(), nil, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	pem, err := os.ReadFile(certPath)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatal("no certificate in " + certPath)
	}
	srv := server.New(server.Config{Kinesis: svc, TLS: &tls.Config{Certificates: []tls.Certificate{cert}}})
	t.Cleanup(func() { // after the server has shut down
		svc.Close()
		st.Close()
	})
	return &tlsEnv{addr: servertest.Serve(t, srv), srv: srv, pool: pool}
}

// protoRecorder notes the protocol of every answer ("HTTP/2.0 TLS", "HTTP/1.1").
type protoRecorder struct {
	base   http.RoundTripper
	mu     sync.Mutex
	protos map[string]bool
}

func (p *protoRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	res, err := p.base.RoundTrip(r)
	if err == nil {
		proto := res.Proto
		if res.TLS != nil {
			proto += " TLS"
		}
		p.mu.Lock()
		p.protos[proto] = true
		p.mu.Unlock()
	}
	return res, err
}

func (p *protoRecorder) seen() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for k := range p.protos {
		out = append(out, k)
	}
	return strings.Join(out, ", ")
}

// tlsClient is an SDK client for scheme://addr speaking the given protocols, trusting the
// server's certificate (nil pool: the system's), with the protocols it answered recorded.
func (e *tlsEnv) tlsClient(t *testing.T, scheme string, protos http.Protocols, pool *x509.CertPool) (*kinesis.Client, *protoRecorder) {
	t.Helper()
	tr := &http.Transport{Protocols: &protos, TLSClientConfig: &tls.Config{RootCAs: pool}}
	t.Cleanup(tr.CloseIdleConnections)
	rec := &protoRecorder{base: bench.BufferedBody{Base: tr}, protos: map[string]bool{}}
	return kinesis.New(kinesis.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(scheme + "://" + e.addr),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		Retryer:      aws.NopRetryer{},
		HTTPClient:   &http.Client{Transport: rec},
	}), rec
}

func protocols(h1, h2, h2c bool) http.Protocols {
	var p http.Protocols
	p.SetHTTP1(h1)
	p.SetHTTP2(h2)
	p.SetUnencryptedHTTP2(h2c)
	return p
}

// TestTLSOnePort: on one port, the Go SDK negotiates HTTP/2 over TLS by ALPN (or HTTP/1.1
// when it offers only that), and h2c with prior knowledge and HTTP/1.1 still work in
// cleartext.
func TestTLSOnePort(t *testing.T) {
	e := newTLSEnv(t, fkinesis.Options{})
	for _, tc := range []struct {
		name, scheme string
		protos       http.Protocols
		want         string
	}{
		{"h2 over TLS", "https", protocols(true, true, false), "HTTP/2.0 TLS"},
		{"HTTP/1.1 over TLS", "https", protocols(true, false, false), "HTTP/1.1 TLS"},
		{"h2c", "http", protocols(false, false, true), "HTTP/2.0"},
		{"HTTP/1.1", "http", protocols(true, false, false), "HTTP/1.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, rec := e.tlsClient(t, tc.scheme, tc.protos, e.pool)
			name := strings.NewReplacer(" ", "-", "/", "-", ".", "-").Replace(tc.name)
			ctx := t.Context()
			if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String(name), ShardCount: aws.Int32(1)}); err != nil {
				t.Fatalf("CreateStream: %v", err)
			}
			out, err := c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
			if err != nil || aws.ToString(out.StreamDescriptionSummary.StreamName) != name {
				t.Fatalf("DescribeStreamSummary: %v", err)
			}
			_, err = c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name + "-missing")})
			wantError(t, err, "ResourceNotFoundException", "Stream "+name+"-missing under account 000000000000 not found.")
			if got := rec.seen(); got != tc.want {
				t.Errorf("answered over %s, want %s", got, tc.want)
			}
		})
	}
	t.Run("h2 over TLS without ALPN", func(t *testing.T) {
		// What the Java SDK v2 does by default (ProtocolNegotiation.ASSUME_PROTOCOL): TLS
		// with no ALPN, then HTTP/2 with prior knowledge. The transport believes it is in
		// cleartext and speaks h2c over the TLS connection its dialer made.
		protos := protocols(false, false, true)
		tr := &http.Transport{Protocols: &protos, DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			d := tls.Dialer{Config: &tls.Config{RootCAs: e.pool, ServerName: "127.0.0.1"}}
			return d.DialContext(ctx, network, addr)
		}}
		t.Cleanup(tr.CloseIdleConnections)
		rec := &protoRecorder{base: bench.BufferedBody{Base: tr}, protos: map[string]bool{}}
		c := kinesis.New(kinesis.Options{
			Region:       "us-east-1",
			BaseEndpoint: aws.String("http://" + e.addr),
			Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
			Retryer:      aws.NopRetryer{},
			HTTPClient:   &http.Client{Transport: rec},
		})
		if _, err := c.ListStreams(t.Context(), &kinesis.ListStreamsInput{}); err != nil {
			t.Fatalf("ListStreams: %v", err)
		}
		if got := rec.seen(); got != "HTTP/2.0 TLS" {
			t.Errorf("answered over %s, want HTTP/2.0 TLS", got)
		}
	})
	t.Run("untrusted", func(t *testing.T) {
		c, _ := e.tlsClient(t, "https", protocols(true, true, false), x509.NewCertPool())
		_, err := c.ListStreams(t.Context(), &kinesis.ListStreamsInput{})
		if ue := (x509.UnknownAuthorityError{}); !errors.As(err, &ue) {
			t.Errorf("a client that does not trust the certificate: %v, want an unknown authority error", err)
		}
	})
}

// TestTLSSilentConnections: clients that connect and send nothing, or only the first byte
// of a handshake, hold up neither other clients nor Shutdown.
func TestTLSSilentConnections(t *testing.T) {
	e := newTLSEnv(t, fkinesis.Options{})
	for _, first := range [][]byte{nil, {0x16}, {'P'}} {
		c, err := net.Dial("tcp", e.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := c.Write(first); err != nil {
			t.Fatal(err)
		}
	}
	for _, scheme := range []string{"https", "http"} {
		c, _ := e.tlsClient(t, scheme, protocols(true, true, false), e.pool)
		if _, err := c.ListStreams(t.Context(), &kinesis.ListStreamsInput{}); err != nil {
			t.Errorf("ListStreams over %s while silent clients are connected: %v", scheme, err)
		}
	}
}

// subscribeSetup creates a one-shard stream with a registered consumer and returns the
// consumer's ARN and the shard id.
func subscribeSetup(t *testing.T, c *kinesis.Client, name string) (consumerARN, shardID string) {
	t.Helper()
	ctx := t.Context()
	if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String(name), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	d, err := c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.RegisterStreamConsumer(ctx, &kinesis.RegisterStreamConsumerInput{StreamARN: d.StreamDescriptionSummary.StreamARN, ConsumerName: aws.String("c1")})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(r.Consumer.ConsumerARN), "shardId-000000000000"
}

func putData(t *testing.T, c *kinesis.Client, name string, data ...string) {
	t.Helper()
	var entries []types.PutRecordsRequestEntry
	for _, d := range data {
		entries = append(entries, types.PutRecordsRequestEntry{Data: []byte(d), PartitionKey: aws.String("pk")})
	}
	out, err := c.PutRecords(t.Context(), &kinesis.PutRecordsInput{StreamName: aws.String(name), Records: entries})
	if err != nil || aws.ToInt32(out.FailedRecordCount) != 0 {
		t.Fatalf("PutRecords: %v", err)
	}
}

// readUntil reads events until it has seen want records' data (in order); it returns the
// data of the records read.
func readUntil(t *testing.T, stream *kinesis.SubscribeToShardEventStream, want int) []string {
	t.Helper()
	var got []string
	for len(got) < want {
		ev, ok := <-stream.Events()
		if !ok {
			t.Fatalf("stream ended after %q: %v", got, stream.Err())
		}
		m, ok := ev.(*types.SubscribeToShardEventStreamMemberSubscribeToShardEvent)
		if !ok {
			t.Fatalf("event %T", ev)
		}
		if aws.ToString(m.Value.ContinuationSequenceNumber) == "" {
			t.Errorf("event without ContinuationSequenceNumber")
		}
		for _, r := range m.Value.Records {
			got = append(got, string(r.Data))
		}
	}
	return got
}

// TestTLSSubscribeToShard: the Go SDK subscribes over TLS and HTTP/2, receives the initial
// response and the records put before and after; deregistering the consumer reaches it as
// a typed ResourceNotFoundException.
func TestTLSSubscribeToShard(t *testing.T) {
	e := newTLSEnv(t, fkinesis.Options{SubscriptionHeartbeat: 100 * time.Millisecond})
	c, rec := e.tlsClient(t, "https", protocols(true, true, false), e.pool)
	ctx := t.Context()
	arn, shard := subscribeSetup(t, c, "efo-tls")
	putData(t, c, "efo-tls", "a", "b", "c")
	out, err := c.SubscribeToShard(ctx, &kinesis.SubscribeToShardInput{
		ConsumerARN: aws.String(arn), ShardId: aws.String(shard),
		StartingPosition: &types.StartingPosition{Type: types.ShardIteratorTypeTrimHorizon},
	})
	if err != nil {
		t.Fatalf("SubscribeToShard: %v", err)
	}
	stream := out.GetStream()
	defer stream.Close()
	if got := readUntil(t, stream, 3); strings.Join(got, "") != "abc" {
		t.Fatalf("records %q, want a b c", got)
	}
	putData(t, c, "efo-tls", "d")
	if got := readUntil(t, stream, 1); strings.Join(got, "") != "d" {
		t.Fatalf("records %q, want d", got)
	}
	if got := rec.seen(); got != "HTTP/2.0 TLS" {
		t.Errorf("answered over %s, want HTTP/2.0 TLS", got)
	}
	if _, err := c.DeregisterStreamConsumer(ctx, &kinesis.DeregisterStreamConsumerInput{ConsumerARN: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	for range stream.Events() { // heartbeats until the subscription notices
	}
	var nf *types.ResourceNotFoundException
	if err := stream.Err(); !errors.As(err, &nf) || nf.ErrorMessage() == "" {
		t.Errorf("after deregistering: %T %v, want a ResourceNotFoundException with a message", err, err)
	}
}

// TestTLSSubscribeShutdown: Shutdown ends a live subscription at once with a clean end of
// stream (the client then resubscribes elsewhere), over TLS and HTTP/2.
func TestTLSSubscribeShutdown(t *testing.T) {
	e := newTLSEnv(t, fkinesis.Options{})
	c, _ := e.tlsClient(t, "https", protocols(true, true, false), e.pool)
	arn, shard := subscribeSetup(t, c, "efo-shutdown")
	putData(t, c, "efo-shutdown", "a")
	out, err := c.SubscribeToShard(t.Context(), &kinesis.SubscribeToShardInput{
		ConsumerARN: aws.String(arn), ShardId: aws.String(shard),
		StartingPosition: &types.StartingPosition{Type: types.ShardIteratorTypeTrimHorizon},
	})
	if err != nil {
		t.Fatalf("SubscribeToShard: %v", err)
	}
	stream := out.GetStream()
	defer stream.Close()
	readUntil(t, stream, 1)
	// The subscription now waits for records (heartbeat 5 s, lifetime 5 min).
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := e.srv.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v (it waited for the subscription)", err)
	}
	for range stream.Events() { // at most a heartbeat sent before Shutdown
	}
	if err := stream.Err(); err != nil {
		t.Errorf("stream ended with %v, want a clean end", err)
	}
}
