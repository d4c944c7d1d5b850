package auth

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/google/go-cmp/cmp"

	"github.com/freshet/freshet/internal/awserr"
)

const testCredentials = `# test keys
{"accessKeyId":"AKIDEXAMPLE","secretAccessKey":"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY","accountId":"111122223333"}

{"accessKeyId":"123456789012","secretAccessKey":"s2"}
{"accessKeyId":"plain","secretAccessKey":"s3"}
{"accessKeyId":"temp","secretAccessKey":"s4","sessionToken":"tok"}
`

// verifyNow is the server's clock in these tests.
var verifyNow = time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)

// verifyServer answers each request with the scope Verify found, or its error.
func verifyServer(t *testing.T) *httptest.Server {
	t.Helper()
	creds, err := ParseCredentials(strings.NewReader(testCredentials))
	if err != nil {
		t.Fatal(err)
	}
	v := &Verifier{Credentials: creds, Account: "000000000000", Region: "us-east-1", Now: func() time.Time { return verifyNow }}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		scope, err := v.Verify(r, body, "kinesis")
		out := verifyResult{Scope: scope}
		if e, ok := awserr.As(err); ok {
			out.Code, out.Msg = e.Code, e.Message
		} else if err != nil {
			out.Code = "internal: " + err.Error()
		}
		json.NewEncoder(w).Encode(out)
	}))
	t.Cleanup(srv.Close)
	return srv
}

type verifyResult struct {
	Scope Scope
	Code  string
	Msg   string
}

func send(t *testing.T, r *http.Request) verifyResult {
	t.Helper()
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got verifyResult
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	return got
}

const testBody = `{"StreamName":"s","Limit":10}`

func newSignable(t *testing.T, url, body string) *http.Request {
	t.Helper()
	r, err := http.NewRequest(http.MethodPost, url+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("X-Amz-Target", "Kinesis_20131202.DescribeStream")
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	return r
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

const mismatch = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."

// TestVerifyGoSDKSigner signs requests with the real Go SDK v2 signer.
func TestVerifyGoSDKSigner(t *testing.T) {
	srv := verifyServer(t)
	good := aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
	tests := []struct {
		name    string
		creds   aws.Credentials
		region  string
		service string
		at      time.Time
		tamper  func(r *http.Request)
		body    string
		unsign  bool // x-amz-content-sha256: UNSIGNED-PAYLOAD
		want    verifyResult
	}{
		{name: "right secret", creds: good, want: verifyResult{Scope: Scope{"111122223333", "eu-west-1"}}},
		{name: "4m59s behind", creds: good, at: verifyNow.Add(-299 * time.Second), want: verifyResult{Scope: Scope{"111122223333", "eu-west-1"}}},
		{name: "12-digit key", creds: aws.Credentials{AccessKeyID: "123456789012", SecretAccessKey: "s2"}, want: verifyResult{Scope: Scope{"123456789012", "eu-west-1"}}},
		{name: "other key: default account", creds: aws.Credentials{AccessKeyID: "plain", SecretAccessKey: "s3"}, want: verifyResult{Scope: Scope{"000000000000", "eu-west-1"}}},
		{name: "session token", creds: aws.Credentials{AccessKeyID: "temp", SecretAccessKey: "s4", SessionToken: "tok"}, want: verifyResult{Scope: Scope{"000000000000", "eu-west-1"}}},
		{name: "empty body", creds: good, body: "-", want: verifyResult{Scope: Scope{"111122223333", "eu-west-1"}}},
		{name: "unsigned payload", creds: good, unsign: true, want: verifyResult{Scope: Scope{"111122223333", "eu-west-1"}}},
		{name: "wrong secret", creds: aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "nope"},
			want: verifyResult{Code: awserr.InvalidSignature, Msg: mismatch}},
		{name: "unknown key", creds: aws.Credentials{AccessKeyID: "AKIDUNKNOWN", SecretAccessKey: "x"},
			want: verifyResult{Code: awserr.UnrecognizedClient, Msg: "The security token included in the request is invalid."}},
		{name: "wrong session token", creds: aws.Credentials{AccessKeyID: "temp", SecretAccessKey: "s4", SessionToken: "other"},
			want: verifyResult{Code: awserr.UnrecognizedClient, Msg: "The security token included in the request is invalid"}},
		{name: "token on a permanent key", creds: aws.Credentials{AccessKeyID: "plain", SecretAccessKey: "s3", SessionToken: "tok"},
			want: verifyResult{Code: awserr.UnrecognizedClient, Msg: "The security token included in the request is invalid"}},
		{name: "clock 6 minutes behind", creds: good, at: verifyNow.Add(-6 * time.Minute),
			want: verifyResult{Code: awserr.InvalidSignature, Msg: "Signature expired: 20261126T075400Z is now earlier than 20261126T075500Z (20261126T080000Z - 5 min.)"}},
		{name: "clock 6 minutes ahead", creds: good, at: verifyNow.Add(6 * time.Minute),
			want: verifyResult{Code: awserr.InvalidSignature, Msg: "Signature not yet current: 20261126T080600Z is still later than 20261126T080500Z (20261126T080000Z + 5 min.)"}},
		{name: "skew wins over an unknown key", creds: aws.Credentials{AccessKeyID: "AKIDUNKNOWN", SecretAccessKey: "x"}, at: verifyNow.Add(-time.Hour),
			want: verifyResult{Code: awserr.InvalidSignature, Msg: "Signature expired: 20261126T070000Z is now earlier than 20261126T075500Z (20261126T080000Z - 5 min.)"}},
		{name: "wrong service", creds: good, service: "firehose",
			want: verifyResult{Code: awserr.InvalidSignature, Msg: "Credential should be scoped to correct service: 'kinesis'."}},
		{name: "body changed after signing", creds: good, tamper: func(r *http.Request) {
			r.Body = io.NopCloser(strings.NewReader(`{"StreamName":"t","Limit":10}`))
		}, want: verifyResult{Code: awserr.InvalidSignature, Msg: mismatch}},
		{name: "signed header changed", creds: good, tamper: func(r *http.Request) {
			r.Header.Set("X-Amz-Target", "Kinesis_20131202.DeleteStream")
		}, want: verifyResult{Code: awserr.InvalidSignature, Msg: mismatch}},
		{name: "payload hash header not the body's", creds: good, tamper: func(r *http.Request) {
			r.Header.Set("X-Amz-Content-Sha256", sha256Hex([]byte("other")))
		}, want: verifyResult{Code: awserr.InvalidSignature, Msg: mismatch}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := testBody
			if tc.body == "-" {
				body = ""
			}
			r := newSignable(t, srv.URL, body)
			at, region, service := verifyNow, "eu-west-1", "kinesis"
			if !tc.at.IsZero() {
				at = tc.at
			}
			if tc.service != "" {
				service = tc.service
			}
			hash := sha256Hex([]byte(body))
			if tc.unsign {
				hash = "UNSIGNED-PAYLOAD"
				r.Header.Set("X-Amz-Content-Sha256", hash)
			}
			// A signer per request: a signer caches signing keys by access key id.
			if err := v4.NewSigner().SignHTTP(context.Background(), tc.creds, r, hash, service, region, at); err != nil {
				t.Fatal(err)
			}
			if tc.tamper != nil {
				tc.tamper(r)
			}
			if diff := cmp.Diff(tc.want, send(t, r)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestVerifyPresigned presigns requests with the Go SDK v2's PresignHTTP.
func TestVerifyPresigned(t *testing.T) {
	srv := verifyServer(t)
	good := aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
	tests := []struct {
		name    string
		creds   aws.Credentials
		expires string
		at      time.Time
		hash    string
		want    verifyResult
	}{
		{name: "body hash", creds: good, want: verifyResult{Scope: Scope{"111122223333", "us-west-2"}}},
		{name: "unsigned payload", creds: good, hash: "UNSIGNED-PAYLOAD", want: verifyResult{Scope: Scope{"111122223333", "us-west-2"}}},
		{name: "within X-Amz-Expires", creds: good, expires: "3600", at: verifyNow.Add(-59 * time.Minute), want: verifyResult{Scope: Scope{"111122223333", "us-west-2"}}},
		{name: "past X-Amz-Expires", creds: good, expires: "60", at: verifyNow.Add(-2 * time.Minute),
			want: verifyResult{Code: awserr.InvalidSignature, Msg: "Signature expired: 20261126T075800Z is now earlier than 20261126T075900Z (20261126T080000Z - 1 min.)"}},
		{name: "past X-Amz-Expires in seconds", creds: good, expires: "90", at: verifyNow.Add(-2 * time.Minute),
			want: verifyResult{Code: awserr.InvalidSignature, Msg: "Signature expired: 20261126T075800Z is now earlier than 20261126T075830Z (20261126T080000Z - 90 sec.)"}},
		{name: "X-Amz-Expires over a week", creds: good, expires: "604801",
			want: verifyResult{Code: awserr.IncompleteSignature, Msg: "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds"}},
		{name: "X-Amz-Expires not a number", creds: good, expires: "soon",
			want: verifyResult{Code: awserr.IncompleteSignature, Msg: "X-Amz-Expires must be a non-negative integer number of seconds, not 'soon'."}},
		{name: "no X-Amz-Expires: 5 minutes", creds: good, at: verifyNow.Add(-6 * time.Minute),
			want: verifyResult{Code: awserr.InvalidSignature, Msg: "Signature expired: 20261126T075400Z is now earlier than 20261126T075500Z (20261126T080000Z - 5 min.)"}},
		{name: "wrong secret", creds: aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "bad"},
			want: verifyResult{Code: awserr.InvalidSignature, Msg: mismatch}},
		{name: "unknown key", creds: aws.Credentials{AccessKeyID: "nobody", SecretAccessKey: "bad"},
			want: verifyResult{Code: awserr.UnrecognizedClient, Msg: "The security token included in the request is invalid."}},
		{name: "session token in the query", creds: aws.Credentials{AccessKeyID: "temp", SecretAccessKey: "s4", SessionToken: "tok"},
			want: verifyResult{Scope: Scope{"000000000000", "us-west-2"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newSignable(t, srv.URL, testBody)
			if tc.expires != "" {
				r.URL.RawQuery = "X-Amz-Expires=" + tc.expires
			}
			at, hash := verifyNow, sha256Hex([]byte(testBody))
			if !tc.at.IsZero() {
				at = tc.at
			}
			if tc.hash != "" {
				hash = tc.hash
			}
			// X-Amz-Target stays a header: Freshet routes by the header.
			signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableHeaderHoisting = true })
			uri, headers, err := signer.PresignHTTP(context.Background(), tc.creds, r, hash, "kinesis", "us-west-2", at)
			if err != nil {
				t.Fatal(err)
			}
			p, err := http.NewRequest(http.MethodPost, uri, strings.NewReader(testBody))
			if err != nil {
				t.Fatal(err)
			}
			for k, vs := range headers {
				if !strings.EqualFold(k, "host") {
					p.Header[k] = vs
				}
			}
			if diff := cmp.Diff(tc.want, send(t, p)); diff != "" {
				t.Errorf("%s\n(-want +got):\n%s", uri, diff)
			}
		})
	}
}

// TestVerifyMalformed covers the checks before the signature, in AWS's order, with
// hand-written credentials.
func TestVerifyMalformed(t *testing.T) {
	srv := verifyServer(t)
	const sig = "Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	tests := []struct {
		name   string
		auth   string
		date   string
		query  string
		want   verifyResult
		header map[string]string
	}{
		{name: "no credential", want: verifyResult{Code: awserr.MissingAuthenticationToken, Msg: "Missing Authentication Token"}},
		{name: "missing parts", auth: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/us-east-1/kinesis/aws4_request",
			want: verifyResult{Code: awserr.IncompleteSignature, Msg: "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/us-east-1/kinesis/aws4_request"}},
		{name: "bad date", auth: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/us-east-1/kinesis/aws4_request, SignedHeaders=host, " + sig, date: "2026-11-26T08:00:00Z",
			want: verifyResult{Code: awserr.IncompleteSignature, Msg: "Date must be in ISO-8601 'basic format'. Got '2026-11-26T08:00:00Z'. See http://en.wikipedia.org/wiki/ISO_8601"}},
		{name: "date before host", auth: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/us-east-1/kinesis/aws4_request, SignedHeaders=x-amz-date, " + sig, date: "20261125T080000Z",
			want: verifyResult{Code: awserr.InvalidSignature, Msg: "Signature expired: 20261125T080000Z is now earlier than 20261126T075500Z (20261126T080000Z - 5 min.)"}},
		{name: "host not signed", auth: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/us-east-1/kinesis/aws4_request, SignedHeaders=x-amz-date, " + sig,
			want: verifyResult{Code: awserr.InvalidSignature, Msg: "'Host' must be a 'SignedHeader' in the AWS Authorization."}},
		{name: "algorithm", auth: "AWS4-HMAC-SHA25 Credential=AKIDEXAMPLE/20261126/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, " + sig,
			want: verifyResult{Code: awserr.IncompleteSignature, Msg: "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA25' (only AWS4-HMAC-SHA256 for now). "}},
		{name: "four parts", auth: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/us-east-1/kinesis, SignedHeaders=host, " + sig,
			want: verifyResult{Code: awserr.IncompleteSignature, Msg: "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKIDEXAMPLE/20261126/us-east-1/kinesis'"}},
		{name: "scope", auth: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261125/us-east-1/dynamodb/aws4_reques, SignedHeaders=host, " + sig,
			want: verifyResult{Code: awserr.InvalidSignature, Msg: "Credential should be scoped to correct service: 'kinesis'. Credential should be scoped with a valid terminator: 'aws4_request', not 'aws4_reques'. Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20261125' != '20261126', from '20261126T080000Z'."}},
		{name: "empty region", auth: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126//kinesis/aws4_request, SignedHeaders=host, " + sig,
			want: verifyResult{Code: awserr.InvalidSignature, Msg: "Credential should be scoped to a valid region, not ''."}},
		{name: "unknown key", auth: "AWS4-HMAC-SHA256 Credential=AKIDOTHER/20261126/us-east-1/kinesis/aws4_request, SignedHeaders=host, " + sig,
			want: verifyResult{Code: awserr.UnrecognizedClient, Msg: "The security token included in the request is invalid."}},
		{name: "signature not hex", auth: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=zz",
			want: verifyResult{Code: awserr.InvalidSignature, Msg: mismatch}},
		{name: "presigned missing parts", query: "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20261126T080000Z",
			want: verifyResult{Code: awserr.IncompleteSignature, Msg: "AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string parameters must include 'X-Amz-Signature'. AWS query-string parameters must include 'X-Amz-SignedHeaders'. Re-examine the query-string parameters."}},
		{name: "both", auth: "AWS4-HMAC-SHA256 Credential=a", query: "X-Amz-Algorithm=AWS4-HMAC-SHA256",
			want: verifyResult{Code: awserr.InvalidSignature, Msg: "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header."}},
		{name: "presigned bad date", query: "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20261126%2Fus-east-1%2Fkinesis%2Faws4_request&X-Amz-Date=yesterday&X-Amz-SignedHeaders=host&X-Amz-Signature=00",
			want: verifyResult{Code: awserr.IncompleteSignature, Msg: "Date must be in ISO-8601 'basic format'. Got 'yesterday'. See http://en.wikipedia.org/wiki/ISO_8601"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := http.NewRequest(http.MethodPost, srv.URL+"/?"+tc.query, bytes.NewReader([]byte(testBody)))
			if err != nil {
				t.Fatal(err)
			}
			if tc.auth != "" {
				r.Header.Set("Authorization", tc.auth)
				date := "20261126T080000Z"
				if tc.date != "" {
					date = tc.date
				}
				if !strings.Contains(tc.name, "missing") {
					r.Header.Set("X-Amz-Date", date)
				}
			}
			if diff := cmp.Diff(tc.want, send(t, r)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseCredentials(t *testing.T) {
	c, err := ParseCredentials(strings.NewReader(testCredentials))
	if err != nil {
		t.Fatal(err)
	}
	if c.Len() != 4 {
		t.Errorf("Len = %d, want 4", c.Len())
	}
	k, ok := c.Lookup("AKIDEXAMPLE")
	if want := (Credential{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", AccountID: "111122223333"}); !ok || k != want {
		t.Errorf("Lookup = %+v, %v", k, ok)
	}
	for in, want := range map[string]string{
		"":                        "no access keys",
		"# only a comment\n":      "no access keys",
		`{"accessKeyId":"a"}`:     "line 1: secretAccessKey is missing",
		`{"secretAccessKey":"s"}`: "line 1: accessKeyId is missing",
		"\n" + `{"accessKeyId":"a","secretAccessKey":"s","accountId":"12"}`:                              `line 2: accountId "12" is not 12 digits`,
		`{"accessKeyId":"a","secretAccessKey":"s","account":"1"}`:                                        `line 1: json: unknown field "account"`,
		`{"accessKeyId":"a","secretAccessKey":"s"}` + "\n" + `{"accessKeyId":"a","secretAccessKey":"t"}`: `line 2: accessKeyId "a" appears twice`,
		`{"accessKeyId":"a","secretAccessKey":"s"} {"accessKeyId":"b","secretAccessKey":"t"}`:            "line 1: one JSON object per line",
		`accessKeyId,secretAccessKey`:                                                                         "line 1: invalid character 'a' looking for beginning of value",
		`{"accessKeyId":"a","secretAccessKey":"s"`:                                                            "line 1: unexpected EOF",
		`{"accessKeyId":"a","secretAccessKey":"s","sessionToken":7}`:                                          "line 1: json: cannot unmarshal number into Go struct field Credential.sessionToken of type string",
		`{"accessKeyId":"a","secretAccessKey":"s"}` + "\n" + strings.Repeat("x", 1<<20+1):                     "bufio.Scanner: token too long",
		`{"accessKeyId":"a","secretAccessKey":"s","accountId":"123456789012"}` + "\n" + "{\"accessKeyId\":1}": "line 2: json: cannot unmarshal number into Go struct field Credential.accessKeyId of type string",
	} {
		_, err := ParseCredentials(strings.NewReader(in))
		if err == nil || err.Error() != want {
			t.Errorf("ParseCredentials(%.40q) = %v, want %q", in, err, want)
		}
	}
}

// FuzzVerify feeds arbitrary Authorization headers, dates and queries to Verify: it never
// panics and every refusal is one of AWS's authentication errors.
func FuzzVerify(f *testing.F) {
	creds, err := ParseCredentials(strings.NewReader(testCredentials))
	if err != nil {
		f.Fatal(err)
	}
	v := &Verifier{Credentials: creds, Account: "000000000000", Region: "us-east-1", Now: func() time.Time { return verifyNow }}
	f.Add("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=00", "20261126T080000Z", "", []byte(testBody))
	f.Add("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/us-east-1/kinesis/aws4_request,SignedHeaders=host,Signature=", "20261126T080000Z", "a=b&c", []byte{})
	f.Add("", "", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a%2Fb&X-Amz-Date=20261126T080000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=00&X-Amz-Expires=-1", []byte{1})
	f.Add("AWS4-HMAC-SHA256 Credential=////, SignedHeaders=;;, Signature===", "99999999T999999Z", "%zz=%", []byte(nil))
	f.Add("AWS4", "20261126T080000Z", "X-Amz-Algorithm", []byte("x"))
	f.Fuzz(func(t *testing.T, authz, date, query string, body []byte) {
		r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		r.URL.RawQuery = query
		if authz != "" {
			r.Header["Authorization"] = []string{authz}
		}
		if date != "" {
			r.Header["X-Amz-Date"] = []string{date}
		}
		_, err := v.Verify(r, body, "kinesis")
		if err == nil {
			return // only with a valid signature, which random input does not make
		}
		e, ok := awserr.As(err)
		if !ok {
			t.Fatalf("Verify(%q, %q, %q) = %v, not an AWS error", authz, date, query, err)
		}
		switch e.Code {
		case awserr.MissingAuthenticationToken, awserr.IncompleteSignature, awserr.InvalidSignature, awserr.UnrecognizedClient:
		default:
			t.Fatalf("Verify(%q, %q, %q) = %v", authz, date, query, err)
		}
	})
}

// BenchmarkVerify verifies a signed PutRecords-sized request: the cost is the body's
// SHA-256 plus a handful of HMACs.
func BenchmarkVerify(b *testing.B) {
	creds, err := ParseCredentials(strings.NewReader(testCredentials))
	if err != nil {
		b.Fatal(err)
	}
	v := &Verifier{Credentials: creds, Account: "000000000000", Region: "us-east-1", Now: func() time.Time { return verifyNow }}
	for _, size := range []int{1 << 10, 1 << 20} {
		body := bytes.Repeat([]byte("x"), size)
		r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:4567/", bytes.NewReader(body))
		r.Header.Set("X-Amz-Target", "Kinesis_20131202.PutRecords")
		r.Header.Set("Content-Type", "application/x-amz-json-1.1")
		good := aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
		if err := v4.NewSigner().SignHTTP(context.Background(), good, r, sha256Hex(body), "kinesis", "us-east-1", verifyNow); err != nil {
			b.Fatal(err)
		}
		b.Run(strconv.Itoa(size), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(size))
			for b.Loop() {
				if _, err := v.Verify(r, body, "kinesis"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestVerifyAuthoritySigned: over HTTP/2 the JS SDK v3 signs the :authority pseudo-header
// instead of Host (SignedHeaders=:authority;…). The signature is computed here by hand,
// following the SigV4 specification, with :authority's value being the request's host.
func TestVerifyAuthoritySigned(t *testing.T) {
	srv := verifyServer(t)
	r := newSignable(t, srv.URL, testBody)
	const amzDate = "20261126T080000Z"
	r.Header.Set("X-Amz-Date", amzDate)
	host := strings.TrimPrefix(srv.URL, "http://")
	signed := ":authority;content-type;x-amz-date;x-amz-target"
	canonical := strings.Join([]string{
		"POST", "/", "",
		":authority:" + host,
		"content-type:application/x-amz-json-1.1",
		"x-amz-date:" + amzDate,
		"x-amz-target:Kinesis_20131202.DescribeStream",
		"",
		signed,
		sha256Hex([]byte(testBody)),
	}, "\n")
	scope := "20261126/eu-west-1/kinesis/aws4_request"
	toSign := "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + sha256Hex([]byte(canonical))
	hmacOf := func(key []byte, s string) []byte {
		m := hmac.New(sha256.New, key)
		m.Write([]byte(s))
		return m.Sum(nil)
	}
	key := []byte("AWS4wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
	for _, part := range []string{"20261126", "eu-west-1", "kinesis", "aws4_request"} {
		key = hmacOf(key, part)
	}
	sig := hex.EncodeToString(hmacOf(key, toSign))
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"+scope+", SignedHeaders="+signed+", Signature="+sig)
	if got, want := send(t, r), (verifyResult{Scope: Scope{"111122223333", "eu-west-1"}}); got != want {
		t.Errorf("signed with :authority: got %+v, want %+v", got, want)
	}
}
