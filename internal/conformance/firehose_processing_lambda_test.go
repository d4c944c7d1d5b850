package conformance

import (
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

// fakeLambda is a real HTTP server speaking the Lambda Invoke API: it records every
// invocation (path, headers, the event as JSON) and answers with reply.
type fakeLambda struct {
	*httptest.Server
	mu    sync.Mutex
	calls []lambdaCall
}

type lambdaCall struct {
	Path, Query, ContentType, InvocationType string
	Event                                    map[string]any
}

func startFakeLambda(t *testing.T, reply func(w http.ResponseWriter, event map[string]any)) *fakeLambda {
	t.Helper()
	f := &fakeLambda{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var ev map[string]any
		if err := json.Unmarshal(b, &ev); err != nil {
			t.Errorf("invocation body %q: %v", b, err)
		}
		f.mu.Lock()
		f.calls = append(f.calls, lambdaCall{Path: r.URL.Path, Query: r.URL.RawQuery, ContentType: r.Header.Get("Content-Type"),
			InvocationType: r.Header.Get("X-Amz-Invocation-Type"), Event: ev})
		f.mu.Unlock()
		if r.Method != http.MethodPost {
			t.Errorf("invocation method %s", r.Method)
		}
		reply(w, ev)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeLambda) invocations() []lambdaCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]lambdaCall(nil), f.calls...)
}

const fnARN = "arn:aws:lambda:us-east-1:000000000000:function:transform"

// TestFirehoseLambdaTransform: the Lambda processor sends AWS's event to the function's
// Invoke URL and applies its answer: Ok replaces the data and sets partitionKeyFromLambda
// keys, Dropped removes the record, ProcessingFailed writes AWS's error document under the
// error prefix.
func TestFirehoseLambdaTransform(t *testing.T) {
	clock := fhClock()
	fn := startFakeLambda(t, func(w http.ResponseWriter, ev map[string]any) {
		var out []map[string]any
		for _, r := range ev["records"].([]any) {
			rec := r.(map[string]any)
			data, _ := base64.StdEncoding.DecodeString(rec["data"].(string))
			kind, value, _ := strings.Cut(string(data), ":")
			res := map[string]any{"recordId": rec["recordId"]}
			switch kind {
			case "ok":
				res["result"] = "Ok"
				res["data"] = base64.StdEncoding.EncodeToString([]byte(strings.ToUpper(value) + "\n"))
				res["metadata"] = map[string]any{"partitionKeys": map[string]string{"tenant": value}}
			case "drop":
				res["result"] = "Dropped"
			default:
				res["result"] = "ProcessingFailed"
			}
			out = append(out, res)
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"records": out})
	})
	e := newFirehoseEnv(t, fhOptions{Now: clock.Now, LambdaEndpoints: map[string]string{fnARN: fn.URL}})
	d := fhS3("b", 64, 60)
	d.DynamicPartitioningConfiguration = &fhtypes.DynamicPartitioningConfiguration{Enabled: aws.Bool(true)}
	d.Prefix = aws.String("tenant=!{partitionKeyFromLambda:tenant}/")
	d.ErrorOutputPrefix = aws.String("errors/!{firehose:error-output-type}/")
	d.ProcessingConfiguration = fhProcessing(fhProc(fhtypes.ProcessorTypeLambda, "LambdaArn", fnARN, "NumberOfRetries", "1"))
	e.createDelivery(t, "lam", d)

	ids := e.putBatch(t, "lam", "ok:a", "drop:x", "ok:b", "fail:y", "ok:a")
	clock.Advance(60 * time.Second)
	got := e.shapedObjects(t, "b", 3)
	errKey := "errors/processing-failed/2026/11/26/08/lam-1-2026-11-26-08-30-15-<uuid>"
	docs := errorDocs(t, got[errKey])
	delete(got, errKey)
	want := map[string]string{
		"tenant=a/lam-1-2026-11-26-08-30-15-<uuid>": "A\nA\n",
		"tenant=b/lam-1-2026-11-26-08-30-15-<uuid>": "B\n",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("objects (-want +got):\n%s", diff)
	}
	arrival := clock.Now().Add(-60 * time.Second).UnixMilli()
	wantDocs := []map[string]any{{
		"attemptsMade": 1.0, "arrivalTimestamp": float64(arrival), "errorCode": "Lambda.ProcessingFailedStatus",
		"errorMessage": "ProcessingFailed status set for record", "attemptEndingTimestamp": float64(clock.Now().UnixMilli()),
		"rawData": base64.StdEncoding.EncodeToString([]byte("fail:y")), "lambdaArn": fnARN,
	}}
	if diff := cmp.Diff(wantDocs, docs); diff != "" {
		t.Errorf("error documents (-want +got):\n%s", diff)
	}

	calls := fn.invocations()
	if len(calls) != 1 {
		t.Fatalf("%d invocations, want 1", len(calls))
	}
	c := calls[0]
	if c.Path != "/2015-03-31/functions/transform/invocations" || c.Query != "" || c.ContentType != "application/json" || c.InvocationType != "RequestResponse" {
		t.Errorf("invocation %+v", c)
	}
	if id, _ := c.Event["invocationId"].(string); !uuidRE.MatchString(id) {
		t.Errorf("invocationId %q", id)
	}
	delete(c.Event, "invocationId")
	var recs []any
	for i, d := range []string{"ok:a", "drop:x", "ok:b", "fail:y", "ok:a"} {
		recs = append(recs, map[string]any{"recordId": ids[i], "approximateArrivalTimestamp": float64(arrival),
			"data": base64.StdEncoding.EncodeToString([]byte(d))})
	}
	wantEvent := map[string]any{"deliveryStreamArn": "arn:aws:firehose:us-east-1:000000000000:deliverystream/lam", "region": "us-east-1", "records": recs}
	if diff := cmp.Diff(wantEvent, c.Event); diff != "" {
		t.Errorf("event (-want +got):\n%s", diff)
	}
}

// TestFirehoseLambdaInvocationFailures: an invocation that fails (a function error, an
// answer missing a record id) is retried NumberOfRetries times, then every record goes to
// processing-failed with attemptsMade and the error AWS reports. A qualified ARN is invoked
// with ?Qualifier=, and an ARN with no endpoint is refused at creation.
func TestFirehoseLambdaInvocationFailures(t *testing.T) {
	clock := fhClock()
	fnErr := startFakeLambda(t, func(w http.ResponseWriter, _ map[string]any) {
		w.Header().Set("X-Amz-Function-Error", "Unhandled")
		w.Write([]byte(`{"errorMessage":"boom","errorType":"Error"}`))
	})
	fnMissing := startFakeLambda(t, func(w http.ResponseWriter, _ map[string]any) {
		w.Write([]byte(`{"records":[]}`))
	})
	errARN := "arn:aws:lambda:us-east-1:000000000000:function:broken:live"
	missingARN := "arn:aws:lambda:us-east-1:000000000000:function:forgetful"
	e := newFirehoseEnv(t, fhOptions{Now: clock.Now, LambdaEndpoints: map[string]string{errARN: fnErr.URL, "*": fnMissing.URL}})
	for _, c := range []struct{ name, arn, retries string }{{"broken", errARN, "2"}, {"forgetful", missingARN, "0"}} {
		d := fhS3("b", 1, 60)
		d.Prefix = aws.String(c.name + "/")
		d.ProcessingConfiguration = fhProcessing(fhProc(fhtypes.ProcessorTypeLambda, "LambdaArn", c.arn, "NumberOfRetries", c.retries))
		e.createDelivery(t, c.name, d)
		e.putBatch(t, c.name, "r1", "r2")
	}
	clock.Advance(60 * time.Second)
	got := e.shapedObjects(t, "b", 2)
	check := func(key string, attempts float64, code, msg, arn string) {
		t.Helper()
		docs := errorDocs(t, got[key])
		if len(docs) != 2 {
			t.Fatalf("%s: %d documents", key, len(docs))
		}
		for i, doc := range docs {
			want := map[string]any{"attemptsMade": attempts, "errorCode": code, "errorMessage": msg, "lambdaArn": arn,
				"rawData": base64.StdEncoding.EncodeToString([]byte([]string{"r1", "r2"}[i]))}
			for k, v := range want {
				if doc[k] != v {
					t.Errorf("%s document %d: %s = %v, want %v", key, i, k, doc[k], v)
				}
			}
		}
	}
	check("broken/processing-failed/2026/11/26/08/broken-1-2026-11-26-08-30-15-<uuid>", 3, "Lambda.FunctionError",
		"The Lambda function was successfully invoked but it returned an error result.", errARN)
	check("forgetful/processing-failed/2026/11/26/08/forgetful-1-2026-11-26-08-30-15-<uuid>", 1, "Lambda.MissingRecordId",
		"One or more record Ids were not returned. Ensure that the Lambda function returns all received record Ids.", missingARN)
	calls := fnErr.invocations()
	if len(calls) != 3 || calls[0].Path != "/2015-03-31/functions/broken/invocations" || calls[0].Query != "Qualifier=live" {
		t.Errorf("invocations of the failing function: %+v", calls)
	}
	if calls[0].Event["invocationId"] != calls[2].Event["invocationId"] {
		t.Errorf("a retried invocation has a new invocationId")
	}

	// No endpoint for the ARN.
	e2 := newFirehoseEnv(t, fhOptions{Now: clock.Now})
	d := fhS3("b", 1, 60)
	d.ProcessingConfiguration = fhProcessing(fhProc(fhtypes.ProcessorTypeLambda, "LambdaArn", fnARN))
	_, err := e2.Client.CreateDeliveryStream(t.Context(), &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("x"), ExtendedS3DestinationConfiguration: d})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidArgumentException" ||
		ae.ErrorMessage() != "Lambda function "+fnARN+" has no endpoint: start freshet with --lambda-endpoint "+fnARN+"=<URL>." {
		t.Errorf("CreateDeliveryStream with an unmapped Lambda: %v", err)
	}
}
