package server

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/freshet/freshet/internal/awsproto"
	"github.com/freshet/freshet/internal/kinesis"
)

// putRecordsBody is a PutRecords request of n records of size bytes each.
func putRecordsBody(n, size int) []byte {
	data := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("x"), size))
	var b bytes.Buffer
	b.WriteString(`{"StreamName":"bench","Records":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"Data":"%s","PartitionKey":"key-%d"}`, data, i)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

// BenchmarkDecodePutRecords is the front door's share of a full PutRecords: decoding 500
// records of 100 bytes.
func BenchmarkDecodePutRecords(b *testing.B) {
	body := putRecordsBody(500, 100)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var in kinesis.PutRecordsInput
		if err := awsproto.JSON.Decode(body, &in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkServePutRecords is one PutRecords of 500 records of 100 bytes through the whole
// handler: decoding, validation, routing to 4 shards, the engine's acknowledged writes and
// the encoded answer.
func BenchmarkServePutRecords(b *testing.B) {
	ts := newTestServer(b, Config{})
	w := httptest.NewRecorder()
	ts.ServeHTTP(w, fuzzRequest(createStream, []byte(`{"StreamName":"bench","ShardCount":4}`)))
	if w.Code != 200 {
		b.Fatalf("CreateStream: %d %s", w.Code, w.Body)
	}
	body := putRecordsBody(500, 100)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		ts.ServeHTTP(w, fuzzRequest("Kinesis_20131202.PutRecords", body))
		if w.Code != 200 {
			b.Fatalf("PutRecords: %d %s", w.Code, w.Body)
		}
		var out struct{ FailedRecordCount int }
		if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil || out.FailedRecordCount != 0 {
			b.Fatalf("PutRecords: %v %s", err, w.Body)
		}
	}
}
