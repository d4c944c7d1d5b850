package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

// FuzzRequestBody sends arbitrary bodies to every Kinesis operation through the real handler,
// service and engine: whatever the body, the answer is never a 5xx, and it always carries a
// request id, a Content-Type and, on errors, an AWS error body.
func FuzzRequestBody(f *testing.F) {
	ts := newTestServer(f, Config{MaxBody: 1 << 20})
	ops, opIndex := fuzzTargets(ts)

	// A stream for the data-plane operations to find.
	w := httptest.NewRecorder()
	ts.ServeHTTP(w, fuzzRequest(createStream, []byte(`{"StreamName":"s","ShardCount":2}`)))
	if w.Code != 200 {
		f.Fatalf("CreateStream: %d %s", w.Code, w.Body)
	}

	big := `{"StreamName":"s","Records":[` + strings.TrimSuffix(strings.Repeat(`{"Data":"`+strings.Repeat("QUJD", 100)+`","PartitionKey":"k"},`, 150), ",") + `]}`
	seeds := map[string][]string{
		"CreateStream":          {`{"StreamName":"f1","ShardCount":1}`, `{"StreamName":"f2","StreamModeDetails":{"StreamMode":"ON_DEMAND"},"Tags":{"a":"b"}}`},
		"PutRecords":            {`{"StreamName":"s","Records":[{"Data":"YQ==","PartitionKey":"k"},{"Data":"","PartitionKey":"x","ExplicitHashKey":"1"}]}`, big},
		"PutRecord":             {`{"StreamName":"s","Data":"YmxvYg==","PartitionKey":"k","SequenceNumberForOrdering":"1"}`},
		"ListShards":            {`{"StreamName":"s","ShardFilter":{"Type":"AT_TIMESTAMP","Timestamp":1.5e9}}`, `{"NextToken":"abc","MaxResults":1}`},
		"GetShardIterator":      {`{"StreamName":"s","ShardId":"shardId-000000000000","ShardIteratorType":"AT_SEQUENCE_NUMBER","StartingSequenceNumber":"1"}`},
		"GetRecords":            {`{"ShardIterator":"AAAAAAAAAAE=","Limit":10}`},
		"DescribeStream":        {`{"StreamName":"s","Limit":1,"ExclusiveStartShardId":"shardId-000000000000"}`},
		"DescribeStreamSummary": {`{"StreamARN":"arn:aws:kinesis:us-east-1:000000000000:stream/s"}`},
		"SplitShard":            {`{"StreamName":"s","ShardToSplit":"shardId-000000000000","NewStartingHashKey":"1"}`},
		"UpdateShardCount":      {`{"StreamName":"s","TargetShardCount":3,"ScalingType":"UNIFORM_SCALING"}`},
		"AddTagsToStream":       {`{"StreamName":"s","Tags":{"k":"v"}}`},
		"ListStreams":           {`{"Limit":1,"ExclusiveStartStreamName":"a"}`},
	}
	for op, bodies := range seeds {
		i := opIndex(op)
		if int(i) >= len(ops) {
			f.Fatalf("no operation %s", op)
		}
		for _, b := range bodies {
			f.Add(i, []byte(b))                // valid
			f.Add(i, []byte(b[:len(b)/2]))     // truncated
			f.Add(i, []byte(b+`}{"x":[1,2`))   // valid + garbage
			f.Add(i, bytes.ToUpper([]byte(b))) // unknown members, wrong types
		}
		f.Add(i, []byte{}) // empty
		if op == "PutRecords" {
			f.Add(i, putRecordsBody(500, 1500)) // close to MaxBody
			f.Add(i, putRecordsBody(500, 1600)) // over MaxBody: a 413
		}
		f.Add(i, []byte(`{"StreamName":null,"Limit":-1,"ShardCount":1e400}`))
	}

	f.Fuzz(func(t *testing.T, op uint8, body []byte) {
		target := ops[int(op)%len(ops)]
		w := fuzzServe(t, ts, fuzzRequest(target, body))
		if w.Code >= 500 {
			t.Fatalf("%s %q: %d %s", target, body, w.Code, w.Body)
		}
		if w.Header().Get("x-amzn-RequestId") == "" || w.Header().Get("Content-Type") == "" {
			t.Fatalf("%s %q: headers %v", target, body, w.Header())
		}
		if w.Code != 200 {
			var e struct {
				Type string `json:"__type"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Type == "" || e.Type != w.Header().Get("X-Amzn-ErrorType") {
				t.Fatalf("%s %q: %d with error body %s", target, body, w.Code, w.Body)
			}
		}
	})
}

// fuzzTargets lists the server's operation targets in a stable order, with the index of
// an operation (such as "PutRecords") in that list.
func fuzzTargets(ts *testServer) ([]string, func(op string) uint8) {
	ops := make([]string, 0, len(ts.routes))
	for target := range ts.routes {
		ops = append(ops, target)
	}
	slices.Sort(ops)
	return ops, func(op string) uint8 { return uint8(slices.Index(ops, "Kinesis_20131202."+op)) }
}

// fuzzServe runs one request through the handler, failing if no answer comes within 10 s.
func fuzzServe(t *testing.T, ts *testServer, r *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	done := make(chan struct{})
	go func() {
		defer close(done)
		ts.ServeHTTP(w, r)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: no answer after 10s", r.Header.Get("X-Amz-Target"))
	}
	return w
}

func fuzzRequest(target string, body []byte) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	r.Header.Set("X-Amz-Target", target)
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	r.Header.Set("Authorization", testAuth)
	r.Header.Set("X-Amz-Date", "20261126T000000Z")
	return r
}
