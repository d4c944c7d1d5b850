package conformance

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"

	"github.com/freshet/freshet/internal/auth"
	"github.com/freshet/freshet/internal/bench"
	fkinesis "github.com/freshet/freshet/internal/kinesis"
	"github.com/freshet/freshet/internal/server"
	"github.com/freshet/freshet/internal/server/servertest"
	"github.com/freshet/freshet/internal/store"
)

const authCredentials = `{"accessKeyId":"AKIDAUTH","secretAccessKey":"right-secret","accountId":"111122223333"}
{"accessKeyId":"123456789012","secretAccessKey":"other-secret"}
`

// authEnv is a Freshet with signature verification on (--auth).
func authEnv(t *testing.T) *env {
	t.Helper()
	creds, err := auth.ParseCredentials(strings.NewReader(authCredentials))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(t.Context(), store.Options{Memory: true})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := fkinesis.New(t.Context(), fkinesis.Options{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(server.Config{Kinesis: svc, Credentials: creds})
	t.Cleanup(func() { // after the server has shut down
		svc.Close()
		st.Close()
	})
	return &env{URL: "http://" + servertest.Serve(t, srv), Store: st, Svc: svc}
}

// skewedSigner signs as the SDK does, with a clock off by skew.
type skewedSigner struct {
	skew time.Duration
	v4   *v4.Signer
}

func (s skewedSigner) SignHTTP(ctx context.Context, creds aws.Credentials, r *http.Request, payloadHash, service, region string, at time.Time, optFns ...func(*v4.SignerOptions)) error {
	return s.v4.SignHTTP(ctx, creds, r, payloadHash, service, region, at.Add(s.skew), optFns...)
}

// authClient is a real SDK client with the given keys, its clock off by skew.
func (e *env) authClient(key, secret string, skew time.Duration) *kinesis.Client {
	return kinesis.New(kinesis.Options{
		Region:       "eu-west-1",
		BaseEndpoint: aws.String(e.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(key, secret, ""),
		Retryer:      aws.NopRetryer{},
		HTTPClient:   &http.Client{Timeout: 60 * time.Second, Transport: bench.BufferedBody{Base: http.DefaultTransport}},
		HTTPSignerV4: skewedSigner{skew, v4.NewSigner()},
	})
}

// wantStatus asserts the HTTP status of an SDK error.
func wantStatus(t *testing.T, err error, status int) {
	t.Helper()
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != status {
		t.Errorf("error %v: want HTTP %d", err, status)
	}
}

// TestAuthGoSDK signs with the real Go SDK v2: the right secret works and acts in the
// file's account and the signed region; a wrong secret, an unknown key and a skewed clock
// get AWS's errors, texts and statuses.
func TestAuthGoSDK(t *testing.T) {
	e := authEnv(t)
	ctx := t.Context()
	good := e.authClient("AKIDAUTH", "right-secret", 0)
	if _, err := good.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("signed"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatalf("CreateStream with the right secret: %v", err)
	}
	out, err := good.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("signed")})
	if err != nil {
		t.Fatal(err)
	}
	if want := "arn:aws:kinesis:eu-west-1:111122223333:stream/signed"; *out.StreamDescriptionSummary.StreamARN != want {
		t.Errorf("StreamARN = %s, want %s (the file's account, the signed region)", *out.StreamDescriptionSummary.StreamARN, want)
	}
	// A 12-digit key without accountId acts in its own account.
	if _, err := e.authClient("123456789012", "other-secret", 0).DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("signed")}); err == nil {
		t.Error("account 123456789012 sees account 111122223333's stream")
	} else {
		wantError(t, err, "ResourceNotFoundException", "Stream signed under account 123456789012 not found.")
	}
	// A clock 4 minutes off is within AWS's 5-minute window.
	if _, err := e.authClient("AKIDAUTH", "right-secret", -4*time.Minute).ListStreams(ctx, &kinesis.ListStreamsInput{}); err != nil {
		t.Errorf("4 minutes behind: %v", err)
	}

	_, err = e.authClient("AKIDAUTH", "wrong-secret", 0).ListStreams(ctx, &kinesis.ListStreamsInput{})
	wantError(t, err, "InvalidSignatureException", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
	wantStatus(t, err, 400)

	_, err = e.authClient("AKIDNOBODY", "right-secret", 0).ListStreams(ctx, &kinesis.ListStreamsInput{})
	wantError(t, err, "UnrecognizedClientException", "The security token included in the request is invalid.")
	wantStatus(t, err, 400)

	// Skewed clocks: the texts name the request's time, the bound and the server's time,
	// which moves; check the shape with the times cut out.
	_, err = e.authClient("AKIDAUTH", "right-secret", -10*time.Minute).ListStreams(ctx, &kinesis.ListStreamsInput{})
	code, msg := apiError(t, err)
	if code != "InvalidSignatureException" || !skewText(msg, "Signature expired: ", " is now earlier than ", " - 5 min.)") {
		t.Errorf("10 minutes behind: %s: %s", code, msg)
	}
	wantStatus(t, err, 400)
	_, err = e.authClient("AKIDAUTH", "right-secret", 10*time.Minute).ListStreams(ctx, &kinesis.ListStreamsInput{})
	code, msg = apiError(t, err)
	if code != "InvalidSignatureException" || !skewText(msg, "Signature not yet current: ", " is still later than ", " + 5 min.)") {
		t.Errorf("10 minutes ahead: %s: %s", code, msg)
	}
	// The skew check comes before the key lookup, as on AWS.
	_, err = e.authClient("AKIDNOBODY", "x", -time.Hour).ListStreams(ctx, &kinesis.ListStreamsInput{})
	if code, _ := apiError(t, err); code != "InvalidSignatureException" {
		t.Errorf("unknown key, clock an hour behind: %s, want InvalidSignatureException", code)
	}

	// The unsigned-credential texts are unchanged.
	r, _ := http.NewRequest(http.MethodPost, e.URL+"/", strings.NewReader("{}"))
	r.Header.Set("X-Amz-Target", "Kinesis_20131202.ListStreams")
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || string(b) != `{"__type":"MissingAuthenticationTokenException","message":"Missing Authentication Token"}` {
		t.Errorf("no credential: %d %s", resp.StatusCode, b)
	}
}

// skewText reports whether msg is "<prefix><16-char time><middle><16-char time> (<16-char time><suffix>".
func skewText(msg, prefix, middle, suffix string) bool {
	rest, ok := strings.CutPrefix(msg, prefix)
	if !ok || len(rest) < 16 {
		return false
	}
	rest, ok = strings.CutPrefix(rest[16:], middle)
	if !ok || len(rest) < 18 || rest[16:18] != " (" {
		return false
	}
	return len(rest) == 18+16+len(suffix) && strings.HasSuffix(rest, suffix)
}

// TestAuthPresigned sends presigned requests made by the Go SDK v2's PresignHTTP.
func TestAuthPresigned(t *testing.T) {
	e := authEnv(t)
	body := []byte(`{}`)
	sum := sha256.Sum256(body)
	presign := func(secret, query string) *http.Request {
		r, _ := http.NewRequest(http.MethodPost, e.URL+"/?"+query, strings.NewReader(string(body)))
		r.Header.Set("X-Amz-Target", "Kinesis_20131202.ListStreams")
		r.Header.Set("Content-Type", "application/x-amz-json-1.1")
		// X-Amz-Target stays a header: Freshet routes by it.
		s := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableHeaderHoisting = true })
		uri, headers, err := s.PresignHTTP(context.Background(), aws.Credentials{AccessKeyID: "AKIDAUTH", SecretAccessKey: secret},
			r, hex.EncodeToString(sum[:]), "kinesis", "us-east-1", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		p, _ := http.NewRequest(http.MethodPost, uri, strings.NewReader(string(body)))
		for k, v := range headers {
			if !strings.EqualFold(k, "host") {
				p.Header[k] = v
			}
		}
		return p
	}
	for _, tc := range []struct {
		name, secret, query string
		status              int
		body                string
	}{
		{"right secret", "right-secret", "X-Amz-Expires=300", 200, `{"HasMoreStreams":false,"StreamNames":[],"StreamSummaries":[]}`},
		{"wrong secret", "nope", "X-Amz-Expires=300", 400, `{"__type":"InvalidSignatureException","message":"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}`},
		{"expires over a week", "right-secret", "X-Amz-Expires=604801", 400, `{"__type":"IncompleteSignatureException","message":"X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds"}`},
	} {
		resp, err := http.DefaultClient.Do(presign(tc.secret, tc.query))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || string(b) != tc.body {
			t.Errorf("%s: %d %s\nwant %d %s", tc.name, resp.StatusCode, b, tc.status, tc.body)
		}
	}
}
