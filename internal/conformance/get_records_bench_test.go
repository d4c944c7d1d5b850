package conformance

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	fkinesis "github.com/freshet/freshet/internal/kinesis"
	"github.com/freshet/freshet/internal/server"
	"github.com/freshet/freshet/internal/store"
)

// grBenchEnv is newEnv for benchmarks: a memory engine, the service and the HTTP server.
func grBenchEnv(b *testing.B) *env {
	st, err := store.Open(b.Context(), store.Options{Memory: true})
	if err != nil {
		b.Fatal(err)
	}
	svc, err := fkinesis.New(b.Context(), fkinesis.Options{Store: st})
	if err != nil {
		b.Fatal(err)
	}
	srv := server.New(server.Config{Kinesis: svc})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	b.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		<-done
		svc.Close()
		st.Close()
	})
	e := &env{URL: "http://" + ln.Addr().String(), Store: st, Svc: svc}
	e.Client = grClient(e)
	return e
}

// BenchmarkGetRecords reads 10000-record pages of 100-byte records from one shard through
// the real server and SDK. The shard holds 100000 records written by 500-record PutRecords.
//
//	go test ./internal/conformance -run XXX -bench GetRecords -benchtime 200x
func BenchmarkGetRecords(b *testing.B) {
	const total, perPut, size, page = 100000, 500, 100, 10000
	e := grBenchEnv(b)
	ctx := b.Context()
	if _, err := e.Client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("bench"), ShardCount: aws.Int32(1)}); err != nil {
		b.Fatal(err)
	}
	data := bytes.Repeat([]byte{'x'}, size)
	for p := range total / perPut {
		entries := make([]types.PutRecordsRequestEntry, perPut)
		for i := range entries {
			entries[i] = types.PutRecordsRequestEntry{PartitionKey: aws.String(fmt.Sprintf("k%d", p)), Data: data}
		}
		out, err := e.Client.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("bench"), Records: entries})
		if err != nil || aws.ToInt32(out.FailedRecordCount) != 0 {
			b.Fatalf("PutRecords: %v", err)
		}
	}
	trim := func() *string {
		out, err := e.Client.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("bench"), ShardId: aws.String("0"), ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
		if err != nil {
			b.Fatal(err)
		}
		return out.ShardIterator
	}
	it := trim()
	records, dataBytes := 0, 0
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		out, err := e.Client.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it, Limit: aws.Int32(page)})
		if err != nil {
			b.Fatal(err)
		}
		if len(out.Records) != page {
			b.Fatalf("page of %d records, want %d", len(out.Records), page)
		}
		records += len(out.Records)
		for _, r := range out.Records {
			dataBytes += len(r.Data)
		}
		if it = out.NextShardIterator; aws.ToInt64(out.MillisBehindLatest) == 0 {
			it = trim()
		}
	}
	secs := b.Elapsed().Seconds()
	b.ReportMetric(float64(records)/secs, "records/s")
	b.ReportMetric(float64(dataBytes)/secs/(1<<20), "MiB/s")
}

// grBufferedBody hands the transport its own copy of each request body: smithy-go closes the
// body as soon as response headers arrive, and when the transport has not read its EOF yet
// (a fast local server), it drops the connection and the SDK fails to read a 200 answer
// ("use of closed network connection", aws/aws-sdk-go-v2#2737; the standard retryer would
// retry, tests use none).
type grBufferedBody struct{ base http.RoundTripper }

func (t grBufferedBody) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil && r.Body != http.NoBody {
		b, err := io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil {
			return nil, err
		}
		r = r.Clone(r.Context())
		r.Body = io.NopCloser(bytes.NewReader(b))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	}
	return t.base.RoundTrip(r)
}

// grClient is e.Client with grBufferedBody, for tests that make many requests.
func grClient(e *env) *kinesis.Client {
	return kinesis.New(kinesis.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(e.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		Retryer:      aws.NopRetryer{},
		HTTPClient:   &http.Client{Timeout: 60 * time.Second, Transport: grBufferedBody{http.DefaultTransport}},
	})
}
