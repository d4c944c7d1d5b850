package conformance

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fhtypes "github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
)

// fhProc is one processor with its parameters, name/value pairs.
func fhProc(typ fhtypes.ProcessorType, nameValues ...string) fhtypes.Processor {
	p := fhtypes.Processor{Type: typ}
	for i := 0; i+1 < len(nameValues); i += 2 {
		p.Parameters = append(p.Parameters, fhtypes.ProcessorParameter{
			ParameterName: fhtypes.ProcessorParameterName(nameValues[i]), ParameterValue: aws.String(nameValues[i+1])})
	}
	return p
}

func fhProcessing(procs ...fhtypes.Processor) *fhtypes.ProcessingConfiguration {
	return &fhtypes.ProcessingConfiguration{Enabled: aws.Bool(true), Processors: procs}
}

// shapedObjects waits until a bucket directory holds n objects and returns them by shape(key).
func (e *fhEnv) shapedObjects(t *testing.T, bucket string, n int) map[string]string {
	t.Helper()
	var objs map[string][]byte
	waitFor(t, bucket+" objects", func() bool { objs = dirObjects(t, e.Dir, bucket); return len(objs) >= n })
	got := map[string]string{}
	for k, b := range objs {
		got[shape(k)] = string(b)
	}
	if len(got) != n {
		t.Fatalf("want %d objects, got %d: %v", n, len(got), slices.Collect(mapKeys(got)))
	}
	return got
}

func mapKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// errorDocs decodes the error documents of an error-output object, one JSON object a line.
func errorDocs(t *testing.T, body string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSuffix(body, "\n"), "\n") {
		if !strings.HasPrefix(line, `{"attemptsMade":`) {
			t.Errorf("error document not in AWS's member order: %s", line)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("error document %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

// kplAggregate builds a KPL aggregated record from its documented format: the magic bytes,
// a protobuf AggregatedRecord (partition key table, records of partition key index and
// data), and the MD5 of the protobuf bytes.
func kplAggregate(keys []string, recs ...string) []byte {
	field := func(b []byte, num int, v []byte) []byte {
		b = binary.AppendUvarint(b, uint64(num<<3|2))
		b = binary.AppendUvarint(b, uint64(len(v)))
		return append(b, v...)
	}
	var msg []byte
	for _, k := range keys {
		msg = field(msg, 1, []byte(k))
	}
	for i, r := range recs {
		var rec []byte
		rec = binary.AppendUvarint(rec, 1<<3) // field 1, varint
		rec = binary.AppendUvarint(rec, uint64(i%len(keys)))
		rec = field(rec, 3, []byte(r))
		msg = field(msg, 3, rec)
	}
	sum := md5.Sum(msg)
	out := append([]byte{0xF3, 0x89, 0x9A, 0xC2}, msg...)
	return append(out, sum[:]...)
}

// TestFirehoseProcessingDelimiterAndDeAggregation: AppendDelimiterToRecord puts a newline
// after every record; RecordDeAggregation splits JSON, DELIMITED (base64 Delimiter) and KPL
// aggregated records into sub-records; a record that is not JSON goes to processing-failed.
func TestFirehoseProcessingDelimiterAndDeAggregation(t *testing.T) {
	clock := fhClock()
	e := newFirehoseEnv(t, fhOptions{Now: clock.Now})
	delim := fhProc(fhtypes.ProcessorTypeAppendDelimiterToRecord)

	d := fhS3("b", 1, 60)
	d.Prefix = aws.String("plain/")
	d.ProcessingConfiguration = fhProcessing(delim)
	e.createDelivery(t, "plain", d)

	d = fhS3("b", 1, 60)
	d.Prefix = aws.String("json/")
	d.ErrorOutputPrefix = aws.String("err/!{firehose:error-output-type}/")
	// Configured out of AWS's order: the de-aggregation still runs first.
	d.ProcessingConfiguration = fhProcessing(delim, fhProc(fhtypes.ProcessorTypeRecordDeAggregation, "SubRecordType", "JSON"))
	e.createDelivery(t, "json", d)

	d = fhS3("b", 1, 60)
	d.Prefix = aws.String("delimited/")
	d.ProcessingConfiguration = fhProcessing(fhProc(fhtypes.ProcessorTypeRecordDeAggregation,
		"SubRecordType", "DELIMITED", "Delimiter", base64.StdEncoding.EncodeToString([]byte("||"))), delim)
	e.createDelivery(t, "delimited", d)

	e.putBatch(t, "plain", "a", "b", `{"c":1}`)
	e.putBatch(t, "json", `{"a":1}{"a":2}`+"\n"+` {"a":[3]}`, "not json", `"s"`)
	e.putBatch(t, "delimited", "x||y||", "z", string(kplAggregate([]string{"pk1", "pk2"}, "k1||k2", "k3")))
	clock.Advance(60 * time.Second)

	got := e.shapedObjects(t, "b", 4)
	failed := got["err/processing-failed/2026/11/26/08/json-1-2026-11-26-08-30-15-<uuid>"]
	delete(got, "err/processing-failed/2026/11/26/08/json-1-2026-11-26-08-30-15-<uuid>")
	want := map[string]string{
		"plain/2026/11/26/08/plain-1-2026-11-26-08-30-15-<uuid>":         "a\nb\n{\"c\":1}\n",
		"json/2026/11/26/08/json-1-2026-11-26-08-30-15-<uuid>":           "{\"a\":1}\n{\"a\":2}\n{\"a\":[3]}\n\"s\"\n",
		"delimited/2026/11/26/08/delimited-1-2026-11-26-08-30-15-<uuid>": "x\ny\nz\nk1\nk2\nk3\n",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("objects (-want +got):\n%s", diff)
	}
	docs := errorDocs(t, failed)
	if len(docs) != 1 || docs[0]["rawData"] != base64.StdEncoding.EncodeToString([]byte("not json")) ||
		docs[0]["errorCode"] != "RecordDeAggregation.JsonParsingFailed" || docs[0]["attemptsMade"] != 1.0 {
		t.Errorf("error documents: %v", docs)
	}
}

// TestFirehoseDynamicPartitioningQuery: MetadataExtraction (jq) sets
// !{partitionKeyFromQuery:…}; records with different keys go to different objects; records
// without the key or not JSON go to processing-failed with AWS's error code and messages.
func TestFirehoseDynamicPartitioningQuery(t *testing.T) {
	clock := fhClock()
	e := newFirehoseEnv(t, fhOptions{Now: clock.Now})
	d := fhS3("b", 64, 60)
	d.DynamicPartitioningConfiguration = &fhtypes.DynamicPartitioningConfiguration{Enabled: aws.Bool(true)}
	d.Prefix = aws.String("customer_id=!{partitionKeyFromQuery:customer_id}/device=!{partitionKeyFromQuery:device}/!{timestamp:yyyy}/")
	d.ErrorOutputPrefix = aws.String("errors/!{firehose:error-output-type}/")
	d.ProcessingConfiguration = fhProcessing(
		fhProc(fhtypes.ProcessorTypeMetadataExtraction, "MetadataExtractionQuery", "{customer_id:.customer_id,device:.type.device}", "JsonParsingEngine", "JQ-1.6"),
		fhProc(fhtypes.ProcessorTypeAppendDelimiterToRecord))
	e.createDelivery(t, "dp", d)

	e.putBatch(t, "dp",
		`{"customer_id":"1","type":{"device":"mobile"},"n":1}`,
		`{"customer_id":2,"type":{"device":"web"},"n":2}`,
		`{"customer_id":"1","type":{"device":"mobile"},"n":3}`,
		`{"customer_id":"1","type":{"device":"web"},"n":4}`,
		`{"type":{"device":"web"},"n":5}`,
		`not json`)
	clock.Advance(60 * time.Second)
	got := e.shapedObjects(t, "b", 4)
	errKey := "errors/processing-failed/2026/11/26/08/dp-1-2026-11-26-08-30-15-<uuid>"
	docs := errorDocs(t, got[errKey])
	delete(got, errKey)
	want := map[string]string{
		"customer_id=1/device=mobile/2026/dp-1-2026-11-26-08-30-15-<uuid>": "{\"customer_id\":\"1\",\"type\":{\"device\":\"mobile\"},\"n\":1}\n{\"customer_id\":\"1\",\"type\":{\"device\":\"mobile\"},\"n\":3}\n",
		"customer_id=2/device=web/2026/dp-1-2026-11-26-08-30-15-<uuid>":    "{\"customer_id\":2,\"type\":{\"device\":\"web\"},\"n\":2}\n",
		"customer_id=1/device=web/2026/dp-1-2026-11-26-08-30-15-<uuid>":    "{\"customer_id\":\"1\",\"type\":{\"device\":\"web\"},\"n\":4}\n",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("objects (-want +got):\n%s", diff)
	}
	var gotDocs [][2]string
	for _, doc := range docs {
		raw, _ := base64.StdEncoding.DecodeString(doc["rawData"].(string))
		if doc["errorCode"] != "DynamicPartitioning.MetadataExtractionFailed" {
			t.Errorf("errorCode %v", doc["errorCode"])
		}
		gotDocs = append(gotDocs, [2]string{string(raw), doc["errorMessage"].(string)})
	}
	wantDocs := [][2]string{
		{`{"type":{"device":"web"},"n":5}`, "partitionKeys values must not be null or empty"},
		{"not json", "Non JSON record provided"},
	}
	if diff := cmp.Diff(wantDocs, gotDocs); diff != "" {
		t.Errorf("error documents (-want +got):\n%s", diff)
	}

	// A query that is not jq is refused at creation.
	bad := fhS3("b", 64, 60)
	bad.DynamicPartitioningConfiguration = &fhtypes.DynamicPartitioningConfiguration{Enabled: aws.Bool(true)}
	bad.Prefix = aws.String("!{partitionKeyFromQuery:a}/")
	bad.ErrorOutputPrefix = aws.String("errors/!{firehose:error-output-type}/")
	bad.ProcessingConfiguration = fhProcessing(fhProc(fhtypes.ProcessorTypeMetadataExtraction, "MetadataExtractionQuery", "{a:.a", "JsonParsingEngine", "JQ-1.6"))
	_, err := e.Client.CreateDeliveryStream(t.Context(), &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("bad"), ExtendedS3DestinationConfiguration: bad})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidArgumentException" || !strings.HasPrefix(ae.ErrorMessage(), "MetadataExtractionQuery {a:.a is not a valid JQ expression") {
		t.Errorf("CreateDeliveryStream with a bad query: %v", err)
	}
}
