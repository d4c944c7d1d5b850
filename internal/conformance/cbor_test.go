package conformance

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/fxamacker/cbor/v2"
	"github.com/google/go-cmp/cmp"

	"github.com/freshet/freshet/internal/awsproto"
	fkinesis "github.com/freshet/freshet/internal/kinesis"
)

// These tests speak CBOR 1.1 the way the Java SDK does (Content-Type
// application/x-amz-cbor-1.1, indefinite-length maps, byte-string blobs, tag-1 millisecond
// timestamps), with bodies encoded by hand or by fxamacker/cbor; the real Java SDK runs in
// compat/java.

const cborType = "application/x-amz-cbor-1.1"

// cborAnswer is one raw answer.
type cborAnswer struct {
	Status      int
	ContentType string
	ErrorType   string
	Body        []byte
}

// cborPost sends body to op with the given content type, signed with the Go SDK's signer.
func cborPost(t *testing.T, e *env, op, contentType string, body []byte) cborAnswer {
	t.Helper()
	r, err := http.NewRequestWithContext(t.Context(), http.MethodPost, e.URL+"/", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("X-Amz-Target", "Kinesis_20131202."+op)
	r.Header.Set("Content-Type", contentType)
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret"}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]), "kinesis", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return cborAnswer{resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("X-Amzn-ErrorType"), b}
}

// cborOK sends a CBOR request that must succeed and returns the answer's body.
func cborOK(t *testing.T, e *env, op string, body []byte) []byte {
	t.Helper()
	a := cborPost(t, e, op, cborType, body)
	if a.Status != 200 || a.ContentType != cborType {
		t.Fatalf("%s: %d %s %x", op, a.Status, a.ContentType, a.Body)
	}
	if err := cbor.Wellformed(a.Body); err != nil {
		t.Fatalf("%s: answer %x: %v", op, a.Body, err)
	}
	return a.Body
}

func mustCBOR(t *testing.T, v any) []byte {
	t.Helper()
	b, err := cbor.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// tag1Millis reads a timestamp as AWS writes it in CBOR: tag 1 wrapping integer
// milliseconds (never a float: the Java SDK reads a long).
func tag1Millis(t *testing.T, raw cbor.RawMessage) int64 {
	t.Helper()
	var tag cbor.RawTag
	if err := cbor.Unmarshal(raw, &tag); err != nil || tag.Number != 1 {
		t.Fatalf("timestamp %x is not tag 1: %v", []byte(raw), err)
	}
	var ms uint64
	if err := cbor.Unmarshal(tag.Content, &ms); err != nil {
		t.Fatalf("timestamp %x does not wrap an integer: %v", []byte(raw), err)
	}
	return int64(ms)
}

// TestCBORDataPlane puts and reads records over CBOR as the Java SDK does: blobs are byte
// strings both ways, ApproximateArrivalTimestamp is tag 1 + integer milliseconds, and
// AT_TIMESTAMP takes tag 1 + milliseconds (the floci-io/floci#2368 capture).
func TestCBORDataPlane(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createStream(t, "cbor", 1)

	before := time.Now().Add(-time.Second).UnixMilli()
	// PutRecord, as Jackson writes it: {_ "StreamName": "cbor", "Data": h'00ff01', "PartitionKey": "k"}
	put := cborOK(t, e, "PutRecord", []byte("\xbf"+
		"\x6aStreamName\x64cbor"+
		"\x64Data\x43\x00\xff\x01"+
		"\x6cPartitionKey\x61k"+
		"\xff"))
	var putOut struct {
		ShardId        string
		SequenceNumber string
	}
	if err := cbor.Unmarshal(put, &putOut); err != nil || putOut.ShardId != "shardId-000000000000" || putOut.SequenceNumber == "" {
		t.Fatalf("PutRecord answer %x: %+v %v", put, putOut, err)
	}
	// PutRecords with an indefinite-length list of two records.
	puts := cborOK(t, e, "PutRecords", []byte("\xbf"+
		"\x6aStreamName\x64cbor"+
		"\x67Records\x9f"+
		"\xbf\x64Data\x42hi\x6cPartitionKey\x61a\xff"+
		"\xa2\x64Data\x5f\x41x\x41y\xff\x6cPartitionKey\x61b"+ // Data as an indefinite byte string
		"\xff\xff"))
	var putsOut struct {
		FailedRecordCount int
		Records           []struct{ SequenceNumber string }
	}
	if err := cbor.Unmarshal(puts, &putsOut); err != nil || putsOut.FailedRecordCount != 0 || len(putsOut.Records) != 2 {
		t.Fatalf("PutRecords answer %x: %+v %v", puts, putsOut, err)
	}

	// GetShardIterator AT_TIMESTAMP with the Java SDK's tag 1 + 8-byte milliseconds.
	ts := make([]byte, 8)
	binary.BigEndian.PutUint64(ts, uint64(before))
	it := cborOK(t, e, "GetShardIterator", []byte("\xbf"+
		"\x6aStreamName\x64cbor"+
		"\x67ShardId\x74shardId-000000000000"+
		"\x71ShardIteratorType\x6cAT_TIMESTAMP"+
		"\x69Timestamp\xc1\x1b"+string(ts)+
		"\xff"))
	var itOut struct{ ShardIterator string }
	if err := cbor.Unmarshal(it, &itOut); err != nil || itOut.ShardIterator == "" {
		t.Fatalf("GetShardIterator answer %x: %v", it, err)
	}
	recs := cborOK(t, e, "GetRecords", mustCBOR(t, map[string]any{"ShardIterator": itOut.ShardIterator, "Limit": 10}))
	var out struct {
		MillisBehindLatest int64
		NextShardIterator  string
		Records            []struct {
			ApproximateArrivalTimestamp cbor.RawMessage
			Data                        cbor.RawMessage
			PartitionKey                string
			SequenceNumber              string
		}
	}
	if err := cbor.Unmarshal(recs, &out); err != nil {
		t.Fatalf("GetRecords answer %x: %v", recs, err)
	}
	after := time.Now().UnixMilli()
	if len(out.Records) != 3 || out.NextShardIterator == "" {
		t.Fatalf("GetRecords: %d records, NextShardIterator %q", len(out.Records), out.NextShardIterator)
	}
	wantData := []string{"\x00\xff\x01", "hi", "xy"}
	for i, r := range out.Records {
		var data []byte
		if len(r.Data) == 0 || r.Data[0]>>5 != 2 { // major type 2: a byte string, not base64 text
			t.Errorf("record %d: Data %x is not a byte string", i, []byte(r.Data))
		} else if err := cbor.Unmarshal(r.Data, &data); err != nil || string(data) != wantData[i] {
			t.Errorf("record %d: Data %q, want %q (%v)", i, data, wantData[i], err)
		}
		if ms := tag1Millis(t, r.ApproximateArrivalTimestamp); ms < before || ms > after {
			t.Errorf("record %d: ApproximateArrivalTimestamp %d ms, want within [%d, %d]", i, ms, before, after)
		}
	}
	if out.Records[0].SequenceNumber != putOut.SequenceNumber || out.Records[0].PartitionKey != "k" {
		t.Errorf("first record %+v, want sequence number %s", out.Records[0], putOut.SequenceNumber)
	}

	// AT_TIMESTAMP after the last record reads nothing: the milliseconds were not taken
	// for seconds (which would be the year 58000 and an InvalidArgumentException).
	binary.BigEndian.PutUint64(ts, uint64(after+1000))
	a := cborPost(t, e, "GetShardIterator", cborType, []byte("\xbf\x6aStreamName\x64cbor\x67ShardId\x74shardId-000000000000"+
		"\x71ShardIteratorType\x6cAT_TIMESTAMP\x69Timestamp\xc1\x1b"+string(ts)+"\xff"))
	if a.Status != 400 || a.ErrorType != "InvalidArgumentException" {
		// A timestamp in the future is refused with AWS's InvalidArgumentException text, which
		// quotes the milliseconds as given.
		t.Fatalf("AT_TIMESTAMP in the future: %d %s %x", a.Status, a.ErrorType, a.Body)
	}
	var e1 struct {
		Message string `cbor:"message"`
	}
	if err := cbor.Unmarshal(a.Body, &e1); err != nil || !strings.Contains(e1.Message, "timestampInMillis: "+itoa(after+1000)) {
		t.Errorf("AT_TIMESTAMP in the future: message %q (%v), want it to quote %d", e1.Message, err, after+1000)
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

// TestCBORMatchesJSON sends each read-only operation once in JSON and once in CBOR: the
// answers are the same once blobs (base64 vs byte strings) and timestamps (seconds vs tag 1
// milliseconds) are put in one form.
func TestCBORMatchesJSON(t *testing.T) {
	e := newEnv(t, envOptions{})
	// Create and write over CBOR too.
	cborOK(t, e, "CreateStream", mustCBOR(t, map[string]any{"StreamName": "same", "ShardCount": 2}))
	e.createStreamWait(t, "same")
	cborOK(t, e, "AddTagsToStream", mustCBOR(t, map[string]any{"StreamName": "same", "Tags": map[string]string{"team": "data", "env": "test"}}))
	cborOK(t, e, "PutRecord", mustCBOR(t, map[string]any{"StreamName": "same", "Data": []byte("payload"), "PartitionKey": "p"}))
	cborOK(t, e, "IncreaseStreamRetentionPeriod", mustCBOR(t, map[string]any{"StreamName": "same", "RetentionPeriodHours": 48}))

	var it struct{ ShardIterator string }
	if err := cbor.Unmarshal(cborOK(t, e, "GetShardIterator", mustCBOR(t, map[string]any{
		"StreamName": "same", "ShardId": "shardId-000000000000", "ShardIteratorType": "TRIM_HORIZON"})), &it); err != nil {
		t.Fatal(err)
	}
	itJSON := func(v map[string]any) map[string]any { v["ShardIterator"] = it.ShardIterator; return v }
	arn := "arn:aws:kinesis:us-east-1:000000000000:stream/same"
	for _, tc := range []struct {
		op   string
		body map[string]any
	}{
		{"DescribeStream", map[string]any{"StreamName": "same"}},
		{"DescribeStreamSummary", map[string]any{"StreamARN": arn}},
		{"ListStreams", map[string]any{}},
		{"ListShards", map[string]any{"StreamName": "same"}},
		{"ListTagsForStream", map[string]any{"StreamName": "same"}},
		{"ListTagsForResource", map[string]any{"ResourceARN": arn}},
		{"DescribeLimits", map[string]any{}},
		{"DescribeAccountSettings", map[string]any{}},
		{"GetResourcePolicy", map[string]any{"ResourceARN": arn}},
		{"GetRecords", itJSON(map[string]any{"Limit": 5})},
		{"DescribeStream", map[string]any{"StreamName": "missing"}},                   // an error
		{"ListShards", map[string]any{"StreamName": "same", "MaxResults": 0}},         // a ValidationException
		{"GetRecords", map[string]any{"ShardIterator": "AAAAAAAAAAEnot-an-iterator"}}, // InvalidArgument
	} {
		jb, _ := json.Marshal(tc.body)
		ja := cborPost(t, e, tc.op, "application/x-amz-json-1.1", jb)
		ca := cborPost(t, e, tc.op, cborType, mustCBOR(t, tc.body))
		if ca.ContentType != cborType || ja.Status != ca.Status || ja.ErrorType != ca.ErrorType {
			t.Errorf("%s: JSON %d %s, CBOR %d %s %s", tc.op, ja.Status, ja.ErrorType, ca.Status, ca.ErrorType, ca.ContentType)
			continue
		}
		var jv any
		if err := json.Unmarshal(ja.Body, &jv); err != nil {
			t.Fatalf("%s: JSON answer %s: %v", tc.op, ja.Body, err)
		}
		cv := normalCBOR(t, ca.Body)
		ignore := cmp.FilterPath(func(p cmp.Path) bool {
			return strings.Contains(p.GoString(), `"NextShardIterator"`)
		}, cmp.Ignore())
		if diff := cmp.Diff(jv, cv, ignore); diff != "" {
			t.Errorf("%s: JSON (-) and CBOR (+) answers differ:\n%s", tc.op, diff)
		}
	}
}

// createStreamWait waits for a stream created by other means to be ACTIVE.
func (e *env) createStreamWait(t *testing.T, name string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		var d struct{ StreamDescriptionSummary struct{ StreamStatus string } }
		if err := cbor.Unmarshal(cborOK(t, e, "DescribeStreamSummary", mustCBOR(t, map[string]any{"StreamName": name})), &d); err != nil {
			t.Fatal(err)
		}
		if d.StreamDescriptionSummary.StreamStatus == "ACTIVE" {
			return
		}
		time.Sleep(10 * time.Millisecond) // polling with a deadline
	}
	t.Fatalf("%s never became ACTIVE", name)
}

// normalCBOR decodes a CBOR answer into the values encoding/json would give for the same
// answer in JSON: byte strings become base64 text, tag 1 milliseconds become seconds.
func normalCBOR(t *testing.T, b []byte) any {
	t.Helper()
	if len(b) == 0 {
		t.Fatal("empty CBOR item")
	}
	switch b[0] >> 5 {
	case 2: // byte string
		var v []byte
		if err := cbor.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
		return base64.StdEncoding.EncodeToString(v)
	case 4:
		var v []cbor.RawMessage
		if err := cbor.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = normalCBOR(t, x)
		}
		return out
	case 5:
		var v map[string]cbor.RawMessage
		if err := cbor.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
		out := map[string]any{}
		for k, x := range v {
			out[k] = normalCBOR(t, x)
		}
		return out
	case 6:
		return float64(tag1Millis(t, b)) / 1000
	}
	var v any
	if err := cbor.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	switch n := v.(type) {
	case uint64:
		return float64(n)
	case int64:
		return float64(n)
	}
	return v
}

// TestCBORErrors checks error answers to CBOR requests: a CBOR map with __type and message,
// the CBOR Content-Type and X-Amzn-ErrorType, and a SerializationException for a body that
// is not well-formed CBOR (before the target's operation and the credential are looked at).
func TestCBORErrors(t *testing.T) {
	e := newEnv(t, envOptions{})
	for _, tc := range []struct {
		name, op string
		body     []byte
		status   int
		want     map[string]string
	}{
		{"not found", "DescribeStream", mustCBOR(t, map[string]string{"StreamName": "nope"}), 400,
			map[string]string{"__type": "ResourceNotFoundException", "message": "Stream nope under account 000000000000 not found."}},
		{"validation", "DescribeStream", mustCBOR(t, map[string]any{"StreamName": "bad name!", "Limit": 0}), 400,
			map[string]string{"__type": "ValidationException", "message": "2 validation errors detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1; Value 'bad name!' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"}},
		{"truncated", "DescribeStream", []byte("\xa1\x6aStreamName\x64ab"), 400,
			map[string]string{"__type": "SerializationException", "Message": "The request body is not well-formed CBOR: unexpected EOF."}},
		{"JSON sent as CBOR", "DescribeStream", []byte(`{"StreamName":"s"}`), 400,
			map[string]string{"__type": "SerializationException", "Message": "The request body is not well-formed CBOR: unexpected EOF."}}, // 0x7b: a 27-byte text string
		{"a list", "ListStreams", []byte("\x80"), 400,
			map[string]string{"__type": "SerializationException", "Message": "Start of list found where not expected"}},
		{"wrong member type", "ListStreams", mustCBOR(t, map[string]any{"Limit": "ten"}), 400,
			map[string]string{"__type": "SerializationException", "Message": "Unexpected CBOR UTF-8 text string for member Limit."}},
		{"a string where a blob goes", "PutRecord", mustCBOR(t, map[string]any{"StreamName": "s", "PartitionKey": "k", "Data": "YQ=="}), 400,
			map[string]string{"__type": "SerializationException", "Message": "Unexpected CBOR UTF-8 text string for member Data."}},
		{"unknown operation", "Nope", []byte("\xa0"), 400, map[string]string{"__type": "UnknownOperationException"}},
		{"unknown operation, malformed body", "Nope", []byte("\xa1"), 400, map[string]string{"__type": "SerializationException"}},
	} {
		a := cborPost(t, e, tc.op, cborType, tc.body)
		var got map[string]string
		if err := cbor.Unmarshal(a.Body, &got); err != nil {
			t.Errorf("%s: body %x: %v", tc.name, a.Body, err)
			continue
		}
		if a.Status != tc.status || a.ContentType != cborType || a.ErrorType != tc.want["__type"] {
			t.Errorf("%s: %d %s %s", tc.name, a.Status, a.ContentType, a.ErrorType)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
	// Without a credential, a malformed CBOR body is a SerializationException first.
	r, _ := http.NewRequest(http.MethodPost, e.URL+"/", strings.NewReader("\xbf"))
	r.Header.Set("X-Amz-Target", "Kinesis_20131202.ListStreams")
	r.Header.Set("Content-Type", cborType)
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("X-Amzn-ErrorType"); got != "SerializationException" {
		t.Errorf("malformed body without a credential: %s", got)
	}
}

// TestCBORSubscribeToShard subscribes with a CBOR request: the event payloads are CBOR too
// (:content-type application/x-amz-cbor-1.1), records with byte-string Data and tag-1
// millisecond arrival times.
func TestCBORSubscribeToShard(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createStream(t, "cs", 1)
	before := time.Now().Add(-time.Second).UnixMilli()
	cborOK(t, e, "PutRecord", mustCBOR(t, map[string]any{"StreamName": "cs", "Data": []byte{0, 1, 2}, "PartitionKey": "k"}))
	c := consumerRegister(t, e.Client, "cs", "c1")
	for deadline := time.Now().Add(30 * time.Second); consumerStatus(t, e.Client, *c.ConsumerARN) != "ACTIVE"; {
		if time.Now().After(deadline) {
			t.Fatal("consumer never ACTIVE")
		}
		time.Sleep(10 * time.Millisecond) // polling with a deadline
	}
	body := mustCBOR(t, map[string]any{"ConsumerARN": *c.ConsumerARN, "ShardId": "shardId-000000000000",
		"StartingPosition": map[string]any{"Type": "TRIM_HORIZON"}})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, e.URL+"/", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("X-Amz-Target", "Kinesis_20131202.SubscribeToShard")
	r.Header.Set("Content-Type", cborType)
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "x"}, r, hex.EncodeToString(sum[:]), "kinesis", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("SubscribeToShard: %d %x", resp.StatusCode, b)
	}
	var buf []byte
	var m awsproto.EventMessage
	m, buf, err = awsproto.ReadEventMessage(resp.Body, buf)
	if err != nil || m.Header(":event-type") != "initial-response" || m.Header(":content-type") != cborType {
		t.Fatalf("first message %+v: %v", m, err)
	}
	m, _, err = awsproto.ReadEventMessage(resp.Body, buf)
	if err != nil || m.Header(":event-type") != "SubscribeToShardEvent" || m.Header(":content-type") != cborType {
		t.Fatalf("second message %+v: %v", m, err)
	}
	var ev struct {
		ContinuationSequenceNumber string
		Records                    []struct {
			ApproximateArrivalTimestamp cbor.RawMessage
			Data                        cbor.RawMessage
		}
	}
	if err := cbor.Unmarshal(m.Payload, &ev); err != nil || len(ev.Records) != 1 || ev.ContinuationSequenceNumber == "" {
		t.Fatalf("event %x: %+v %v", m.Payload, ev, err)
	}
	if got := hex.EncodeToString(ev.Records[0].Data); got != "43000102" {
		t.Errorf("Data = %s, want the byte string 43000102", got)
	}
	if ms := tag1Millis(t, ev.Records[0].ApproximateArrivalTimestamp); ms < before || ms > time.Now().UnixMilli() {
		t.Errorf("ApproximateArrivalTimestamp = %d ms", ms)
	}
}

// BenchmarkCodecGetRecords encodes a 1000-record GetRecords answer (100-byte records) in
// each codec: JSON takes the hand-written fast path, CBOR reflection.
func BenchmarkCodecGetRecords(b *testing.B) {
	out := &fkinesis.GetRecordsOutput{NextShardIterator: aws.String(strings.Repeat("A", 200))}
	for i := range 1000 {
		out.Records = append(out.Records, fkinesis.Record{
			ApproximateArrivalTimestamp: awsproto.NewTime(time.UnixMilli(1787036486712 + int64(i))),
			Data:                        bytes.Repeat([]byte{byte(i)}, 100),
			PartitionKey:                "partition-key-" + itoa(int64(i)),
			SequenceNumber:              "49647060812288014558888668248263847763900017820167045122",
		})
	}
	for _, c := range []awsproto.Codec{awsproto.JSON, awsproto.CBOR} {
		b.Run(c.ContentType(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Encode(out); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCodecPutRecords decodes a 500-record PutRecords request (100-byte records) in
// each codec: JSON takes the hand-written fast path, CBOR reflection.
func BenchmarkCodecPutRecords(b *testing.B) {
	in := fkinesis.PutRecordsInput{StreamName: aws.String("bench")}
	for i := range 500 {
		in.Records = append(in.Records, fkinesis.PutRecordsRequestEntry{
			Data: bytes.Repeat([]byte{byte(i)}, 100), PartitionKey: aws.String("partition-key-" + itoa(int64(i)))})
	}
	for _, c := range []awsproto.Codec{awsproto.JSON, awsproto.CBOR} {
		body, err := c.Encode(&in)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.ContentType(), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				var out fkinesis.PutRecordsInput
				if err := c.Decode(body, &out); err != nil || len(out.Records) != 500 {
					b.Fatal(err)
				}
			}
		})
	}
}
