package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fhtypes "github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	ktypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/freshet/freshet/internal/bench"
	ffirehose "github.com/freshet/freshet/internal/firehose"
	"github.com/freshet/freshet/internal/httpout"
)

func (e *fhEnv) kinesisClient() *kinesis.Client {
	return kinesis.New(kinesis.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(e.URL), Retryer: aws.NopRetryer{},
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		HTTPClient:  &http.Client{Timeout: 60 * time.Second, Transport: bench.BufferedBody{Base: http.DefaultTransport}},
	})
}

// fhCreateKinesisStream creates a Kinesis stream and waits until it is ACTIVE.
func fhCreateKinesisStream(t *testing.T, kc *kinesis.Client, name string, shards int32) {
	t.Helper()
	if _, err := kc.CreateStream(t.Context(), &kinesis.CreateStreamInput{StreamName: aws.String(name), ShardCount: aws.Int32(shards)}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, name+" ACTIVE", func() bool {
		out, err := kc.DescribeStreamSummary(t.Context(), &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
		return err == nil && out.StreamDescriptionSummary.StreamStatus == ktypes.StreamStatusActive
	})
}

// fhKinesisPut puts records to a Kinesis stream, each at an explicit hash key.
func fhKinesisPut(t *testing.T, kc *kinesis.Client, stream string, recs map[string]string) {
	t.Helper()
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range recs {
			if !yield(k) {
				return
			}
		}
	})
	var entries []ktypes.PutRecordsRequestEntry
	for _, data := range names {
		entries = append(entries, ktypes.PutRecordsRequestEntry{Data: []byte(data), PartitionKey: aws.String("pk"), ExplicitHashKey: aws.String(recs[data])})
	}
	out, err := kc.PutRecords(t.Context(), &kinesis.PutRecordsInput{StreamName: aws.String(stream), Records: entries})
	if err != nil || aws.ToInt32(out.FailedRecordCount) != 0 {
		t.Fatalf("PutRecords: %v %+v", err, out)
	}
}

// deliveredLines reads every object of bucket b and returns its lines, object by object in
// key order, and how many objects there were.
func (e *fhEnv) deliveredLines(t *testing.T) ([]string, int) {
	t.Helper()
	objs := dirObjects(t, e.Dir, "b")
	keys := make([]string, 0, len(objs))
	for k := range objs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var lines []string
	for _, k := range keys {
		lines = append(lines, strings.Split(strings.TrimSuffix(string(objs[k]), "\n"), "\n")...)
	}
	return lines, len(objs)
}

const (
	lowHash  = "1"
	highHash = "170141183460469231731687303715884105729" // 2^127 + 1
)

// TestFirehoseKinesisSource: a KinesisStreamAsSource delivery stream delivers everything put
// to its Kinesis stream from TRIM_HORIZON, parents before children across a SplitShard,
// KPL aggregated records de-aggregated; direct puts are refused with AWS's text; after a
// restart of the service delivery resumes at the stored position (nothing delivered twice,
// nothing lost).
func TestFirehoseKinesisSource(t *testing.T) {
	e := newFirehoseEnv(t, fhOptions{})
	kc := e.kinesisClient()
	fhCreateKinesisStream(t, kc, "src", 1)
	parent := map[string]string{}
	for i := range 10 {
		parent[fmt.Sprintf("r%02d", i)] = []string{lowHash, highHash}[i%2]
	}
	fhKinesisPut(t, kc, "src", parent)
	if _, err := kc.SplitShard(t.Context(), &kinesis.SplitShardInput{StreamName: aws.String("src"), ShardToSplit: aws.String("shardId-000000000000"),
		NewStartingHashKey: aws.String("170141183460469231731687303715884105728")}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "src ACTIVE after split", func() bool {
		out, err := kc.DescribeStreamSummary(t.Context(), &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("src")})
		return err == nil && out.StreamDescriptionSummary.StreamStatus == ktypes.StreamStatusActive
	})
	children := map[string]string{}
	for i := 10; i < 20; i++ {
		children[fmt.Sprintf("r%02d", i)] = []string{lowHash, highHash}[i%2]
	}
	fhKinesisPut(t, kc, "src", children)

	arn := "arn:aws:kinesis:us-east-1:000000000000:stream/src"
	d := fhS3("b", 1, 0)
	d.ProcessingConfiguration = fhProcessing(fhProc(fhtypes.ProcessorTypeAppendDelimiterToRecord))
	_, err := e.Client.CreateDeliveryStream(t.Context(), &firehose.CreateDeliveryStreamInput{
		DeliveryStreamName: aws.String("fromk"), DeliveryStreamType: fhtypes.DeliveryStreamTypeKinesisStreamAsSource,
		KinesisStreamSourceConfiguration:   &fhtypes.KinesisStreamSourceConfiguration{KinesisStreamARN: aws.String(arn), RoleARN: aws.String("arn:aws:iam::000000000000:role/firehose")},
		ExtendedS3DestinationConfiguration: d,
	})
	if err != nil {
		t.Fatal(err)
	}
	e.waitActive(t, "fromk")

	// All twenty in one object: the parent's records, then each child's in shard order.
	var lines []string
	waitFor(t, "20 records", func() bool { lines, _ = e.deliveredLines(t); return len(lines) >= 20 })
	want := []string{"r00", "r01", "r02", "r03", "r04", "r05", "r06", "r07", "r08", "r09",
		"r10", "r12", "r14", "r16", "r18", "r11", "r13", "r15", "r17", "r19"}
	if _, n := e.deliveredLines(t); n != 1 || !cmp.Equal(want, lines) {
		t.Errorf("%d objects, lines %v; want one object %v", n, lines, want)
	}

	_, err = e.Client.PutRecord(t.Context(), &firehose.PutRecordInput{DeliveryStreamName: aws.String("fromk"), Record: &fhtypes.Record{Data: []byte("x")}})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidArgumentException" || ae.ErrorMessage() != "This operation is not permitted on KinesisStreamAsSource delivery stream type." {
		t.Errorf("PutRecord: %v", err)
	}
	_, err = e.Client.PutRecordBatch(t.Context(), &firehose.PutRecordBatchInput{DeliveryStreamName: aws.String("fromk"), Records: []fhtypes.Record{{Data: []byte("x")}}})
	if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidArgumentException" || ae.ErrorMessage() != "This operation is not permitted on KinesisStreamAsSource delivery stream type." {
		t.Errorf("PutRecordBatch: %v", err)
	}
	desc, err := e.Client.DescribeDeliveryStream(t.Context(), &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: aws.String("fromk")})
	if err != nil {
		t.Fatal(err)
	}
	if src := desc.DeliveryStreamDescription.Source; desc.DeliveryStreamDescription.DeliveryStreamType != fhtypes.DeliveryStreamTypeKinesisStreamAsSource ||
		src == nil || src.KinesisStreamSourceDescription == nil || aws.ToString(src.KinesisStreamSourceDescription.KinesisStreamARN) != arn ||
		src.KinesisStreamSourceDescription.DeliveryStartTimestamp == nil {
		t.Errorf("Describe: type %s, source %+v", desc.DeliveryStreamDescription.DeliveryStreamType, src)
	}

	// More records, one of them KPL aggregated, then a restart of the Firehose service.
	fhKinesisPut(t, kc, "src", map[string]string{"r20": lowHash, "r21": highHash, string(kplAggregate([]string{"a", "b"}, "kpl-1", "kpl-2")): lowHash})
	waitFor(t, "24 records", func() bool { lines, _ = e.deliveredLines(t); return len(lines) >= 24 })
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	e.Svc.Close(ctx)
	cancel()
	fhKinesisPut(t, kc, "src", map[string]string{"r22": lowHash, "r23": highHash})
	svc := ffirehose.New(ffirehose.Options{Store: e.Store, Objects: ffirehose.DirStore{Root: e.Dir}, Kinesis: e.Kinesis, HTTP: httpout.New(),
		Tick: 10 * time.Millisecond, RetryMin: 20 * time.Millisecond, RetryMax: 100 * time.Millisecond})
	if err := svc.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		svc.Close(ctx)
	})
	waitFor(t, "26 records", func() bool { lines, _ = e.deliveredLines(t); return len(lines) >= 26 })
	slices.Sort(lines)
	wantAll := append(slices.Clone(want), "kpl-1", "kpl-2", "r20", "r21", "r22", "r23")
	slices.Sort(wantAll)
	if diff := cmp.Diff(wantAll, lines); diff != "" {
		t.Errorf("delivered across the restart (-want +got):\n%s", diff)
	}

	// A stream that does not exist is refused.
	_, err = e.Client.CreateDeliveryStream(t.Context(), &firehose.CreateDeliveryStreamInput{
		DeliveryStreamName: aws.String("nok"), DeliveryStreamType: fhtypes.DeliveryStreamTypeKinesisStreamAsSource,
		KinesisStreamSourceConfiguration:   &fhtypes.KinesisStreamSourceConfiguration{KinesisStreamARN: aws.String(arn + "x"), RoleARN: aws.String("arn:aws:iam::000000000000:role/firehose")},
		ExtendedS3DestinationConfiguration: fhS3("b", 1, 0),
	})
	if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidArgumentException" || ae.ErrorMessage() != "Kinesis stream "+arn+"x does not exist." {
		t.Errorf("CreateDeliveryStream of a missing Kinesis stream: %v", err)
	}
}

// TestFirehoseKinesisSourceLambda: records read from a Kinesis stream reach a Lambda
// processor with sourceKinesisStreamArn and their kinesisRecordMetadata (shard, partition
// key, sequence number, subsequence number of a KPL user record).
func TestFirehoseKinesisSourceLambda(t *testing.T) {
	fn := startFakeLambda(t, func(w http.ResponseWriter, ev map[string]any) {
		var out []map[string]any
		for _, r := range ev["records"].([]any) {
			rec := r.(map[string]any)
			out = append(out, map[string]any{"recordId": rec["recordId"], "result": "Ok", "data": rec["data"]})
		}
		json.NewEncoder(w).Encode(map[string]any{"records": out})
	})
	e := newFirehoseEnv(t, fhOptions{LambdaEndpoints: map[string]string{"*": fn.URL}})
	kc := e.kinesisClient()
	fhCreateKinesisStream(t, kc, "src", 1)
	plain, err := kc.PutRecord(t.Context(), &kinesis.PutRecordInput{StreamName: aws.String("src"), PartitionKey: aws.String("pk-plain"), Data: []byte("plain")})
	if err != nil {
		t.Fatal(err)
	}
	agg, err := kc.PutRecord(t.Context(), &kinesis.PutRecordInput{StreamName: aws.String("src"), PartitionKey: aws.String("pk-outer"),
		Data: kplAggregate([]string{"user-a", "user-b"}, "u1", "u2")})
	if err != nil {
		t.Fatal(err)
	}
	arn := "arn:aws:kinesis:us-east-1:000000000000:stream/src"
	d := fhS3("b", 1, 0)
	d.ProcessingConfiguration = fhProcessing(fhProc(fhtypes.ProcessorTypeLambda, "LambdaArn", fnARN))
	_, err = e.Client.CreateDeliveryStream(t.Context(), &firehose.CreateDeliveryStreamInput{
		DeliveryStreamName: aws.String("kl"), DeliveryStreamType: fhtypes.DeliveryStreamTypeKinesisStreamAsSource,
		KinesisStreamSourceConfiguration:   &fhtypes.KinesisStreamSourceConfiguration{KinesisStreamARN: aws.String(arn), RoleARN: aws.String("arn:aws:iam::000000000000:role/firehose")},
		ExtendedS3DestinationConfiguration: d,
	})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "an invocation", func() bool { return len(fn.invocations()) > 0 })
	ev := fn.invocations()[0].Event
	if ev["sourceKinesisStreamArn"] != arn {
		t.Errorf("sourceKinesisStreamArn %v", ev["sourceKinesisStreamArn"])
	}
	var got []map[string]any
	for _, r := range ev["records"].([]any) {
		rec := r.(map[string]any)
		md := rec["kinesisRecordMetadata"].(map[string]any)
		if md["approximateArrivalTimestamp"] != rec["approximateArrivalTimestamp"] || md["approximateArrivalTimestamp"] == nil {
			t.Errorf("arrival %v, record's %v", md["approximateArrivalTimestamp"], rec["approximateArrivalTimestamp"])
		}
		delete(md, "approximateArrivalTimestamp")
		got = append(got, md)
	}
	meta := func(pk, seq string, sub int) map[string]any {
		return map[string]any{"shardId": "shardId-000000000000", "partitionKey": pk, "sequenceNumber": seq, "subsequenceNumber": float64(sub)}
	}
	want := []map[string]any{meta("pk-plain", *plain.SequenceNumber, 0), meta("user-a", *agg.SequenceNumber, 0), meta("user-b", *agg.SequenceNumber, 1)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("kinesisRecordMetadata (-want +got):\n%s", diff)
	}
}

// TestFirehoseKinesisSourceOldRecords: records older than Firehose's 24-hour DirectPut
// retention are still delivered from a Kinesis stream, which keeps them for its own
// retention.
func TestFirehoseKinesisSourceOldRecords(t *testing.T) {
	later := &fakeClock{t: time.Now().Add(48 * time.Hour)}
	e := newFirehoseEnv(t, fhOptions{Now: later.Now})
	kc := e.kinesisClient()
	fhCreateKinesisStream(t, kc, "old", 1)
	fhKinesisPut(t, kc, "old", map[string]string{"a": lowHash, "b": lowHash})
	_, err := e.Client.CreateDeliveryStream(t.Context(), &firehose.CreateDeliveryStreamInput{
		DeliveryStreamName: aws.String("o"), DeliveryStreamType: fhtypes.DeliveryStreamTypeKinesisStreamAsSource,
		KinesisStreamSourceConfiguration: &fhtypes.KinesisStreamSourceConfiguration{
			KinesisStreamARN: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/old"), RoleARN: aws.String("arn:aws:iam::000000000000:role/firehose")},
		ExtendedS3DestinationConfiguration: fhS3("b", 1, 0),
	})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	waitFor(t, "delivery", func() bool { lines, _ = e.deliveredLines(t); return len(lines) > 0 })
	if diff := cmp.Diff([]string{"ab"}, lines); diff != "" {
		t.Errorf("delivered (-want +got):\n%s", diff)
	}
}
