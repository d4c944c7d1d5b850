package conformance

// The Firehose test environment: the real Firehose and S3 SDK clients against an
// in-process Freshet, and a real S3-compatible server (versitygw, built from the separate
// module tools/s3server so that its dependencies stay out of go.mod).

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fhtypes "github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"

	"github.com/freshet/freshet/internal/bench"
	ffirehose "github.com/freshet/freshet/internal/firehose"
	"github.com/freshet/freshet/internal/httpout"
	fkinesis "github.com/freshet/freshet/internal/kinesis"
	"github.com/freshet/freshet/internal/server"
	"github.com/freshet/freshet/internal/server/servertest"
	"github.com/freshet/freshet/internal/store"
)

// fhEnv is one in-process Freshet serving Firehose.
type fhEnv struct {
	URL    string
	Store  *store.Store
	Svc    *ffirehose.Service
	Client *firehose.Client
	// Dir is the directory buckets map to when no other ObjectStore was given.
	Dir string
	// Kinesis is the Kinesis service on the same store (sources of KinesisStreamAsSource).
	Kinesis *fkinesis.Service
}

// fhOptions tunes the Firehose service under test.
type fhOptions struct {
	StateDelay time.Duration
	Now        func() time.Time
	Objects    ffirehose.ObjectStore // default: ffirehose.DirStore{Root: Dir}
	Stages     map[string]ffirehose.StageFactory
	Retention  time.Duration // of undelivered records (default 24h)
	// HTTP and LambdaEndpoints reach Lambda functions and HTTP endpoints (default: httpout).
	HTTP            ffirehose.HTTPClient
	LambdaEndpoints map[string]string
}

func newFirehoseEnv(t testing.TB, o fhOptions) *fhEnv {
	t.Helper()
	st, err := store.Open(t.Context(), store.Options{Memory: true})
	if err != nil {
		t.Fatal(err)
	}
	k, err := fkinesis.New(t.Context(), fkinesis.Options{Store: st, AutoscaleInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	e := &fhEnv{Store: st, Dir: t.TempDir(), Kinesis: k}
	if o.HTTP == nil {
		o.HTTP = httpout.New()
	}
	if o.Objects == nil {
		o.Objects = ffirehose.DirStore{Root: e.Dir}
	}
	e.Svc = ffirehose.New(ffirehose.Options{Store: st, Objects: o.Objects, Now: o.Now, StateDelay: o.StateDelay,
		Stages: o.Stages, HTTP: o.HTTP, LambdaEndpoints: o.LambdaEndpoints, Kinesis: k, Retention: o.Retention, Tick: 10 * time.Millisecond, RetryMin: 20 * time.Millisecond, RetryMax: 100 * time.Millisecond})
	if err := e.Svc.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	srv := server.New(server.Config{Kinesis: k, Firehose: e.Svc})
	t.Cleanup(func() { // after the server has shut down
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		e.Svc.Close(ctx)
		k.Close()
		st.Close()
	})
	e.URL = "http://" + servertest.Serve(t, srv)
	e.Client = e.client("AKIDEXAMPLE", "us-east-1")
	return e
}

// client returns a Firehose SDK client signing with the given access key in the region.
func (e *fhEnv) client(accessKey, region string, opts ...func(*firehose.Options)) *firehose.Client {
	return firehose.New(firehose.Options{
		Region:       region,
		BaseEndpoint: aws.String(e.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(accessKey, "secret", ""),
		Retryer:      aws.NopRetryer{},
		HTTPClient:   &http.Client{Timeout: 60 * time.Second, Transport: bench.BufferedBody{Base: http.DefaultTransport}},
	}, opts...)
}

// fhNoInputValidation removes the SDK's check of required members (see noInputValidation).
func fhNoInputValidation(o *firehose.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		if _, ok := s.Initialize.Get("OperationInputValidation"); !ok {
			return nil
		}
		_, err := s.Initialize.Remove("OperationInputValidation")
		return err
	})
}

// fhS3 is an ExtendedS3 destination writing to bucket with the given buffering hints.
func fhS3(bucket string, sizeMB, intervalS int32) *fhtypes.ExtendedS3DestinationConfiguration {
	return &fhtypes.ExtendedS3DestinationConfiguration{
		BucketARN:      aws.String("arn:aws:s3:::" + bucket),
		RoleARN:        aws.String("arn:aws:iam::000000000000:role/firehose"),
		BufferingHints: &fhtypes.BufferingHints{SizeInMBs: aws.Int32(sizeMB), IntervalInSeconds: aws.Int32(intervalS)},
	}
}

// createDelivery creates a DirectPut delivery stream and waits until it is ACTIVE.
func (e *fhEnv) createDelivery(t *testing.T, name string, dest *fhtypes.ExtendedS3DestinationConfiguration) {
	t.Helper()
	_, err := e.Client.CreateDeliveryStream(t.Context(), &firehose.CreateDeliveryStreamInput{
		DeliveryStreamName: aws.String(name), ExtendedS3DestinationConfiguration: dest,
	})
	if err != nil {
		t.Fatalf("CreateDeliveryStream %s: %v", name, err)
	}
	e.waitActive(t, name)
}

func (e *fhEnv) waitActive(t *testing.T, name string) {
	t.Helper()
	waitFor(t, name+" ACTIVE", func() bool {
		out, err := e.Client.DescribeDeliveryStream(t.Context(), &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		return out.DeliveryStreamDescription.DeliveryStreamStatus == fhtypes.DeliveryStreamStatusActive
	})
}

// waitFor polls cond until it holds, failing the test after 30 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond) // polling, not waiting for state
	}
}

// dirObjects lists the objects of a bucket directory: key → content.
func dirObjects(t *testing.T, root, bucket string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	dir := filepath.Join(root, bucket)
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if errors.Is(err, os.ErrNotExist) {
			return filepath.SkipAll
		}
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".firehose-") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = b
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// s3Server is a running versitygw with a posix backend in a temporary directory.
type s3Server struct {
	Endpoint             string
	AccessKey, SecretKey string
	Client               *s3.Client
}

var versitygw struct {
	once sync.Once
	path string
	err  error
}

// versitygwBinary builds versitygw once per test process, into a directory named after
// tools/s3server/go.sum (the Go build cache makes a rebuild cheap; the name makes a stale
// binary impossible).
func versitygwBinary(t *testing.T) string {
	t.Helper()
	versitygw.once.Do(func() {
		toolDir, err := filepath.Abs("../../tools/s3server")
		if err != nil {
			versitygw.err = err
			return
		}
		sum, err := os.ReadFile(filepath.Join(toolDir, "go.sum"))
		if err != nil {
			versitygw.err = err
			return
		}
		h := sha256.Sum256(sum)
		out := filepath.Join(os.TempDir(), "freshet-versitygw-"+hex.EncodeToString(h[:6]), "versitygw")
		if _, err := os.Stat(out); err == nil {
			versitygw.path = out
			return
		}
		tmp := out + ".tmp"
		cmd := exec.Command("go", "build", "-o", tmp, "github.com/versity/versitygw/cmd/versitygw")
		cmd.Dir = toolDir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=readonly")
		if b, err := cmd.CombinedOutput(); err != nil {
			versitygw.err = errors.New("build versitygw: " + err.Error() + "\n" + string(b))
			return
		}
		versitygw.path, versitygw.err = out, os.Rename(tmp, out)
	})
	if versitygw.err != nil {
		t.Fatal(versitygw.err)
	}
	return versitygw.path
}

// startS3Server starts versitygw on a free loopback port and waits until it answers.
func startS3Server(t *testing.T) *s3Server {
	t.Helper()
	bin := versitygwBinary(t)
	root := t.TempDir()
	data, meta := filepath.Join(root, "data"), filepath.Join(root, "meta")
	for _, d := range []string{data, meta} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	srv := &s3Server{Endpoint: "http://" + addr, AccessKey: "freshettest", SecretKey: "freshettestsecret"}
	cmd := exec.Command(bin, "--access", srv.AccessKey, "--secret", srv.SecretKey, "--port", addr, "--quiet",
		"posix", "--sidecar", meta, data)
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("versitygw output:\n%s", logs.String())
		}
	})
	srv.Client = s3.New(s3.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(srv.Endpoint), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(srv.AccessKey, srv.SecretKey, ""),
	})
	waitFor(t, "versitygw at "+addr, func() bool {
		_, err := srv.Client.ListBuckets(t.Context(), &s3.ListBucketsInput{})
		return err == nil
	})
	return srv
}

// objects returns every object of a bucket: key → content.
func (s *s3Server) objects(t *testing.T, bucket string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	p := s3.NewListObjectsV2Paginator(s.Client, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	for p.HasMorePages() {
		page, err := p.NextPage(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Contents {
			g, err := s.Client.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: o.Key})
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(g.Body)
			g.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			out[*o.Key] = b
		}
	}
	return out
}

func (s *s3Server) createBucket(t *testing.T, bucket string) {
	t.Helper()
	if _, err := s.Client.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
}

func (s *s3Server) store() ffirehose.ObjectStore {
	return ffirehose.NewS3Store(ffirehose.S3Options{Endpoint: s.Endpoint, AccessKey: s.AccessKey, SecretKey: s.SecretKey, PathStyle: true})
}
