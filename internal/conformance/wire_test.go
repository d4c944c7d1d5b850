package conformance

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/freshet/freshet/internal/bench"
)

// TestWireAccountsAndRegions: the access key (when it is 12 digits) picks the account and
// the signing region picks the region; each pair is its own namespace.
func TestWireAccountsAndRegions(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	owner := e.client("123456789012", "eu-west-1")
	if _, err := owner.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("ns"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	out, err := owner.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("ns")})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := aws.ToString(out.StreamDescriptionSummary.StreamARN), "arn:aws:kinesis:eu-west-1:123456789012:stream/ns"; got != want {
		t.Errorf("StreamARN = %s, want %s", got, want)
	}
	for _, tc := range []struct {
		c    *kinesis.Client
		want string
	}{
		{e.Client, "Stream ns under account 000000000000 not found."},
		{e.client("123456789012", "us-east-1"), "Stream ns under account 123456789012 not found."},
		{e.client("AKIDEXAMPLE", "eu-west-1"), "Stream ns under account 000000000000 not found."},
	} {
		_, err := tc.c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("ns")})
		wantError(t, err, "ResourceNotFoundException", tc.want)
	}
}

// TestWireH2C: the SDK works over HTTP/2 cleartext with prior knowledge, as the Java SDK v2
// speaks to an http:// endpoint.
func TestWireH2C(t *testing.T) {
	e := newEnv(t, envOptions{})
	var p http.Protocols
	p.SetUnencryptedHTTP2(true)
	tr := &http.Transport{Protocols: &p}
	t.Cleanup(tr.CloseIdleConnections)
	var protos []int
	c := kinesis.New(kinesis.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(e.URL),
		Credentials:  e.Client.Options().Credentials,
		Retryer:      aws.NopRetryer{},
		HTTPClient: &http.Client{Timeout: 60 * time.Second, Transport: wireRoundTripper(func(r *http.Request) (*http.Response, error) {
			res, err := bench.BufferedBody{Base: tr}.RoundTrip(r)
			if err == nil {
				protos = append(protos, res.ProtoMajor)
			}
			return res, err
		})},
	})
	ctx := t.Context()
	if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("h2"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	_, err := c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("missing")})
	wantError(t, err, "ResourceNotFoundException", "Stream missing under account 000000000000 not found.")
	if len(protos) != 2 || protos[0] != 2 || protos[1] != 2 {
		t.Errorf("responses came over HTTP/%v, want 2 and 2", protos)
	}
}

// TestWireUnsigned: a request without credentials is refused before the operation runs.
func TestWireUnsigned(t *testing.T) {
	e := newEnv(t, envOptions{})
	c := kinesis.New(kinesis.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(e.URL),
		Credentials:  aws.AnonymousCredentials{},
		Retryer:      aws.NopRetryer{},
		HTTPClient:   &http.Client{Timeout: 60 * time.Second, Transport: bench.BufferedBody{Base: http.DefaultTransport}},
	})
	_, err := c.ListStreams(t.Context(), &kinesis.ListStreamsInput{})
	wantError(t, err, "MissingAuthenticationTokenException", "Missing Authentication Token")
}

// TestWireInternalFailure: when the engine fails, the SDK sees a server fault named
// InternalFailure, with no detail of the failure.
func TestWireInternalFailure(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createStream(t, "gone", 1)
	e.Store.Close()
	_, err := e.Client.DescribeStreamSummary(t.Context(), &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("gone")})
	wantError(t, err, "InternalFailure", "UnknownError") // the SDK's text for an error body without a message
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != 500 {
		t.Errorf("got %v, want an HTTP 500", err)
	}
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorFault() == smithy.FaultClient {
		t.Errorf("InternalFailure reported as a client fault")
	}
}

type wireRoundTripper func(*http.Request) (*http.Response, error)

func (f wireRoundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
