package conformance

import (
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fhtypes "github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
)

// fakeEndpoint is a real HTTP server standing in for an HTTP endpoint destination: it
// records every request (headers, body after Content-Encoding) and answers with reply.
type fakeEndpoint struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []endpointRequest
}

type endpointRequest struct {
	Header http.Header
	Body   map[string]any
}

func startFakeEndpoint(t *testing.T, reply func(w http.ResponseWriter, n int, requestID string)) *fakeEndpoint {
	t.Helper()
	f := &fakeEndpoint{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body io.Reader = r.Body
		if r.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(r.Body)
			if err != nil {
				t.Errorf("gzip body: %v", err)
				return
			}
			body = zr
		}
		b, _ := io.ReadAll(body)
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Errorf("request body %q: %v", b, err)
		}
		f.mu.Lock()
		f.reqs = append(f.reqs, endpointRequest{Header: r.Header.Clone(), Body: m})
		n := len(f.reqs)
		f.mu.Unlock()
		id, _ := m["requestId"].(string)
		reply(w, n, id)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeEndpoint) requests() []endpointRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]endpointRequest(nil), f.reqs...)
}

// acceptRequest is the answer AWS requires of an endpoint that took a request.
func acceptRequest(w http.ResponseWriter, requestID string) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"requestId": requestID, "timestamp": 1})
}

func fhHTTP(url string, retrySeconds int32) *fhtypes.HttpEndpointDestinationConfiguration {
	return &fhtypes.HttpEndpointDestinationConfiguration{
		EndpointConfiguration: &fhtypes.HttpEndpointConfiguration{Url: aws.String(url), Name: aws.String("collector")},
		BufferingHints:        &fhtypes.HttpEndpointBufferingHints{SizeInMBs: aws.Int32(1), IntervalInSeconds: aws.Int32(60)},
		RetryOptions:          &fhtypes.HttpEndpointRetryOptions{DurationInSeconds: aws.Int32(retrySeconds)},
		S3Configuration: &fhtypes.S3DestinationConfiguration{
			BucketARN: aws.String("arn:aws:s3:::b"), RoleARN: aws.String("arn:aws:iam::000000000000:role/firehose"),
			Prefix: aws.String("backup/"), ErrorOutputPrefix: aws.String("failed/!{firehose:error-output-type}/"),
		},
	}
}

func (e *fhEnv) createHTTPDelivery(t *testing.T, name string, d *fhtypes.HttpEndpointDestinationConfiguration) {
	t.Helper()
	_, err := e.Client.CreateDeliveryStream(t.Context(), &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String(name), HttpEndpointDestinationConfiguration: d})
	if err != nil {
		t.Fatalf("CreateDeliveryStream %s: %v", name, err)
	}
	e.waitActive(t, name)
}

// TestFirehoseHTTPEndpointDelivery: a buffer is one POST with AWS's body and headers
// (request id, source ARN, access key, common attributes, gzip); a 200 echoing the request
// id is success; AllData also backs every record up to S3; Describe shows the endpoint but
// not its key.
func TestFirehoseHTTPEndpointDelivery(t *testing.T) {
	clock := fhClock()
	ep := startFakeEndpoint(t, func(w http.ResponseWriter, _ int, id string) { acceptRequest(w, id) })
	e := newFirehoseEnv(t, fhOptions{Now: clock.Now})
	d := fhHTTP(ep.URL+"/ingest?token=1", 60)
	d.EndpointConfiguration.AccessKey = aws.String("secret-key")
	d.RequestConfiguration = &fhtypes.HttpEndpointRequestConfiguration{ContentEncoding: fhtypes.ContentEncodingGzip,
		CommonAttributes: []fhtypes.HttpEndpointCommonAttribute{{AttributeName: aws.String("env"), AttributeValue: aws.String("test")}}}
	d.S3BackupMode = fhtypes.HttpEndpointS3BackupModeAllData
	e.createHTTPDelivery(t, "h", d)

	e.putBatch(t, "h", "rec-1", "rec-2")
	clock.Advance(60 * time.Second)
	got := e.shapedObjects(t, "b", 1)
	if diff := cmp.Diff(map[string]string{"backup/2026/11/26/08/h-1-2026-11-26-08-30-15-<uuid>": "rec-1rec-2"}, got); diff != "" {
		t.Errorf("backup objects (-want +got):\n%s", diff)
	}
	reqs := ep.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	r := reqs[0]
	id := r.Header.Get("X-Amz-Firehose-Request-Id")
	if !uuidRE.MatchString(id) {
		t.Errorf("X-Amz-Firehose-Request-Id %q", id)
	}
	wantHeader := map[string]string{
		"Content-Type":                     "application/json",
		"Content-Encoding":                 "gzip",
		"X-Amz-Firehose-Protocol-Version":  "1.0",
		"X-Amz-Firehose-Source-Arn":        "arn:aws:firehose:us-east-1:000000000000:deliverystream/h",
		"X-Amz-Firehose-Access-Key":        "secret-key",
		"X-Amz-Firehose-Common-Attributes": `{"commonAttributes":{"env":"test"}}`,
	}
	gotHeader := map[string]string{}
	for k := range wantHeader {
		gotHeader[k] = r.Header.Get(k)
	}
	if diff := cmp.Diff(wantHeader, gotHeader); diff != "" {
		t.Errorf("headers (-want +got):\n%s", diff)
	}
	wantBody := map[string]any{"requestId": id, "timestamp": float64(clock.Now().UnixMilli()), "records": []any{
		map[string]any{"data": base64.StdEncoding.EncodeToString([]byte("rec-1"))},
		map[string]any{"data": base64.StdEncoding.EncodeToString([]byte("rec-2"))},
	}}
	if diff := cmp.Diff(wantBody, r.Body); diff != "" {
		t.Errorf("body (-want +got):\n%s", diff)
	}

	out, err := e.Client.DescribeDeliveryStream(t.Context(), &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: aws.String("h")})
	if err != nil {
		t.Fatal(err)
	}
	hd := out.DeliveryStreamDescription.Destinations[0].HttpEndpointDestinationDescription
	if hd == nil || aws.ToString(hd.EndpointConfiguration.Url) != ep.URL+"/ingest?token=1" || aws.ToString(hd.EndpointConfiguration.Name) != "collector" ||
		hd.S3BackupMode != fhtypes.HttpEndpointS3BackupModeAllData || aws.ToString(hd.S3DestinationDescription.BucketARN) != "arn:aws:s3:::b" ||
		hd.RequestConfiguration.ContentEncoding != fhtypes.ContentEncodingGzip || aws.ToInt32(hd.RetryOptions.DurationInSeconds) != 60 {
		t.Errorf("HttpEndpointDestinationDescription %+v", hd)
	}
}

// TestFirehoseHTTPEndpointRetries: failures (a 500, a 200 with another request id, a 200
// that is not JSON) are retried with the same request id until one succeeds; nothing is
// written to the error output.
func TestFirehoseHTTPEndpointRetries(t *testing.T) {
	clock := fhClock()
	ep := startFakeEndpoint(t, func(w http.ResponseWriter, n int, id string) {
		switch n {
		case 1:
			w.WriteHeader(500)
		case 2:
			acceptRequest(w, "another-id")
		case 3:
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte("not json"))
		default:
			acceptRequest(w, id)
		}
	})
	e := newFirehoseEnv(t, fhOptions{Now: clock.Now})
	e.createHTTPDelivery(t, "r", fhHTTP(ep.URL, 60))
	e.putBatch(t, "r", "x")
	clock.Advance(60 * time.Second)
	waitFor(t, "4 requests", func() bool { return len(ep.requests()) >= 4 })
	// The next buffer is a new request: the fourth one succeeded.
	e.putBatch(t, "r", "y")
	clock.Advance(60 * time.Second)
	waitFor(t, "5 requests", func() bool { return len(ep.requests()) >= 5 })
	reqs := ep.requests()
	id := reqs[0].Header.Get("X-Amz-Firehose-Request-Id")
	for i, r := range reqs[:4] {
		if r.Header.Get("X-Amz-Firehose-Request-Id") != id || r.Body["requestId"] != id {
			t.Errorf("attempt %d: request id %q (body %v), want %q", i+1, r.Header.Get("X-Amz-Firehose-Request-Id"), r.Body["requestId"], id)
		}
	}
	if next := reqs[4].Header.Get("X-Amz-Firehose-Request-Id"); next == id || !uuidRE.MatchString(next) {
		t.Errorf("next buffer's request id %q", next)
	}
	if objs := dirObjects(t, e.Dir, "b"); len(objs) != 0 {
		t.Errorf("objects written: %v", objs)
	}
}

// TestFirehoseHTTPEndpointFailure: once RetryOptions.DurationInSeconds has passed since the
// first attempt, the records go to S3 as error documents under the error output prefix,
// error output type http-endpoint-failed.
func TestFirehoseHTTPEndpointFailure(t *testing.T) {
	clock := fhClock()
	ep := startFakeEndpoint(t, func(w http.ResponseWriter, _ int, _ string) {
		clock.Advance(20 * time.Second) // each attempt takes 20 s of the retry duration
		w.WriteHeader(503)
		w.Write([]byte("busy"))
	})
	e := newFirehoseEnv(t, fhOptions{Now: clock.Now})
	e.createHTTPDelivery(t, "f", fhHTTP(ep.URL, 30))
	e.putBatch(t, "f", "lost-1", "lost-2")
	clock.Advance(60 * time.Second)
	got := e.shapedObjects(t, "b", 1)
	key := "failed/http-endpoint-failed/2026/11/26/08/f-1-2026-11-26-08-30-15-<uuid>"
	docs := errorDocs(t, got[key])
	if len(docs) != 2 {
		t.Fatalf("objects %v", got)
	}
	for i, doc := range docs {
		want := map[string]any{"attemptsMade": 2.0, "errorCode": "HttpEndpoint.DestinationException",
			"errorMessage":           "The following response was received from the endpoint destination. 503: busy",
			"rawData":                base64.StdEncoding.EncodeToString([]byte([]string{"lost-1", "lost-2"}[i])),
			"arrivalTimestamp":       float64(time.Date(2026, 11, 26, 8, 30, 15, 250e6, time.UTC).UnixMilli()),
			"attemptEndingTimestamp": float64(clock.Now().UnixMilli())}
		if diff := cmp.Diff(want, doc); diff != "" {
			t.Errorf("document %d (-want +got):\n%s", i, diff)
		}
	}
	if n := len(ep.requests()); n != 2 {
		t.Errorf("%d attempts, want 2", n)
	}
	if !strings.HasPrefix(got[key], `{"attemptsMade":2,`) {
		t.Errorf("document order: %s", got[key])
	}
}

// TestFirehoseHTTPEndpointUpdate: UpdateDestination merges an HttpEndpointDestinationUpdate
// (a new URL and access key; members left out keep their values), VersionId goes up, and
// the next buffer goes to the new endpoint; switching to another destination type is
// refused.
func TestFirehoseHTTPEndpointUpdate(t *testing.T) {
	clock := fhClock()
	accept := func(w http.ResponseWriter, _ int, id string) { acceptRequest(w, id) }
	first, second := startFakeEndpoint(t, accept), startFakeEndpoint(t, accept)
	e := newFirehoseEnv(t, fhOptions{Now: clock.Now})
	e.createHTTPDelivery(t, "u", fhHTTP(first.URL, 60))
	_, err := e.Client.UpdateDestination(t.Context(), &firehose.UpdateDestinationInput{
		DeliveryStreamName: aws.String("u"), CurrentDeliveryStreamVersionId: aws.String("1"), DestinationId: aws.String("destinationId-000000000001"),
		HttpEndpointDestinationUpdate: &fhtypes.HttpEndpointDestinationUpdate{
			EndpointConfiguration: &fhtypes.HttpEndpointConfiguration{Url: aws.String(second.URL), AccessKey: aws.String("k2")},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := e.Client.DescribeDeliveryStream(t.Context(), &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: aws.String("u")})
	if err != nil {
		t.Fatal(err)
	}
	hd := out.DeliveryStreamDescription.Destinations[0].HttpEndpointDestinationDescription
	if aws.ToString(out.DeliveryStreamDescription.VersionId) != "2" || aws.ToString(hd.EndpointConfiguration.Url) != second.URL ||
		aws.ToString(hd.EndpointConfiguration.Name) != "collector" || aws.ToInt32(hd.BufferingHints.IntervalInSeconds) != 60 {
		t.Errorf("after update: version %s, %+v", aws.ToString(out.DeliveryStreamDescription.VersionId), hd)
	}
	e.putBatch(t, "u", "to-second")
	clock.Advance(60 * time.Second)
	waitFor(t, "a request to the second endpoint", func() bool { return len(second.requests()) > 0 })
	if got := second.requests()[0].Header.Get("X-Amz-Firehose-Access-Key"); got != "k2" || len(first.requests()) != 0 {
		t.Errorf("access key %q, %d requests to the first endpoint", got, len(first.requests()))
	}
	_, err = e.Client.UpdateDestination(t.Context(), &firehose.UpdateDestinationInput{
		DeliveryStreamName: aws.String("u"), CurrentDeliveryStreamVersionId: aws.String("2"), DestinationId: aws.String("destinationId-000000000001"),
		ExtendedS3DestinationUpdate: &fhtypes.ExtendedS3DestinationUpdate{Prefix: aws.String("p/")},
	})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidArgumentException" || ae.ErrorMessage() != "Changing the destination type of a delivery stream is not supported by Freshet." {
		t.Errorf("switching to ExtendedS3: %v", err)
	}
}

// TestFirehoseHTTPEndpointRequestSize: a buffer of more than 10,000 records goes out as
// several requests of at most 10,000 records, each with its own request id.
func TestFirehoseHTTPEndpointRequestSize(t *testing.T) {
	clock := fhClock()
	ep := startFakeEndpoint(t, func(w http.ResponseWriter, _ int, id string) { acceptRequest(w, id) })
	e := newFirehoseEnv(t, fhOptions{Now: clock.Now})
	e.createHTTPDelivery(t, "big", fhHTTP(ep.URL, 60))
	batch := make([]string, 500)
	for i := range batch {
		batch[i] = "x"
	}
	for range 20 {
		e.putBatch(t, "big", batch...)
	}
	e.putBatch(t, "big", "last")
	clock.Advance(60 * time.Second)
	waitFor(t, "2 requests", func() bool { return len(ep.requests()) >= 2 })
	reqs := ep.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests", len(reqs))
	}
	n0, n1 := len(reqs[0].Body["records"].([]any)), len(reqs[1].Body["records"].([]any))
	if n0 != 10000 || n1 != 1 || reqs[0].Body["requestId"] == reqs[1].Body["requestId"] {
		t.Errorf("requests of %d and %d records, ids %v and %v", n0, n1, reqs[0].Body["requestId"], reqs[1].Body["requestId"])
	}
}
