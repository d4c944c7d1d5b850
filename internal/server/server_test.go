package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/freshet/freshet/internal/awserr"
	"github.com/freshet/freshet/internal/awsproto"
	"github.com/freshet/freshet/internal/kinesis"
	"github.com/freshet/freshet/internal/server/servertest"
	"github.com/freshet/freshet/internal/store"
)

// testServer is a Server over a memory-only engine, listening on a loopback port.
type testServer struct {
	*Server
	URL   string
	Store *store.Store
	logs  *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func newTestServer(t testing.TB, cfg Config) *testServer {
	t.Helper()
	st, err := store.Open(context.Background(), store.Options{Memory: true})
	if err != nil {
		t.Fatal(err)
	}
	k, err := kinesis.New(context.Background(), kinesis.Options{Store: st, ShardLimit: 20})
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	cfg.Kinesis = k
	cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := New(cfg)
	t.Cleanup(func() { // after the server has shut down
		k.Close()
		st.Close()
	})
	return &testServer{Server: srv, URL: "http://" + servertest.Serve(t, srv), Store: st, logs: logs}
}

const testAuth = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcd"

// request describes one raw request; zero fields mean a well-formed signed POST.
type request struct {
	method  string
	path    string
	target  string
	body    string
	noAuth  bool
	headers map[string]string
}

func (ts *testServer) newRequest(t testing.TB, rq request) *http.Request {
	t.Helper()
	if rq.method == "" {
		rq.method = http.MethodPost
	}
	req, err := http.NewRequest(rq.method, ts.URL+rq.path, strings.NewReader(rq.body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	if rq.target != "" {
		req.Header.Set("X-Amz-Target", rq.target)
	}
	if !rq.noAuth {
		req.Header.Set("Authorization", testAuth)
		req.Header.Set("X-Amz-Date", "20261126T000000Z")
	}
	for k, v := range rq.headers {
		req.Header.Set(k, v)
	}
	return req
}

type response struct {
	status int
	header http.Header
	body   string
	proto  int
}

func send(t testing.TB, c *http.Client, req *http.Request) response {
	t.Helper()
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	return response{status: res.StatusCode, header: res.Header, body: string(b), proto: res.ProtoMajor}
}

func (ts *testServer) do(t testing.TB, rq request) response {
	t.Helper()
	return send(t, http.DefaultClient, ts.newRequest(t, rq))
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// checkCommon asserts what every answer carries.
func checkCommon(t *testing.T, r response) {
	t.Helper()
	if id := r.header.Get("x-amzn-RequestId"); !uuidRE.MatchString(id) {
		t.Errorf("x-amzn-RequestId = %q, want a UUID", id)
	}
	if ct := r.header.Get("Content-Type"); ct == "" {
		t.Errorf("no Content-Type")
	}
}

// checkError asserts r is the AWS error code with message ("" = no message member).
func checkError(t *testing.T, r response, status int, code, message string) {
	t.Helper()
	checkCommon(t, r)
	if r.status != status {
		t.Errorf("status = %d, want %d (body %s)", r.status, status, r.body)
	}
	if got := r.header.Get("Content-Type"); got != "application/x-amz-json-1.1" {
		t.Errorf("Content-Type = %q, want application/x-amz-json-1.1", got)
	}
	if got := r.header.Get("X-Amzn-ErrorType"); got != code {
		t.Errorf("X-Amzn-ErrorType = %q, want %q", got, code)
	}
	want := map[string]string{"__type": code}
	if message != "" {
		key := "message"
		if code == awserr.Serialization {
			key = "Message"
		}
		want[key] = message
	}
	var got map[string]string
	if err := json.Unmarshal([]byte(r.body), &got); err != nil {
		t.Fatalf("error body %q: %v", r.body, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("error body mismatch (-want +got):\n%s", diff)
	}
}

const (
	listStreams  = "Kinesis_20131202.ListStreams"
	createStream = "Kinesis_20131202.CreateStream"
	putRecord    = "Kinesis_20131202.PutRecord"
	describeSum  = "Kinesis_20131202.DescribeStreamSummary"
)

// TestRequestChecks follows kinesalite's connection tests, which were checked against AWS.
func TestRequestChecks(t *testing.T) {
	ts := newTestServer(t, Config{})
	const incompleteHeader = "Authorization header requires 'Credential' parameter. " +
		"Authorization header requires 'Signature' parameter. " +
		"Authorization header requires 'SignedHeaders' parameter. " +
		"Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. " +
		"Authorization=X"
	tests := []struct {
		name    string
		req     request
		status  int
		code    string
		message string
	}{
		{"GET /", request{method: "GET", path: "/"}, 403, awserr.AccessDenied, "Unable to determine service/operation name to be authorized"},
		{"GET / without auth", request{method: "GET", path: "/", noAuth: true}, 403, awserr.MissingAuthenticationToken, "Missing Authentication Token"},
		{"PUT", request{method: "PUT", target: listStreams, body: "{}"}, 403, awserr.AccessDenied, "Unable to determine service/operation name to be authorized"},
		{"OPTIONS without Origin", request{method: "OPTIONS", noAuth: true}, 403, awserr.MissingAuthenticationToken, "Missing Authentication Token"},
		{"no target", request{body: "{}"}, 400, awserr.UnknownOperation, ""},
		{"no target, no body, no auth", request{noAuth: true}, 400, awserr.UnknownOperation, ""},
		{"unknown operation", request{target: "Kinesis_20131202.ListStream", body: "{}"}, 400, awserr.UnknownOperation, ""},
		{"unknown service", request{target: "DynamoDB_20120810.ListTables", body: "{}"}, 400, awserr.UnknownOperation, ""},
		{"operation without service", request{target: "ListStreams", body: "{}"}, 400, awserr.UnknownOperation, ""},
		{"no target, list body", request{body: "[]"}, 400, awserr.UnknownOperation, ""},
		{"no target, non-JSON body", request{body: "hello"}, 400, awserr.Serialization, ""},
		{"no target, number body", request{body: "5"}, 400, awserr.Serialization, ""},
		{"no body", request{target: listStreams}, 400, awserr.Serialization, ""},
		{"no body, no auth", request{target: listStreams, noAuth: true}, 400, awserr.Serialization, ""},
		{"non-JSON body, no auth", request{target: listStreams, body: "hello", noAuth: true}, 400, awserr.Serialization, ""},
		{"malformed JSON", request{target: createStream, body: `{"StreamName":`}, 400, awserr.Serialization, ""},
		{"valid JSON then garbage", request{target: createStream, body: `{"StreamName":"a"}x`}, 400, awserr.Serialization, ""},
		{"list body", request{target: listStreams, body: "[]"}, 400, awserr.Serialization, "Start of list found where not expected"},
		{"no auth", request{target: listStreams, body: "{}", noAuth: true}, 400, awserr.MissingAuthenticationToken, "Missing Authentication Token"},
		{"invalid auth", request{target: listStreams, body: "{}", noAuth: true, headers: map[string]string{"Authorization": "X"}},
			400, awserr.IncompleteSignature, incompleteHeader},
		{"incomplete auth header and query", request{path: "/?X-Amz-Algorith", target: listStreams, body: "{}", noAuth: true, headers: map[string]string{"Authorization": "X"}},
			400, awserr.IncompleteSignature, incompleteHeader},
		{"all query params but X-Amz-Algorithm", request{path: "/?X-Amz-Credential=a&X-Amz-Signature=b&X-Amz-SignedHeaders=c&X-Amz-Date=d", target: listStreams, body: "{}", noAuth: true},
			400, awserr.MissingAuthenticationToken, "Missing Authentication Token"},
		{"auth header and query", request{path: "/?X-Amz-Algorithm", target: listStreams, body: "{}", noAuth: true, headers: map[string]string{"Authorization": "X"}},
			400, awserr.InvalidSignature, "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header."},
		{"params separated by a space", request{target: listStreams, body: "{}", noAuth: true, headers: map[string]string{"Authorization": "AWS4- Signature=b Credential=a", "Date": "a"}},
			400, awserr.IncompleteSignature, "Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4- Signature=b Credential=a"},
		{"params separated by a comma", request{target: listStreams, body: "{}", noAuth: true, headers: map[string]string{"Authorization": "AWS4- Signature=b,Credential=a", "Date": "a"}},
			400, awserr.IncompleteSignature, "Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4- Signature=b,Credential=a"},
		{"params separated by a comma and a space", request{target: listStreams, body: "{}", noAuth: true, headers: map[string]string{"Authorization": "AWS4- Signature=b, Credential=a", "Date": "a"}},
			400, awserr.IncompleteSignature, "Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4- Signature=b, Credential=a"},
		{"empty X-Amz-Algorithm query", request{path: "/?X-Amz-Algorithm", target: listStreams, body: "{}", noAuth: true}, 400, awserr.IncompleteSignature,
			"AWS query-string parameters must include 'X-Amz-Algorithm'. " +
				"AWS query-string parameters must include 'X-Amz-Credential'. " +
				"AWS query-string parameters must include 'X-Amz-Signature'. " +
				"AWS query-string parameters must include 'X-Amz-SignedHeaders'. " +
				"AWS query-string parameters must include 'X-Amz-Date'. " +
				"Re-examine the query-string parameters."},
		{"missing X-Amz-SignedHeaders query", request{path: "/?X-Amz-Algorithm=a&X-Amz-Credential=b&X-Amz-Signature=c&X-Amz-Date=d", target: listStreams, body: "{}", noAuth: true},
			400, awserr.IncompleteSignature, "AWS query-string parameters must include 'X-Amz-SignedHeaders'. Re-examine the query-string parameters."},
		// Type errors are found after the credential, in AWS's (Jackson's) words.
		{"string for integer", request{target: createStream, body: `{"StreamName":"a","ShardCount":"1"}`}, 400, awserr.Serialization,
			"class java.lang.String can not be converted to an Integer"},
		{"object for string", request{target: createStream, body: `{"StreamName":{}}`}, 400, awserr.Serialization,
			"Start of structure or map found where not expected."},
		{"number for string", request{target: describeSum, body: `{"StreamName":12}`}, 400, awserr.Serialization,
			"class java.math.BigDecimal can not be converted to an String"},
		{"string for structure", request{target: createStream, body: `{"StreamName":"a","StreamModeDetails":"ON_DEMAND"}`}, 400, awserr.Serialization, "Expected null"},
		{"string for map", request{target: createStream, body: `{"StreamName":"a","Tags":"x"}`}, 400, awserr.Serialization, "Expected map or null"},
		{"bad base64", request{target: putRecord, body: `{"StreamName":"a","PartitionKey":"k","Data":"abc"}`}, 400, awserr.Serialization,
			"'abc' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 3"},
		{"bad base64 character", request{target: putRecord, body: `{"StreamName":"a","PartitionKey":"k","Data":"ab*d"}`}, 400, awserr.Serialization,
			"'ab*d' can not be converted to a Blob: Invalid Base64 character: '*'"},
		{"string for blob list member", request{target: "Kinesis_20131202.PutRecords", body: `{"StreamName":"a","Records":[{"PartitionKey":"k","Data":true}]}`}, 400, awserr.Serialization,
			"class java.lang.Boolean can not be converted to a Blob"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkError(t, ts.do(t, tt.req), tt.status, tt.code, tt.message)
		})
	}
}

func TestSuccess(t *testing.T) {
	ts := newTestServer(t, Config{})
	// Unknown members are ignored, wherever they are; a fractional ShardCount is truncated.
	r := ts.do(t, request{target: createStream, body: `{"StreamName":"s1","ShardCount":1.7,"StreamId":"x","Bogus":{"a":[1,null]}}`})
	checkCommon(t, r)
	if r.status != 200 || r.header.Get("Content-Type") != "application/x-amz-json-1.1" {
		t.Fatalf("CreateStream: %d %s %s", r.status, r.header.Get("Content-Type"), r.body)
	}
	if r.header.Get("X-Amzn-ErrorType") != "" {
		t.Errorf("success carries X-Amzn-ErrorType %q", r.header.Get("X-Amzn-ErrorType"))
	}
	id2, err := base64.StdEncoding.DecodeString(r.header.Get("x-amz-id-2"))
	if err != nil || len(id2) != 72 {
		t.Errorf("x-amz-id-2 = %q, want 72 base64-encoded bytes", r.header.Get("x-amz-id-2"))
	}
	r2 := ts.do(t, request{target: describeSum, body: `{"StreamName":"s1"}`})
	if r2.status != 200 {
		t.Fatalf("DescribeStreamSummary: %d %s", r2.status, r2.body)
	}
	var out struct{ StreamDescriptionSummary struct{ OpenShardCount int } }
	if err := json.Unmarshal([]byte(r2.body), &out); err != nil {
		t.Fatal(err)
	}
	if out.StreamDescriptionSummary.OpenShardCount != 1 {
		t.Errorf("OpenShardCount = %d, want 1 (ShardCount 1.7 truncated)", out.StreamDescriptionSummary.OpenShardCount)
	}
	if r.header.Get("x-amzn-RequestId") == r2.header.Get("x-amzn-RequestId") {
		t.Errorf("two requests share the request id %s", r.header.Get("x-amzn-RequestId"))
	}
	// Each request leaves an access-log line with its operation, status and request id.
	ts.do(t, request{target: describeSum, body: `{"StreamName":"nope"}`})
	if !regexp.MustCompile(`msg=request method=POST path=/ op=DescribeStreamSummary status=400 req_id=[0-9a-f-]{36} `).MatchString(ts.logs.String()) {
		t.Errorf("no access-log line for a failed DescribeStreamSummary in:\n%s", ts.logs.String())
	}
	if !regexp.MustCompile(`op=DescribeStreamSummary status=200 req_id=` + r2.header.Get("x-amzn-RequestId")).MatchString(ts.logs.String()) {
		t.Errorf("no access-log line for request %s", r2.header.Get("x-amzn-RequestId"))
	}
	h := ts.do(t, request{method: "GET", path: "/healthz", noAuth: true})
	checkCommon(t, h)
	if h.status != 200 || h.body != "ok\n" {
		t.Errorf("GET /healthz = %d %q", h.status, h.body)
	}
}

// TestHTTP1AndH2C serves HTTP/1.1 and HTTP/2 cleartext with prior knowledge (what the Java
// SDK v2 speaks to an http:// endpoint) on the same port.
func TestHTTP1AndH2C(t *testing.T) {
	ts := newTestServer(t, Config{})
	var h1, h2c http.Protocols
	h1.SetHTTP1(true)
	h2c.SetUnencryptedHTTP2(true)
	for _, tc := range []struct {
		name  string
		proto http.Protocols
		major int
	}{{"HTTP/1.1", h1, 1}, {"h2c", h2c, 2}} {
		t.Run(tc.name, func(t *testing.T) {
			tr := &http.Transport{Protocols: &tc.proto}
			defer tr.CloseIdleConnections()
			c := &http.Client{Transport: tr}
			name := "proto" + tc.name[:2]
			r := send(t, c, ts.newRequest(t, request{target: createStream, body: `{"StreamName":"` + name + `","ShardCount":1}`}))
			if r.proto != tc.major || r.status != 200 {
				t.Fatalf("CreateStream over %s: HTTP/%d %d %s", tc.name, r.proto, r.status, r.body)
			}
			checkCommon(t, r)
			r = send(t, c, ts.newRequest(t, request{target: "Kinesis_20131202.Nope", body: "{}"}))
			checkError(t, r, 400, awserr.UnknownOperation, "")
			if r.proto != tc.major {
				t.Errorf("error answered over HTTP/%d", r.proto)
			}
		})
	}
}

func TestCORS(t *testing.T) {
	ts := newTestServer(t, Config{})
	r := ts.do(t, request{method: "OPTIONS", noAuth: true, headers: map[string]string{
		"Origin": "http://console.example", "Access-Control-Request-Headers": "a, b, c", "Access-Control-Request-Method": "POST",
	}})
	checkCommon(t, r)
	want := map[string]string{
		"Access-Control-Allow-Origin":  "*",
		"Access-Control-Allow-Headers": "a, b, c",
		"Access-Control-Allow-Methods": "POST",
		"Access-Control-Max-Age":       "172800",
	}
	for k, v := range want {
		if got := r.header.Get(k); got != v {
			t.Errorf("preflight %s = %q, want %q", k, got, v)
		}
	}
	if r.status != 200 || r.body != "" {
		t.Errorf("preflight = %d %q, want 200 and no body", r.status, r.body)
	}
	for _, rq := range []request{
		{target: createStream, body: `{"StreamName":"cors","ShardCount":1}`},
		{target: "Kinesis_20131202.Nope", body: "{}"},
	} {
		rq.headers = map[string]string{"Origin": "http://console.example"}
		r := ts.do(t, rq)
		if got := r.header.Get("Access-Control-Allow-Origin"); got != "*" {
			t.Errorf("%s: Access-Control-Allow-Origin = %q, want *", rq.target, got)
		}
		if got := r.header.Get("Access-Control-Expose-Headers"); got != exposedHeaders {
			t.Errorf("%s: Access-Control-Expose-Headers = %q", rq.target, got)
		}
	}
	if r := ts.do(t, request{target: "Kinesis_20131202.Nope", body: "{}"}); r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("CORS headers without an Origin")
	}
}

// endless is a body that never ends; a server that reads it all never answers.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

func TestBodyLimit(t *testing.T) {
	const max = 4 << 10
	ts := newTestServer(t, Config{MaxBody: max})
	const msg = "Request body exceeds the limit of 4096 bytes."

	t.Run("declared length", func(t *testing.T) {
		// Only the headers are sent: the answer must come from Content-Length alone.
		conn, err := net.Dial("tcp", strings.TrimPrefix(ts.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(30 * time.Second))
		io.WriteString(conn, "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: "+putRecord+"\r\nContent-Type: application/x-amz-json-1.1\r\n"+
			"Authorization: "+testAuth+"\r\nX-Amz-Date: 20261126T000000Z\r\nContent-Length: 1073741824\r\n\r\n")
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		checkError(t, response{status: res.StatusCode, header: res.Header, body: string(b)}, 413, awserr.Serialization, msg)
	})

	var h1, h2c http.Protocols
	h1.SetHTTP1(true)
	h2c.SetUnencryptedHTTP2(true)
	for name, p := range map[string]http.Protocols{"chunked HTTP/1.1": h1, "endless h2c stream": h2c} {
		t.Run(name, func(t *testing.T) {
			tr := &http.Transport{Protocols: &p}
			defer tr.CloseIdleConnections()
			req := ts.newRequest(t, request{target: putRecord})
			req.Body = io.NopCloser(io.MultiReader(strings.NewReader(`{"Data":"`), endless{}))
			req.ContentLength = -1
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			res, err := tr.RoundTrip(req.WithContext(ctx))
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			checkError(t, response{status: res.StatusCode, header: res.Header, body: string(b)}, 413, awserr.Serialization, msg)
		})
	}

	t.Run("large body under the default limit", func(t *testing.T) {
		ts := newTestServer(t, Config{})
		body := `{"StreamName":"none","PartitionKey":"k","Data":""}` + strings.Repeat(" ", 3<<20)
		for _, chunked := range []bool{false, true} {
			req := ts.newRequest(t, request{target: putRecord, body: body})
			if chunked {
				req.Body = io.NopCloser(strings.NewReader(body))
				req.ContentLength = -1
			}
			checkError(t, send(t, http.DefaultClient, req), 400, awserr.ResourceNotFound, "Stream none under account 000000000000 not found.")
		}
	})

	t.Run("at the limit", func(t *testing.T) {
		body := `{"StreamName":"none","PartitionKey":"k","Data":""}`
		body += strings.Repeat(" ", max-len(body))
		r := ts.do(t, request{target: putRecord, body: body})
		checkError(t, r, 400, awserr.ResourceNotFound, "Stream none under account 000000000000 not found.")
	})
}

// TestScopeFromCredential: the account comes from a 12-digit access key, the region from
// the credential scope, even when the service segment is empty (kinesalite's signer).
func TestScopeFromCredential(t *testing.T) {
	ts := newTestServer(t, Config{Account: "111111111111", Region: "ap-south-1"})
	tests := []struct {
		cred string
		want string
	}{
		{"AKIDEXAMPLE/20261126/eu-west-1/kinesis/aws4_request", "arn:aws:kinesis:eu-west-1:111111111111:stream/s"},
		{"123456789012/20261126/eu-west-1/kinesis/aws4_request", "arn:aws:kinesis:eu-west-1:123456789012:stream/s"},
		{"undefined/20261126/us-west-2//aws4_request", "arn:aws:kinesis:us-west-2:111111111111:stream/s"},
		{"12345678901/20261126//kinesis/aws4_request", "arn:aws:kinesis:ap-south-1:111111111111:stream/s"}, // 11 digits
		{"AKID", "arn:aws:kinesis:ap-south-1:111111111111:stream/s"},
	}
	for _, tt := range tests {
		t.Run(tt.cred, func(t *testing.T) {
			auth := map[string]string{"Authorization": "AWS4-HMAC-SHA256 Credential=" + tt.cred + ", SignedHeaders=host, Signature=x"}
			r := ts.do(t, request{target: createStream, body: `{"StreamName":"s","ShardCount":1}`, headers: auth})
			if r.status != 200 {
				t.Fatalf("CreateStream: %d %s", r.status, r.body)
			}
			r = ts.do(t, request{target: describeSum, body: `{"StreamName":"s"}`, headers: auth})
			var out struct{ StreamDescriptionSummary struct{ StreamARN string } }
			if err := json.Unmarshal([]byte(r.body), &out); err != nil {
				t.Fatalf("%s: %v", r.body, err)
			}
			if got := out.StreamDescriptionSummary.StreamARN; got != tt.want {
				t.Errorf("StreamARN = %s, want %s", got, tt.want)
			}
			r = ts.do(t, request{target: "Kinesis_20131202.DeleteStream", body: `{"StreamName":"s"}`, headers: auth})
			if r.status != 200 {
				t.Fatalf("DeleteStream: %d %s", r.status, r.body)
			}
		})
	}
	// Presigned (query) credentials count too.
	r := ts.do(t, request{
		path:   "/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=222222222222%2F20261126%2Fsa-east-1%2Fkinesis%2Faws4_request&X-Amz-Signature=a&X-Amz-SignedHeaders=host&X-Amz-Date=20261126T000000Z",
		target: describeSum, body: `{"StreamName":"q"}`, noAuth: true,
	})
	checkError(t, r, 400, awserr.ResourceNotFound, "Stream q under account 222222222222 not found.")
}

// TestInternalErrors: a failure that is not an AWS error is logged and answered with a bare
// 500 InternalFailure, whatever its text, and so is a panic.
func TestInternalErrors(t *testing.T) {
	ts := newTestServer(t, Config{})
	// Test-only operations, added to the routing table from here.
	ts.routes[kinesisTarget+"TestFail"] = func(context.Context, awsproto.Codec, []byte) (any, error) {
		return nil, errors.New("secret detail of an internal failure")
	}
	ts.routes[kinesisTarget+"TestPanic"] = func(context.Context, awsproto.Codec, []byte) (any, error) {
		panic("secret detail of a panic")
	}
	for _, op := range []string{"TestFail", "TestPanic"} {
		r := ts.do(t, request{target: kinesisTarget + op, body: "{}"})
		checkError(t, r, 500, awserr.InternalFailure, "")
		if strings.Contains(r.body, "secret") {
			t.Errorf("%s leaked its error: %s", op, r.body)
		}
	}
	for _, want := range []string{"secret detail of an internal failure", "secret detail of a panic", "req_id="} {
		if !strings.Contains(ts.logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, ts.logs.String())
		}
	}

	// A real operation whose engine has gone away fails internally, not with a client error.
	if r := ts.do(t, request{target: createStream, body: `{"StreamName":"x","ShardCount":1}`}); r.status != 200 {
		t.Fatalf("CreateStream: %d %s", r.status, r.body)
	}
	ts.Store.Close()
	r := ts.do(t, request{target: describeSum, body: `{"StreamName":"x"}`})
	checkError(t, r, 500, awserr.InternalFailure, "")
}

func TestBodyTimeout(t *testing.T) {
	ts := newTestServer(t, Config{BodyTimeout: 200 * time.Millisecond})
	conn, err := net.Dial("tcp", strings.TrimPrefix(ts.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	// Announce 100 bytes, send 1, then nothing: the server must give up on the body and
	// close the connection rather than hold it.
	io.WriteString(conn, "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: "+putRecord+"\r\nContent-Type: application/x-amz-json-1.1\r\n"+
		"Authorization: "+testAuth+"\r\nX-Amz-Date: 20261126T000000Z\r\nContent-Length: 100\r\n\r\n{")
	start := time.Now()
	_, err = io.ReadAll(conn)
	if err != nil {
		t.Fatalf("read: %v (want the server to close the connection)", err)
	}
	if waited := time.Since(start); waited > 20*time.Second {
		t.Fatalf("connection held for %v", waited)
	}
}
