package conformance

import (
	"errors"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/freshet/freshet/internal/bench"
	fkinesis "github.com/freshet/freshet/internal/kinesis"
	"github.com/freshet/freshet/internal/server"
	"github.com/freshet/freshet/internal/server/servertest"
	"github.com/freshet/freshet/internal/store"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// env is one in-process Freshet: engine, service and HTTP server on a loopback port.
type env struct {
	URL   string
	Store *store.Store
	Svc   *fkinesis.Service
	// Client is an SDK client for account 000000000000 in us-east-1, without retries.
	Client *kinesis.Client
}

// envOptions tunes the service under test; zero values are Freshet's defaults.
type envOptions struct {
	StateDelay    time.Duration
	ShardLimit    int
	EnforceLimits bool
	Now           func() time.Time
	RetentionHour time.Duration
	// DataDir keeps the engine on disk there (default: memory only).
	DataDir string
	// SubscriptionLifetime and SubscriptionHeartbeat shorten SubscribeToShard's 5 minutes
	// and 5 seconds.
	SubscriptionLifetime, SubscriptionHeartbeat time.Duration
}

func newEnv(t testing.TB, o envOptions) *env {
	t.Helper()
	st, err := store.Open(t.Context(), store.Options{DataDir: o.DataDir, Memory: o.DataDir == ""})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := fkinesis.New(t.Context(), fkinesis.Options{
		Store: st, StateDelay: o.StateDelay, ShardLimit: o.ShardLimit, EnforceLimits: o.EnforceLimits, Now: o.Now,
		RetentionHour: o.RetentionHour, SubscriptionLifetime: o.SubscriptionLifetime, SubscriptionHeartbeat: o.SubscriptionHeartbeat,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(server.Config{Kinesis: svc})
	t.Cleanup(func() { // after the server has shut down
		svc.Close()
		st.Close()
	})
	e := &env{URL: "http://" + servertest.Serve(t, srv), Store: st, Svc: svc}
	e.Client = e.client("AKIDEXAMPLE", "us-east-1")
	return e
}

// client returns an SDK client signing with the given access key in the given region.
// A 12-digit access key id selects that account.
func (e *env) client(accessKey, region string) *kinesis.Client {
	return kinesis.New(kinesis.Options{
		Region:       region,
		BaseEndpoint: aws.String(e.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(accessKey, "secret", ""),
		Retryer:      aws.NopRetryer{},
		HTTPClient:   &http.Client{Timeout: 60 * time.Second, Transport: bench.BufferedBody{Base: http.DefaultTransport}},
	})
}

// apiError asserts err is an AWS API error and returns its code and message.
func apiError(t *testing.T, err error) (code, message string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("got error %v, want an AWS API error", err)
	}
	return ae.ErrorCode(), ae.ErrorMessage()
}

// wantError asserts err is the API error code with exactly the message.
func wantError(t *testing.T, err error, code, message string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s: %s", code, message)
	}
	gotCode, gotMsg := apiError(t, err)
	if gotCode != code || gotMsg != message {
		t.Fatalf("got %s: %s\nwant %s: %s", gotCode, gotMsg, code, message)
	}
}

// golden compares got with testdata/<name>.golden, rewriting it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

// errorLine renders an API error as "Code: message" for golden files.
func errorLine(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return "<no error>"
	}
	code, msg := apiError(t, err)
	return code + ": " + strings.TrimSpace(msg)
}

// createStream creates a stream and waits until it is ACTIVE.
func (e *env) createStream(t *testing.T, name string, shards int32) {
	t.Helper()
	ctx := t.Context()
	if _, err := e.Client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String(name), ShardCount: aws.Int32(shards)}); err != nil {
		t.Fatalf("CreateStream %s: %v", name, err)
	}
	w := kinesis.NewStreamExistsWaiter(e.Client, func(o *kinesis.StreamExistsWaiterOptions) {
		o.MinDelay = 10 * time.Millisecond
		o.MaxDelay = 50 * time.Millisecond
	})
	if err := w.Wait(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String(name)}, 30*time.Second); err != nil {
		t.Fatalf("wait for %s: %v", name, err)
	}
}
