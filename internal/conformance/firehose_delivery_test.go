package conformance

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"io"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fhtypes "github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/golang/snappy"
	"github.com/google/go-cmp/cmp"

	ffirehose "github.com/freshet/freshet/internal/firehose"
)

// fhClock is a fake clock at a fixed, recognisable instant: 2026-11-26 08:30:15.250 UTC.
func fhClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 11, 26, 8, 30, 15, 250e6, time.UTC)}
}

var (
	uuidRE   = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}`)
	randomRE = regexp.MustCompile(`/[0-9a-f]{8}-[0-9a-f]{2}/`)
)

// shape replaces the random parts of an object key: <uuid> and /<random-string>/.
func shape(key string) string {
	return randomRE.ReplaceAllString(uuidRE.ReplaceAllString(key, "<uuid>"), "/<random>/")
}

func (e *fhEnv) putBatch(t *testing.T, name string, data ...string) []string {
	t.Helper()
	recs := make([]fhtypes.Record, len(data))
	for i, d := range data {
		recs[i].Data = []byte(d)
	}
	out, err := e.Client.PutRecordBatch(t.Context(), &firehose.PutRecordBatchInput{DeliveryStreamName: aws.String(name), Records: recs})
	if err != nil {
		t.Fatalf("PutRecordBatch %s: %v", name, err)
	}
	if aws.ToInt32(out.FailedPutCount) != 0 || len(out.RequestResponses) != len(data) {
		t.Fatalf("PutRecordBatch %s: %+v", name, out)
	}
	var ids []string
	for _, r := range out.RequestResponses {
		if r.RecordId == nil || r.ErrorCode != nil {
			t.Fatalf("PutRecordBatch %s entry: %+v", name, r)
		}
		ids = append(ids, *r.RecordId)
	}
	return ids
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func unzipOne(t *testing.T, b []byte) (string, []byte) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != 1 {
		t.Fatalf("zip holds %d files", len(zr.File))
	}
	f, err := zr.File[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return zr.File[0].Name, out
}

func unsnappyFramed(t *testing.T, b []byte) []byte {
	t.Helper()
	out, err := io.ReadAll(snappy.NewReader(bytes.NewReader(b)))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// unhadoopSnappy decodes Hadoop's block framing: per block, the uncompressed length and
// the compressed chunk's length (4-byte big-endian), then the chunk.
func unhadoopSnappy(t *testing.T, b []byte) []byte {
	t.Helper()
	var out []byte
	for len(b) > 0 {
		if len(b) < 8 {
			t.Fatalf("truncated hadoop-snappy block header: %d bytes", len(b))
		}
		raw, n := binary.BigEndian.Uint32(b), binary.BigEndian.Uint32(b[4:])
		chunk, err := snappy.Decode(nil, b[8:8+n])
		if err != nil {
			t.Fatal(err)
		}
		if uint32(len(chunk)) != raw {
			t.Fatalf("block says %d bytes, holds %d", raw, len(chunk))
		}
		out = append(out, chunk...)
		b = b[8+n:]
	}
	return out
}

// TestFirehoseDeliveryS3: delivery into a real S3 server (versitygw), read back with the
// real S3 client: AWS's object keys (default and custom prefixes, expressions, time zone,
// version), every compression format, file extension and source backup.
func TestFirehoseDeliveryS3(t *testing.T) {
	srv := startS3Server(t)
	srv.createBucket(t, "dest")
	srv.createBucket(t, "backup")
	clock := fhClock()
	e := newFirehoseEnv(t, fhOptions{Now: clock.Now, Objects: srv.store()})

	dest := func(mod func(d *fhtypes.ExtendedS3DestinationConfiguration)) *fhtypes.ExtendedS3DestinationConfiguration {
		d := fhS3("dest", 1, 60)
		mod(d)
		return d
	}
	e.createDelivery(t, "plain", dest(func(d *fhtypes.ExtendedS3DestinationConfiguration) {}))
	e.createDelivery(t, "gz", dest(func(d *fhtypes.ExtendedS3DestinationConfiguration) {
		d.Prefix, d.CompressionFormat = aws.String("logs"), fhtypes.CompressionFormatGzip
	}))
	e.createDelivery(t, "zip", dest(func(d *fhtypes.ExtendedS3DestinationConfiguration) {
		d.Prefix = aws.String("!{timestamp:yyyy'-'MM}/!{firehose:random-string}/day=!{timestamp:dd}/")
		d.ErrorOutputPrefix = aws.String("err/!{firehose:error-output-type}/")
		d.CompressionFormat = fhtypes.CompressionFormatZip
	}))
	e.createDelivery(t, "snappy", dest(func(d *fhtypes.ExtendedS3DestinationConfiguration) {
		d.Prefix, d.CompressionFormat = aws.String("s/"), fhtypes.CompressionFormatSnappy
	}))
	e.createDelivery(t, "hadoop", dest(func(d *fhtypes.ExtendedS3DestinationConfiguration) {
		d.Prefix, d.CompressionFormat = aws.String("h/"), fhtypes.CompressionFormatHadoopSnappy
	}))
	e.createDelivery(t, "backup", dest(func(d *fhtypes.ExtendedS3DestinationConfiguration) {
		d.Prefix, d.FileExtension = aws.String("main/"), aws.String(".json")
		d.S3BackupMode = fhtypes.S3BackupModeEnabled
		d.S3BackupConfiguration = &fhtypes.S3DestinationConfiguration{
			BucketARN: aws.String("arn:aws:s3:::backup"), RoleARN: aws.String("arn:aws:iam::000000000000:role/r"),
			Prefix: aws.String("src/"), CompressionFormat: fhtypes.CompressionFormatGzip,
		}
	}))
	e.createDelivery(t, "tz", dest(func(d *fhtypes.ExtendedS3DestinationConfiguration) {
		d.Prefix, d.CustomTimeZone = aws.String("tokyo/"), aws.String("Asia/Tokyo")
	}))
	e.createDelivery(t, "versioned", dest(func(d *fhtypes.ExtendedS3DestinationConfiguration) { d.Prefix = aws.String("v/") }))
	if _, err := e.Client.UpdateDestination(t.Context(), &firehose.UpdateDestinationInput{DeliveryStreamName: aws.String("versioned"),
		CurrentDeliveryStreamVersionId: aws.String("1"), DestinationId: aws.String("destinationId-000000000001"),
		ExtendedS3DestinationUpdate: &fhtypes.ExtendedS3DestinationUpdate{CompressionFormat: fhtypes.CompressionFormatGzip}}); err != nil {
		t.Fatal(err)
	}

	big := strings.Repeat("0123456789abcdef", 40000) // 640 kB: more than one Hadoop block
	want := map[string]string{}
	for _, name := range []string{"plain", "gz", "zip", "snappy", "backup", "tz", "versioned"} {
		e.putBatch(t, name, name+"-1,", name+"-2,", name+"-3,")
		if _, err := e.Client.PutRecord(t.Context(), &firehose.PutRecordInput{DeliveryStreamName: aws.String(name), Record: &fhtypes.Record{Data: []byte(name + "-4\n")}}); err != nil {
			t.Fatal(err)
		}
		want[name] = name + "-1," + name + "-2," + name + "-3," + name + "-4\n"
	}
	e.putBatch(t, "hadoop", big, "tail")
	want["hadoop"] = big + "tail"

	// Nothing is delivered before the interval has passed (the buffers are far below 1 MiB).
	if got := srv.objects(t, "dest"); len(got) != 0 {
		t.Fatalf("delivered before the interval: %v", slices.Collect(maps.Keys(got)))
	}
	clock.Advance(60 * time.Second)
	var objs map[string][]byte
	waitFor(t, "9 objects", func() bool {
		objs = srv.objects(t, "dest")
		return len(objs) == 8 && len(srv.objects(t, "backup")) == 1
	})
	maps.Copy(objs, prefixKeys("backup-bucket:", srv.objects(t, "backup")))

	decode := map[string]func([]byte) []byte{
		".gz":     func(b []byte) []byte { return gunzip(t, b) },
		".snappy": func(b []byte) []byte { return unsnappyFramed(t, b) },
	}
	got := map[string]string{} // key shape → content
	for k, b := range objs {
		switch {
		case strings.HasSuffix(k, ".zip"):
			entry, data := unzipOne(t, b)
			if !strings.HasSuffix(k, "/"+entry+".zip") {
				t.Errorf("zip entry %q in %s", entry, k)
			}
			b = data
		case strings.HasPrefix(k, "h/"):
			b = unhadoopSnappy(t, b)
		default:
			for ext, dec := range decode {
				if strings.HasSuffix(k, ext) {
					b = dec(b)
				}
			}
		}
		got[shape(k)] = string(b)
	}
	wantKeys := map[string]string{
		"2026/11/26/08/plain-1-2026-11-26-08-30-15-<uuid>":                       want["plain"],
		"logs2026/11/26/08/gz-1-2026-11-26-08-30-15-<uuid>.gz":                   want["gz"],
		"2026-11/<random>/day=26/zip-1-2026-11-26-08-30-15-<uuid>.zip":           want["zip"],
		"s/2026/11/26/08/snappy-1-2026-11-26-08-30-15-<uuid>.snappy":             want["snappy"],
		"h/2026/11/26/08/hadoop-1-2026-11-26-08-30-15-<uuid>.snappy":             want["hadoop"],
		"main/2026/11/26/08/backup-1-2026-11-26-08-30-15-<uuid>.json":            want["backup"],
		"backup-bucket:src/2026/11/26/08/backup-1-2026-11-26-08-30-15-<uuid>.gz": want["backup"],
		"tokyo/2026/11/26/17/tz-1-2026-11-26-17-30-15-<uuid>":                    want["tz"],
		"v/2026/11/26/08/versioned-2-2026-11-26-08-30-15-<uuid>.gz":              want["versioned"],
	}
	if diff := cmp.Diff(wantKeys, got); diff != "" {
		t.Errorf("objects (-want +got):\n%s", diff)
	}
}

// countingStore counts PutObject calls.
type countingStore struct {
	ffirehose.ObjectStore
	calls atomic.Int64
}

func (c *countingStore) PutObject(ctx context.Context, bucket, key string, body []byte) error {
	c.calls.Add(1)
	return c.ObjectStore.PutObject(ctx, bucket, key, body)
}

func prefixKeys(p string, m map[string][]byte) map[string][]byte {
	out := map[string][]byte{}
	for k, v := range m {
		out[p+k] = v
	}
	return out
}

// TestFirehoseRetryUntilBucketExists: while the destination bucket is missing, delivery
// fails and is retried with the buffer kept; once the bucket exists everything arrives,
// once.
func TestFirehoseRetryUntilBucketExists(t *testing.T) {
	srv := startS3Server(t)
	clock := fhClock()
	objects := &countingStore{ObjectStore: srv.store()}
	e := newFirehoseEnv(t, fhOptions{Now: clock.Now, Objects: objects})
	e.createDelivery(t, "r", fhS3("late", 1, 0)) // zero buffering: deliver at once
	e.putBatch(t, "r", "a", "b")
	e.putBatch(t, "r", "c")
	waitFor(t, "three failed attempts", func() bool { return objects.calls.Load() >= 3 })
	srv.createBucket(t, "late")
	var objs map[string][]byte
	waitFor(t, "the object", func() bool { objs = srv.objects(t, "late"); return len(objs) > 0 })
	var all string
	for _, b := range objs {
		all += string(b)
	}
	if all != "abc" {
		t.Errorf("delivered %q in %d objects, want abc", all, len(objs))
	}
}

// TestFirehoseDropsAfterRetention: records the destination never takes are dropped once
// they are older than the retention period (AWS: 24 h), and delivery goes on after them.
func TestFirehoseDropsAfterRetention(t *testing.T) {
	srv := startS3Server(t)
	clock := fhClock()
	objects := &countingStore{ObjectStore: srv.store()}
	e := newFirehoseEnv(t, fhOptions{Now: clock.Now, Objects: objects, Retention: time.Hour})
	e.createDelivery(t, "old", fhS3("later", 1, 0))
	e.putBatch(t, "old", "lost1", "lost2")
	waitFor(t, "a failed attempt", func() bool { return objects.calls.Load() >= 1 })
	clock.Advance(time.Hour + time.Second)
	waitFor(t, "the attempts to stop", func() bool {
		// Once the records are dropped there are no more attempts: none for longer than
		// the longest back-off (RetryMax, 100 ms).
		c := objects.calls.Load()
		time.Sleep(250 * time.Millisecond) // polling interval
		return objects.calls.Load() == c
	})
	srv.createBucket(t, "later")
	e.putBatch(t, "old", "kept")
	var objs map[string][]byte
	waitFor(t, "the new record", func() bool { objs = srv.objects(t, "later"); return len(objs) > 0 })
	for k, b := range objs {
		if string(b) != "kept" {
			t.Errorf("%s holds %q, want only the record put after the retention period", k, b)
		}
	}
}

// TestFirehoseDeliveryDir: the default object store is a directory per bucket; a buffer is
// flushed when it reaches SizeInMBs, when its oldest record is IntervalInSeconds old, at
// once with IntervalInSeconds 0, and at Close.
func TestFirehoseDeliveryDir(t *testing.T) {
	clock := fhClock()
	e := newFirehoseEnv(t, fhOptions{Now: clock.Now})
	e.createDelivery(t, "size", fhS3("b", 1, 900))
	e.createDelivery(t, "zero", fhS3("z", 5, 0))
	chunk := strings.Repeat("x", 400<<10)
	e.putBatch(t, "size", chunk)
	e.putBatch(t, "size", chunk)
	e.putBatch(t, "size", chunk) // 1.2 MiB ≥ 1 MiB: due
	waitFor(t, "the size flush", func() bool { return len(dirObjects(t, e.Dir, "b")) == 1 })
	e.putBatch(t, "size", "late")
	e.putBatch(t, "zero", "now")
	waitFor(t, "the zero-buffering flush", func() bool { return len(dirObjects(t, e.Dir, "z")) == 1 })
	if n := len(dirObjects(t, e.Dir, "b")); n != 1 {
		t.Fatalf("%d objects before the interval, want 1", n)
	}
	clock.Advance(899 * time.Second)
	e.putBatch(t, "size", "later") // the interval counts from the oldest buffered record
	clock.Advance(time.Second)
	waitFor(t, "the interval flush", func() bool { return len(dirObjects(t, e.Dir, "b")) == 2 })
	e.putBatch(t, "size", "at-close")

	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	e.Svc.Close(ctx)
	got := map[string]string{}
	for k, b := range dirObjects(t, e.Dir, "b") {
		got[shape(k)] = string(b)
	}
	for k, b := range dirObjects(t, e.Dir, "z") {
		got["z:"+shape(k)] = string(b)
	}
	var contents []string
	for _, b := range dirObjects(t, e.Dir, "b") {
		contents = append(contents, string(b))
	}
	slices.Sort(contents)
	wantContents := []string{chunk + chunk + chunk, "at-close", "latelater"}
	slices.Sort(wantContents)
	if diff := cmp.Diff(wantContents, contents); diff != "" {
		t.Errorf("bucket b contents (-want +got):\n%s", diff)
	}
	keys := slices.Sorted(maps.Keys(got))
	wantKeys := []string{
		"2026/11/26/08/size-1-2026-11-26-08-30-15-<uuid>",
		"2026/11/26/08/size-1-2026-11-26-08-45-15-<uuid>",
		"z:2026/11/26/08/zero-1-2026-11-26-08-30-15-<uuid>",
	}
	if diff := cmp.Diff(wantKeys, keys); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
}

// failingStage fails every record whose data starts with "bad", as a Lambda that answers
// ProcessingFailed would.
type failingStage struct{ arn string }

func (f failingStage) Process(_ context.Context, b *ffirehose.Batch) error {
	keep := b.Records[:0]
	for _, r := range b.Records {
		if strings.HasPrefix(string(r.Data), "bad") {
			b.Failed = append(b.Failed, ffirehose.FailedRecord{Record: r, ErrorCode: "Lambda.FunctionError", ErrorMessage: "The Lambda function failed.", LambdaARN: f.arn})
			continue
		}
		keep = append(keep, r)
	}
	b.Records = keep
	return nil
}

// TestFirehoseErrorOutputPrefix: records processing gives up on are written as AWS's error
// documents under the ErrorOutputPrefix (processing-failed), or under
// <Prefix>processing-failed/ when there is none; the others are delivered.
func TestFirehoseErrorOutputPrefix(t *testing.T) {
	clock := fhClock()
	stages := map[string]ffirehose.StageFactory{
		"Lambda": func(_ ffirehose.StreamInfo, p ffirehose.Processor) (ffirehose.Stage, error) {
			return failingStage{arn: aws.ToString(p.Parameters[0].ParameterValue)}, nil
		},
	}
	e := newFirehoseEnv(t, fhOptions{Now: clock.Now, Stages: stages})
	lambda := &fhtypes.ProcessingConfiguration{Enabled: aws.Bool(true), Processors: []fhtypes.Processor{{
		Type:       fhtypes.ProcessorTypeLambda,
		Parameters: []fhtypes.ProcessorParameter{{ParameterName: fhtypes.ProcessorParameterNameLambdaArn, ParameterValue: aws.String("arn:aws:lambda:us-east-1:000000000000:function:f")}},
	}}}
	d := fhS3("b", 1, 60)
	d.Prefix = aws.String("ok/!{timestamp:yyyy}/")
	d.ErrorOutputPrefix = aws.String("errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM}/")
	d.ProcessingConfiguration = lambda
	e.createDelivery(t, "p", d)
	d2 := fhS3("b", 1, 60)
	d2.Prefix = aws.String("plain/")
	d2.ProcessingConfiguration = lambda
	e.createDelivery(t, "q", d2)

	ids := e.putBatch(t, "p", "good1,", "bad1", "good2")
	e.putBatch(t, "q", "bad2", "good3")
	clock.Advance(60 * time.Second)
	var objs map[string][]byte
	waitFor(t, "4 objects", func() bool { objs = dirObjects(t, e.Dir, "b"); return len(objs) == 4 })
	got := map[string]string{}
	for k, b := range objs {
		got[shape(k)] = string(b)
	}
	arrival := time.Date(2026, 11, 26, 8, 30, 15, 250e6, time.UTC).UnixMilli()
	doc := func(data string) string {
		b, _ := json.Marshal(map[string]any{
			"attemptsMade": 1, "arrivalTimestamp": arrival, "errorCode": "Lambda.FunctionError",
			"errorMessage": "The Lambda function failed.", "attemptEndingTimestamp": arrival + 60000,
			"rawData": base64.StdEncoding.EncodeToString([]byte(data)), "lambdaArn": "arn:aws:lambda:us-east-1:000000000000:function:f",
		})
		return string(b) + "\n"
	}
	want := map[string]string{
		"ok/2026/p-1-2026-11-26-08-30-15-<uuid>":                               "good1,good2",
		"errors/processing-failed/2026/11/p-1-2026-11-26-08-30-15-<uuid>":      doc("bad1"),
		"plain/2026/11/26/08/q-1-2026-11-26-08-30-15-<uuid>":                   "good3",
		"plain/processing-failed/2026/11/26/08/q-1-2026-11-26-08-30-15-<uuid>": doc("bad2"),
	}
	// The error documents' keys are AWS's order (attemptsMade first); compare as JSON.
	for k, v := range got {
		if strings.Contains(k, "processing-failed") {
			var m map[string]any
			if err := json.Unmarshal([]byte(v), &m); err != nil {
				t.Fatalf("%s: %v", k, err)
			}
			if !strings.HasPrefix(v, `{"attemptsMade":1,"arrivalTimestamp":`) {
				t.Errorf("%s: fields out of AWS's order: %s", k, v)
			}
			b, _ := json.Marshal(m)
			got[k] = string(b) + "\n"
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("objects (-want +got):\n%s", diff)
	}
	if len(ids) != 3 || ids[0] == ids[1] {
		t.Errorf("record ids %v", ids)
	}
}
