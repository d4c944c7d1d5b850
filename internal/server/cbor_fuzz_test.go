package server

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/fxamacker/cbor/v2"
)

// FuzzCBORRequestBody sends arbitrary CBOR bodies to every Kinesis operation through the
// real handler, decoding into the operations' real input types: whatever the body, the
// answer is never a 5xx, it is CBOR, and errors carry a CBOR {"__type", …} body.
func FuzzCBORRequestBody(f *testing.F) {
	ts := newTestServer(f, Config{MaxBody: 1 << 20})
	ops, opIndex := fuzzTargets(ts)

	w := httptest.NewRecorder()
	ts.ServeHTTP(w, cborRequest(createStream, mustCBOR(f, map[string]any{"StreamName": "s", "ShardCount": 2})))
	if w.Code != 200 {
		f.Fatalf("CreateStream: %d %x", w.Code, w.Body)
	}
	tag1 := func(ms uint64) cbor.Tag { return cbor.Tag{Number: 1, Content: ms} }
	seeds := map[string][]any{
		"PutRecords": {map[string]any{"StreamName": "s", "Records": []any{
			map[string]any{"Data": []byte("a"), "PartitionKey": "k"},
			map[string]any{"Data": []byte{}, "PartitionKey": "x", "ExplicitHashKey": "1"}}}},
		"PutRecord":        {map[string]any{"StreamName": "s", "Data": []byte("blob"), "PartitionKey": "k"}},
		"ListShards":       {map[string]any{"StreamName": "s", "ShardFilter": map[string]any{"Type": "AT_TIMESTAMP", "Timestamp": tag1(1787036486712)}}},
		"GetShardIterator": {map[string]any{"StreamName": "s", "ShardId": "shardId-000000000000", "ShardIteratorType": "AT_TIMESTAMP", "Timestamp": tag1(1787036486712)}},
		"GetRecords":       {map[string]any{"ShardIterator": "AAAAAAAAAAE=", "Limit": 10}},
		"CreateStream":     {map[string]any{"StreamName": "f2", "StreamModeDetails": map[string]any{"StreamMode": "ON_DEMAND"}, "Tags": map[string]any{"a": "b"}}},
		"AddTagsToStream":  {map[string]any{"StreamName": "s", "Tags": map[string]any{"k": "v"}}},
		"SplitShard":       {map[string]any{"StreamName": "s", "ShardToSplit": "shardId-000000000000", "NewStartingHashKey": "1"}},
		"ListStreams":      {map[string]any{"Limit": 1, "ExclusiveStartStreamName": "a"}},
	}
	for op, bodies := range seeds {
		i := opIndex(op)
		if int(i) >= len(ops) {
			f.Fatalf("no operation %s", op)
		}
		for _, v := range bodies {
			b := mustCBOR(f, v)
			f.Add(i, b)                                  // valid
			f.Add(i, b[:len(b)/2])                       // truncated
			f.Add(i, append(slices.Clip(b), 0xbf, 0x61)) // valid + garbage
			f.Add(i, toIndefinite(b))                    // Jackson's indefinite-length map
		}
		f.Add(i, []byte{})
		f.Add(i, []byte("\xa1\x6aStreamName\xf6"))
	}

	f.Fuzz(func(t *testing.T, op uint8, body []byte) {
		target := ops[int(op)%len(ops)]
		w := fuzzServe(t, ts, cborRequest(target, body))
		if w.Code >= 500 {
			t.Fatalf("%s %x: %d %x", target, body, w.Code, w.Body)
		}
		if w.Header().Get("Content-Type") != "application/x-amz-cbor-1.1" && w.Header().Get("Content-Type") != "application/vnd.amazon.eventstream" {
			t.Fatalf("%s %x: Content-Type %q", target, body, w.Header().Get("Content-Type"))
		}
		if w.Code != 200 {
			var e struct {
				Type string `cbor:"__type"`
			}
			if err := cbor.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Type == "" || e.Type != w.Header().Get("X-Amzn-ErrorType") {
				t.Fatalf("%s %x: %d with error body %x", target, body, w.Code, w.Body)
			}
		}
	})
}

// cborRequest is fuzzRequest with a CBOR body.
func cborRequest(target string, body []byte) *http.Request {
	r := fuzzRequest(target, body)
	r.Header.Set("Content-Type", "application/x-amz-cbor-1.1")
	return r
}

func mustCBOR(t testing.TB, v any) []byte {
	t.Helper()
	b, err := cbor.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// toIndefinite rewrites a definite-length top-level map header as indefinite (bf … ff),
// as Jackson writes maps.
func toIndefinite(b []byte) []byte {
	if len(b) == 0 || b[0]>>5 != 5 {
		return b
	}
	head := 1
	switch b[0] & 31 {
	case 24:
		head = 2
	case 25:
		head = 3
	case 26:
		head = 5
	case 27:
		head = 9
	}
	var out bytes.Buffer
	out.WriteByte(0xbf)
	out.Write(b[head:])
	out.WriteByte(0xff)
	return out.Bytes()
}
