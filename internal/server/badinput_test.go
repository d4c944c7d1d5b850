package server

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/freshet/freshet/internal/awserr"
)

// TestBadInputIsAnAWSError sends malformed, mistyped, oversized and forged input to the
// real handler, service and engine: every answer is a 4xx AWS error (a request id, a
// Content-Type, an X-Amzn-ErrorType naming the body's __type), never a 5xx or a panic.
func TestBadInputIsAnAWSError(t *testing.T) {
	ts := newTestServer(t, Config{})
	c := &http.Client{}
	if res := ts.do(t, request{target: createStream, body: `{"StreamName":"s","ShardCount":1}`}); res.status != 200 {
		t.Fatalf("CreateStream: %d %s", res.status, res.body)
	}
	// A real iterator, then damaged copies of it.
	res := ts.do(t, request{target: "Kinesis_20131202.GetShardIterator", body: `{"StreamName":"s","ShardId":"shardId-000000000000","ShardIteratorType":"TRIM_HORIZON"}`})
	var it struct{ ShardIterator string }
	if err := json.Unmarshal([]byte(res.body), &it); err != nil || it.ShardIterator == "" {
		t.Fatalf("GetShardIterator: %d %s", res.status, res.body)
	}
	raw, _ := base64.StdEncoding.DecodeString(it.ShardIterator)
	flipped := append([]byte(nil), raw...)
	flipped[len(flipped)/2] ^= 1
	iterators := []string{
		"", "A", "AAAA", "====", "not base64!", it.ShardIterator[:len(it.ShardIterator)-1],
		it.ShardIterator[:len(it.ShardIterator)/2], base64.StdEncoding.EncodeToString(flipped),
		base64.StdEncoding.EncodeToString(raw[:8]), base64.StdEncoding.EncodeToString(make([]byte, 600)),
		it.ShardIterator + "AAAA", strings.Repeat("QUFB", 10000),
	}
	long := strings.Repeat("a", 10000)
	cases := []struct{ target, body string }{
		// Malformed JSON.
		{createStream, `{`}, {createStream, `{"StreamName":`}, {createStream, `[1,2]`}, {createStream, `"s"`},
		{createStream, `null`}, {createStream, `{}}`}, {createStream, "\x00\xff"}, {createStream, `{"a":1,}`},
		{"Kinesis_20131202.PutRecords", `{"Records":[{"Data":"AA==","PartitionKey":"k"},]}`},
		// Wrong types.
		{createStream, `{"StreamName":5,"ShardCount":1}`}, {createStream, `{"StreamName":"x","ShardCount":"1"}`},
		{createStream, `{"StreamName":"x","ShardCount":1e400}`},
		{createStream, `{"StreamName":"x","ShardCount":-9223372036854775809}`}, {createStream, `{"StreamName":"x","Tags":[1]}`},
		{"Kinesis_20131202.PutRecords", `{"StreamName":"s","Records":{}}`},
		{"Kinesis_20131202.PutRecords", `{"StreamName":"s","Records":[{"Data":5,"PartitionKey":"k"}]}`},
		{"Kinesis_20131202.PutRecord", `{"StreamName":"s","Data":"not base64","PartitionKey":"k"}`},
		{"Kinesis_20131202.GetRecords", `{"ShardIterator":["x"]}`}, {"Kinesis_20131202.GetRecords", `{"ShardIterator":null,"Limit":"10"}`},
		{"Kinesis_20131202.ListShards", `{"StreamName":"s","ShardFilter":{"Type":"AT_TIMESTAMP","Timestamp":"yesterday"}}`},
		// Oversized fields.
		{createStream, `{"StreamName":"` + long + `","ShardCount":1}`},
		{"Kinesis_20131202.PutRecord", `{"StreamName":"s","Data":"AA==","PartitionKey":"` + strings.Repeat("k", 300) + `"}`},
		{"Kinesis_20131202.PutRecord", `{"StreamName":"s","Data":"` + base64.StdEncoding.EncodeToString(make([]byte, 1<<20+1)) + `","PartitionKey":"k"}`},
		{"Kinesis_20131202.PutRecord", `{"StreamName":"s","Data":"AA==","PartitionKey":"k","ExplicitHashKey":"` + strings.Repeat("9", 1000) + `"}`},
		{"Kinesis_20131202.PutRecords", `{"StreamName":"s","Records":[` + strings.TrimSuffix(strings.Repeat(`{"Data":"AA==","PartitionKey":"k"},`, 501), ",") + `]}`},
		{"Kinesis_20131202.AddTagsToStream", `{"StreamName":"s","Tags":{"` + long + `":"v"}}`},
		{"Kinesis_20131202.GetRecords", `{"ShardIterator":"` + it.ShardIterator + `","Limit":100000}`},
		// Forged sequence numbers.
		{"Kinesis_20131202.GetShardIterator", `{"StreamName":"s","ShardId":"shardId-000000000000","ShardIteratorType":"AT_SEQUENCE_NUMBER","StartingSequenceNumber":"abc"}`},
		{"Kinesis_20131202.GetShardIterator", `{"StreamName":"s","ShardId":"shardId-000000000000","ShardIteratorType":"AFTER_SEQUENCE_NUMBER","StartingSequenceNumber":"` + strings.Repeat("9", 200) + `"}`},
		{"Kinesis_20131202.GetShardIterator", `{"StreamName":"s","ShardId":"shardId-000000000000","ShardIteratorType":"AT_SEQUENCE_NUMBER","StartingSequenceNumber":"-1"}`},
		{"Kinesis_20131202.GetShardIterator", `{"StreamName":"s","ShardId":"shardId-999999999999","ShardIteratorType":"AT_SEQUENCE_NUMBER","StartingSequenceNumber":"0"}`},
		{"Kinesis_20131202.PutRecord", `{"StreamName":"s","Data":"AA==","PartitionKey":"k","SequenceNumberForOrdering":"x"}`},
		// Unknown operations.
		{"Kinesis_20131202.Nope", `{}`}, {"Kinesis_20131202.", `{}`}, {"", `{}`}, {"Kinesis_20131202.PutRecords.Extra", `{}`},
		{"DynamoDB_20120810.ListTables", `{}`}, {"Kinesis_20131202.putrecords", `{}`},
	}
	for _, it := range iterators {
		b, _ := json.Marshal(map[string]string{"ShardIterator": it})
		cases = append(cases, struct{ target, body string }{"Kinesis_20131202.GetRecords", string(b)})
	}
	for _, tc := range cases {
		checkAWSError(t, tc.target+" "+short(tc.body), ts.do(t, request{target: tc.target, body: tc.body}))
	}
	// Invalid UTF-8 anywhere in a JSON body is a parse error, as in AWS's JSON parser, not
	// a partition key read with U+FFFD in place of its bad bytes.
	for _, body := range []string{
		"{\"StreamName\":\"s\",\"Data\":\"AA==\",\"PartitionKey\":\"\xff\xfe\"}",
		"{\"StreamName\":\"s\",\"Records\":[{\"Data\":\"AA==\",\"PartitionKey\":\"a\xc3\"}]}",
		"{\"StreamName\":\"\xed\xa0\x80\",\"ShardCount\":1}",
	} {
		for _, target := range []string{"Kinesis_20131202.PutRecord", "Kinesis_20131202.PutRecords", createStream} {
			checkError(t, ts.do(t, request{target: target, body: body}), 400, awserr.Serialization, "")
		}
	}
	// Other methods and paths.
	for _, rq := range []request{
		{method: http.MethodGet, path: "/"}, {method: http.MethodPut, path: "/", target: createStream},
		{method: http.MethodDelete, path: "/x"}, {method: http.MethodGet, path: "/healthz/../x"},
		{path: "/some/path", target: "Kinesis_20131202.Nope", body: `{}`}, {method: "BREW", path: "/"},
	} {
		checkAWSError(t, rq.method+" "+rq.path, send(t, c, ts.newRequest(t, rq)))
	}
	if res := ts.do(t, request{target: "Kinesis_20131202.ListStreams", body: `{}`}); res.status != 200 {
		t.Errorf("after the bad input, ListStreams: %d %s", res.status, res.body)
	}
}

func short(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

func checkAWSError(t *testing.T, what string, r response) {
	t.Helper()
	if r.status < 400 || r.status >= 500 {
		t.Errorf("%s: %d %s", what, r.status, short(r.body))
		return
	}
	var e struct {
		Type string `json:"__type"`
	}
	if err := json.Unmarshal([]byte(r.body), &e); err != nil || e.Type == "" || e.Type != r.header.Get("X-Amzn-ErrorType") {
		t.Errorf("%s: %d with body %s and X-Amzn-ErrorType %q", what, r.status, short(r.body), r.header.Get("X-Amzn-ErrorType"))
	}
	if r.header.Get("x-amzn-RequestId") == "" || r.header.Get("Content-Type") == "" {
		t.Errorf("%s: headers %v", what, r.header)
	}
}
