package conformance

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fhtypes "github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/google/go-cmp/cmp"
)

// TestFirehoseValidation: AWS's ValidationException texts for every operation, members in
// alphabetical order, at most 10 messages.
func TestFirehoseValidation(t *testing.T) {
	e := newFirehoseEnv(t, fhOptions{})
	c := e.client("AKIDEXAMPLE", "us-east-1", fhNoInputValidation)
	ctx := t.Context()
	long := strings.Repeat("a", 65)
	goldenErrors(t, "firehose_validation", []errCase{
		{"create no name", func() error {
			_, err := c.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{})
			return err
		}},
		{"create bad name, type, hints, compression, arns", func() error {
			_, err := c.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{
				DeliveryStreamName: aws.String("bad name!"),
				DeliveryStreamType: "Bogus",
				ExtendedS3DestinationConfiguration: &fhtypes.ExtendedS3DestinationConfiguration{
					BucketARN:         aws.String("bucket"),
					RoleARN:           aws.String("role"),
					BufferingHints:    &fhtypes.BufferingHints{SizeInMBs: aws.Int32(0), IntervalInSeconds: aws.Int32(901)},
					CompressionFormat: "LZ4",
					FileExtension:     aws.String("gz"),
					S3BackupMode:      "Sometimes",
				},
			})
			return err
		}},
		{"create long name, bad tags", func() error {
			_, err := c.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{
				DeliveryStreamName:                 aws.String(long),
				ExtendedS3DestinationConfiguration: fhS3("b", 1, 60),
				Tags:                               []fhtypes.Tag{{Key: aws.String("aws:x")}, {Key: aws.String(""), Value: aws.String("v")}},
			})
			return err
		}},
		{"create S3 destination missing members", func() error {
			_, err := c.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{
				DeliveryStreamName: aws.String("x"),
				//lint:ignore SA1019 AWS still accepts the deprecated S3 destination; this tests it
				S3DestinationConfiguration: &fhtypes.S3DestinationConfiguration{},
			})
			return err
		}},
		{"create processor bad type", func() error {
			d := fhS3("b", 1, 60)
			d.ProcessingConfiguration = &fhtypes.ProcessingConfiguration{Enabled: aws.Bool(true), Processors: []fhtypes.Processor{
				{Type: "NotLambda", Parameters: []fhtypes.ProcessorParameter{{ParameterName: "Nope", ParameterValue: aws.String(" ")}}},
			}}
			_, err := c.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("x"), ExtendedS3DestinationConfiguration: d})
			return err
		}},
		{"delete no name", func() error {
			_, err := c.DeleteDeliveryStream(ctx, &firehose.DeleteDeliveryStreamInput{})
			return err
		}},
		{"describe bad limit and start id", func() error {
			_, err := c.DescribeDeliveryStream(ctx, &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: aws.String("x"),
				Limit: aws.Int32(0), ExclusiveStartDestinationId: aws.String("a b")})
			return err
		}},
		{"list bad limit, type, start", func() error {
			_, err := c.ListDeliveryStreams(ctx, &firehose.ListDeliveryStreamsInput{Limit: aws.Int32(10001), DeliveryStreamType: "Nope",
				ExclusiveStartDeliveryStreamName: aws.String("")})
			return err
		}},
		{"put record no record", func() error {
			_, err := c.PutRecord(ctx, &firehose.PutRecordInput{DeliveryStreamName: aws.String("x")})
			return err
		}},
		{"put record too large", func() error {
			_, err := c.PutRecord(ctx, &firehose.PutRecordInput{DeliveryStreamName: aws.String("x"), Record: &fhtypes.Record{Data: make([]byte, 1024001)}})
			return err
		}},
		{"put record batch empty", func() error {
			_, err := c.PutRecordBatch(ctx, &firehose.PutRecordBatchInput{DeliveryStreamName: aws.String("x"), Records: []fhtypes.Record{}})
			return err
		}},
		{"put record batch 501", func() error {
			_, err := c.PutRecordBatch(ctx, &firehose.PutRecordBatchInput{DeliveryStreamName: aws.String("x"), Records: make([]fhtypes.Record, 501)})
			return err
		}},
		{"put record batch record too large", func() error {
			_, err := c.PutRecordBatch(ctx, &firehose.PutRecordBatchInput{DeliveryStreamName: aws.String("x"),
				Records: []fhtypes.Record{{Data: []byte("ok")}, {Data: make([]byte, 1024001)}}})
			return err
		}},
		{"update missing members", func() error {
			_, err := c.UpdateDestination(ctx, &firehose.UpdateDestinationInput{})
			return err
		}},
		{"update bad version and destination id", func() error {
			_, err := c.UpdateDestination(ctx, &firehose.UpdateDestinationInput{DeliveryStreamName: aws.String("x"),
				CurrentDeliveryStreamVersionId: aws.String("v1"), DestinationId: aws.String("dest_1"),
				ExtendedS3DestinationUpdate: &fhtypes.ExtendedS3DestinationUpdate{BufferingHints: &fhtypes.BufferingHints{SizeInMBs: aws.Int32(129)}}})
			return err
		}},
		{"tag no tags", func() error {
			_, err := c.TagDeliveryStream(ctx, &firehose.TagDeliveryStreamInput{DeliveryStreamName: aws.String("x")})
			return err
		}},
		{"tag 51 tags", func() error {
			tags := make([]fhtypes.Tag, 51)
			for i := range tags {
				tags[i] = fhtypes.Tag{Key: aws.String("k"), Value: aws.String("v")}
			}
			_, err := c.TagDeliveryStream(ctx, &firehose.TagDeliveryStreamInput{DeliveryStreamName: aws.String("x"), Tags: tags})
			return err
		}},
		{"untag bad keys", func() error {
			_, err := c.UntagDeliveryStream(ctx, &firehose.UntagDeliveryStreamInput{DeliveryStreamName: aws.String("x"), TagKeys: []string{"aws:k", ""}})
			return err
		}},
		{"list tags bad limit", func() error {
			_, err := c.ListTagsForDeliveryStream(ctx, &firehose.ListTagsForDeliveryStreamInput{DeliveryStreamName: aws.String("x"), Limit: aws.Int32(51)})
			return err
		}},
		{"start encryption bad key", func() error {
			_, err := c.StartDeliveryStreamEncryption(ctx, &firehose.StartDeliveryStreamEncryptionInput{DeliveryStreamName: aws.String("x"),
				DeliveryStreamEncryptionConfigurationInput: &fhtypes.DeliveryStreamEncryptionConfigurationInput{KeyType: "MINE", KeyARN: aws.String("key")}})
			return err
		}},
		{"stop encryption no name", func() error {
			_, err := c.StopDeliveryStreamEncryption(ctx, &firehose.StopDeliveryStreamEncryptionInput{})
			return err
		}},
	})
}

// TestFirehoseErrors: not found, in use, prefix rules, unsupported destinations.
func TestFirehoseErrors(t *testing.T) {
	e := newFirehoseEnv(t, fhOptions{})
	ctx := t.Context()
	c := e.Client
	e.createDelivery(t, "taken", fhS3("b", 1, 60))
	withPrefix := func(prefix, errorPrefix string) *fhtypes.ExtendedS3DestinationConfiguration {
		d := fhS3("b", 1, 60)
		if prefix != "" {
			d.Prefix = aws.String(prefix)
		}
		if errorPrefix != "" {
			d.ErrorOutputPrefix = aws.String(errorPrefix)
		}
		return d
	}
	create := func(d *fhtypes.ExtendedS3DestinationConfiguration) func() error {
		return func() error {
			_, err := c.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("new"), ExtendedS3DestinationConfiguration: d})
			return err
		}
	}
	goldenErrors(t, "firehose_errors", []errCase{
		{"describe missing", func() error {
			_, err := c.DescribeDeliveryStream(ctx, &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: aws.String("nope")})
			return err
		}},
		{"delete missing", func() error {
			_, err := c.DeleteDeliveryStream(ctx, &firehose.DeleteDeliveryStreamInput{DeliveryStreamName: aws.String("nope")})
			return err
		}},
		{"put missing", func() error {
			_, err := c.PutRecord(ctx, &firehose.PutRecordInput{DeliveryStreamName: aws.String("nope"), Record: &fhtypes.Record{Data: []byte("x")}})
			return err
		}},
		{"put batch missing", func() error {
			_, err := c.PutRecordBatch(ctx, &firehose.PutRecordBatchInput{DeliveryStreamName: aws.String("nope"), Records: []fhtypes.Record{{Data: []byte("x")}}})
			return err
		}},
		{"put batch over 4 MiB", func() error {
			recs := make([]fhtypes.Record, 5)
			for i := range recs {
				recs[i].Data = make([]byte, 1000*1024)
			}
			_, err := c.PutRecordBatch(ctx, &firehose.PutRecordBatchInput{DeliveryStreamName: aws.String("taken"), Records: recs})
			return err
		}},
		{"tag missing", func() error {
			_, err := c.TagDeliveryStream(ctx, &firehose.TagDeliveryStreamInput{DeliveryStreamName: aws.String("nope"), Tags: []fhtypes.Tag{{Key: aws.String("k")}}})
			return err
		}},
		{"create new works", create(fhS3("b", 1, 60))},
		{"create taken name", func() error {
			_, err := c.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("taken"), ExtendedS3DestinationConfiguration: fhS3("b", 1, 60)})
			return err
		}},
		{"create no destination", func() error {
			_, err := c.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("new")})
			return err
		}},
		{"create two destinations", func() error {
			_, err := c.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("new"),
				ExtendedS3DestinationConfiguration: fhS3("b", 1, 60),
				//lint:ignore SA1019 AWS still accepts the deprecated S3 destination; this tests it
				S3DestinationConfiguration: &fhtypes.S3DestinationConfiguration{BucketARN: aws.String("arn:aws:s3:::b"), RoleARN: aws.String("arn:aws:iam::000000000000:role/r")}})
			return err
		}},
		{"create opensearch", func() error {
			_, err := c.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("new"),
				AmazonopensearchserviceDestinationConfiguration: &fhtypes.AmazonopensearchserviceDestinationConfiguration{
					IndexName:       aws.String("i"),
					RoleARN:         aws.String("arn:aws:iam::000000000000:role/r"),
					S3Configuration: &fhtypes.S3DestinationConfiguration{BucketARN: aws.String("arn:aws:s3:::b"), RoleARN: aws.String("arn:aws:iam::000000000000:role/r")},
				}})
			return err
		}},
		{"prefix expressions without error prefix", create(withPrefix("logs/!{timestamp:yyyy}/", ""))},
		{"error prefix expressions without error-output-type", create(withPrefix("logs/!{timestamp:yyyy}/", "err/!{timestamp:yyyy}/"))},
		{"prefix with error-output-type", create(withPrefix("!{firehose:error-output-type}/", "e/!{firehose:error-output-type}"))},
		{"prefix unknown namespace", create(withPrefix("!{foo:bar}/", "e/!{firehose:error-output-type}"))},
		{"prefix unterminated", create(withPrefix("logs/!{timestamp:yyyy/", "e/"))},
		{"prefix bad timestamp letter", create(withPrefix("!{timestamp:yyyy-QQ}/", "e/!{firehose:error-output-type}"))},
		{"prefix partition key without dynamic partitioning", create(withPrefix("!{partitionKeyFromQuery:id}/", "e/!{firehose:error-output-type}"))},
		{"unsupported processor", func() error {
			d := fhS3("b", 1, 60)
			d.ProcessingConfiguration = &fhtypes.ProcessingConfiguration{Enabled: aws.Bool(true), Processors: []fhtypes.Processor{{Type: fhtypes.ProcessorTypeDecompression}}}
			return create(d)()
		}},
		{"bad time zone", func() error {
			d := fhS3("b", 1, 60)
			d.CustomTimeZone = aws.String("Mars/Olympus")
			return create(d)()
		}},
		{"backup enabled without configuration", func() error {
			d := fhS3("b", 1, 60)
			d.S3BackupMode = fhtypes.S3BackupModeEnabled
			return create(d)()
		}},
		{"customer key without arn", func() error {
			_, err := c.StartDeliveryStreamEncryption(ctx, &firehose.StartDeliveryStreamEncryptionInput{DeliveryStreamName: aws.String("taken"),
				DeliveryStreamEncryptionConfigurationInput: &fhtypes.DeliveryStreamEncryptionConfigurationInput{KeyType: fhtypes.KeyTypeCustomerManagedCmk}})
			return err
		}},
	})
}

// TestFirehoseLifecycle: CREATING → ACTIVE on the clock, the description with AWS's
// defaults, listing with paging and type filter, deletion.
func TestFirehoseLifecycle(t *testing.T) {
	clock := newFakeClock()
	e := newFirehoseEnv(t, fhOptions{StateDelay: 10 * time.Second, Now: clock.Now})
	ctx := t.Context()
	c := e.Client
	out, err := c.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{
		DeliveryStreamName: aws.String("s1"),
		//lint:ignore SA1019 AWS still accepts the deprecated S3 destination; this tests it
		S3DestinationConfiguration: &fhtypes.S3DestinationConfiguration{
			BucketARN: aws.String("arn:aws:s3:::bucket"), RoleARN: aws.String("arn:aws:iam::000000000000:role/r"),
		},
		DirectPutSourceConfiguration: &fhtypes.DirectPutSourceConfiguration{ThroughputHintInMBs: aws.Int32(5)},
		Tags:                         []fhtypes.Tag{{Key: aws.String("team"), Value: aws.String("data")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := aws.ToString(out.DeliveryStreamARN), "arn:aws:firehose:us-east-1:000000000000:deliverystream/s1"; got != want {
		t.Errorf("ARN = %s, want %s", got, want)
	}
	d, err := c.DescribeDeliveryStream(ctx, &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: aws.String("s1")})
	if err != nil {
		t.Fatal(err)
	}
	if st := d.DeliveryStreamDescription.DeliveryStreamStatus; st != fhtypes.DeliveryStreamStatusCreating {
		t.Errorf("status = %s, want CREATING", st)
	}
	_, err = c.PutRecord(ctx, &firehose.PutRecordInput{DeliveryStreamName: aws.String("s1"), Record: &fhtypes.Record{Data: []byte("x")}})
	wantError(t, err, "ResourceNotFoundException", "Firehose s1 under account 000000000000 not found.")
	_, err = c.DeleteDeliveryStream(ctx, &firehose.DeleteDeliveryStreamInput{DeliveryStreamName: aws.String("s1")})
	wantError(t, err, "ResourceInUseException", "Firehose s1 under account 000000000000 is in CREATING state and cannot be deleted.")
	clock.Advance(10 * time.Second)
	d, err = c.DescribeDeliveryStream(ctx, &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: aws.String("s1")})
	if err != nil {
		t.Fatal(err)
	}
	ds := d.DeliveryStreamDescription
	if ds.DeliveryStreamStatus != fhtypes.DeliveryStreamStatusActive || aws.ToString(ds.VersionId) != "1" || ds.DeliveryStreamType != fhtypes.DeliveryStreamTypeDirectPut ||
		aws.ToBool(ds.HasMoreDestinations) || ds.DeliveryStreamEncryptionConfiguration.Status != fhtypes.DeliveryStreamEncryptionStatusDisabled ||
		!ds.CreateTimestamp.Equal(clock.Now().Add(-10*time.Second)) || aws.ToInt32(ds.Source.DirectPutSourceDescription.ThroughputHintInMBs) != 5 {
		t.Errorf("description = %+v", ds)
	}
	if len(ds.Destinations) != 1 {
		t.Fatalf("destinations = %+v", ds.Destinations)
	}
	dest := ds.Destinations[0]
	x := dest.ExtendedS3DestinationDescription
	if aws.ToString(dest.DestinationId) != "destinationId-000000000001" || x == nil || dest.S3DestinationDescription == nil ||
		aws.ToInt32(x.BufferingHints.SizeInMBs) != 5 || aws.ToInt32(x.BufferingHints.IntervalInSeconds) != 300 ||
		x.CompressionFormat != fhtypes.CompressionFormatUncompressed || x.EncryptionConfiguration.NoEncryptionConfig != fhtypes.NoEncryptionConfigNoEncryption ||
		x.S3BackupMode != fhtypes.S3BackupModeDisabled || aws.ToString(x.BucketARN) != "arn:aws:s3:::bucket" ||
		aws.ToString(dest.S3DestinationDescription.BucketARN) != "arn:aws:s3:::bucket" {
		t.Errorf("destination = %+v / %+v", x, dest.S3DestinationDescription)
	}
	d, err = c.DescribeDeliveryStream(ctx, &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: aws.String("s1"), ExclusiveStartDestinationId: aws.String("destinationId-000000000001")})
	if err != nil || len(d.DeliveryStreamDescription.Destinations) != 0 {
		t.Errorf("after the only destination: %v, %+v", err, d)
	}

	for _, n := range []string{"c", "a", "b"} {
		if _, err := c.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String(n), ExtendedS3DestinationConfiguration: fhS3("b", 1, 60)}); err != nil {
			t.Fatal(err)
		}
	}
	clock.Advance(10 * time.Second)
	type page struct {
		Names []string
		More  bool
	}
	list := func(in *firehose.ListDeliveryStreamsInput) page {
		t.Helper()
		out, err := c.ListDeliveryStreams(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return page{out.DeliveryStreamNames, aws.ToBool(out.HasMoreDeliveryStreams)}
	}
	got := []page{
		list(&firehose.ListDeliveryStreamsInput{}),
		list(&firehose.ListDeliveryStreamsInput{Limit: aws.Int32(2)}),
		list(&firehose.ListDeliveryStreamsInput{Limit: aws.Int32(2), ExclusiveStartDeliveryStreamName: aws.String("b")}),
		list(&firehose.ListDeliveryStreamsInput{DeliveryStreamType: fhtypes.DeliveryStreamTypeKinesisStreamAsSource}),
	}
	want := []page{{[]string{"a", "b", "c", "s1"}, false}, {[]string{"a", "b"}, true}, {[]string{"c", "s1"}, false}, {[]string{}, false}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ListDeliveryStreams (-want +got):\n%s", diff)
	}
	// Another account sees none of them.
	other, err := e.client("111122223333", "us-east-1").ListDeliveryStreams(ctx, &firehose.ListDeliveryStreamsInput{})
	if err != nil || len(other.DeliveryStreamNames) != 0 {
		t.Errorf("other account: %v %v", other.DeliveryStreamNames, err)
	}

	if _, err := c.DeleteDeliveryStream(ctx, &firehose.DeleteDeliveryStreamInput{DeliveryStreamName: aws.String("a")}); err != nil {
		t.Fatal(err)
	}
	d, err = c.DescribeDeliveryStream(ctx, &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: aws.String("a")})
	if err != nil || d.DeliveryStreamDescription.DeliveryStreamStatus != fhtypes.DeliveryStreamStatusDeleting {
		t.Fatalf("after delete: %v %+v", err, d)
	}
	clock.Advance(10 * time.Second)
	_, err = c.DescribeDeliveryStream(ctx, &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: aws.String("a")})
	wantError(t, err, "ResourceNotFoundException", "Firehose a under account 000000000000 not found.")
	// The name can be used again.
	if _, err := c.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("a"), ExtendedS3DestinationConfiguration: fhS3("b", 1, 60)}); err != nil {
		t.Fatal(err)
	}
}

// TestFirehoseUpdateDestination: version checks, merging, version increments.
func TestFirehoseUpdateDestination(t *testing.T) {
	e := newFirehoseEnv(t, fhOptions{})
	ctx := t.Context()
	c := e.Client
	d := fhS3("b", 1, 60)
	d.Prefix = aws.String("in/")
	d.CompressionFormat = fhtypes.CompressionFormatGzip
	e.createDelivery(t, "u", d)
	upd := func(version string, u *fhtypes.ExtendedS3DestinationUpdate) error {
		_, err := c.UpdateDestination(ctx, &firehose.UpdateDestinationInput{DeliveryStreamName: aws.String("u"),
			CurrentDeliveryStreamVersionId: aws.String(version), DestinationId: aws.String("destinationId-000000000001"), ExtendedS3DestinationUpdate: u})
		return err
	}
	if err := upd("1", &fhtypes.ExtendedS3DestinationUpdate{BufferingHints: &fhtypes.BufferingHints{SizeInMBs: aws.Int32(7)}}); err != nil {
		t.Fatal(err)
	}
	err := upd("1", &fhtypes.ExtendedS3DestinationUpdate{Prefix: aws.String("x/")})
	wantError(t, err, "ConcurrentModificationException", "Cannot update firehose: u since the current version id: 2 and specified version id: 1 do not match")
	_, err = c.UpdateDestination(ctx, &firehose.UpdateDestinationInput{DeliveryStreamName: aws.String("u"),
		CurrentDeliveryStreamVersionId: aws.String("2"), DestinationId: aws.String("destinationId-000000000002"),
		ExtendedS3DestinationUpdate: &fhtypes.ExtendedS3DestinationUpdate{Prefix: aws.String("x/")}})
	wantError(t, err, "InvalidArgumentException", "Destination Id destinationId-000000000002 not found for Firehose u under account 000000000000.")
	err = upd("2", &fhtypes.ExtendedS3DestinationUpdate{Prefix: aws.String("!{timestamp:yyyy}/")})
	wantError(t, err, "InvalidArgumentException", "Ths supplied prefix(es) do not satisfy the following constraint: ErrorOutputPrefix cannot be null or empty when Prefix contains expressions")
	if _, err := c.UpdateDestination(ctx, &firehose.UpdateDestinationInput{DeliveryStreamName: aws.String("u"),
		CurrentDeliveryStreamVersionId: aws.String("2"), DestinationId: aws.String("destinationId-000000000001"),
		//lint:ignore SA1019 AWS still accepts the deprecated S3 destination; this tests it
		S3DestinationUpdate: &fhtypes.S3DestinationUpdate{CompressionFormat: fhtypes.CompressionFormatSnappy}}); err != nil {
		t.Fatal(err)
	}
	out, err := c.DescribeDeliveryStream(ctx, &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: aws.String("u")})
	if err != nil {
		t.Fatal(err)
	}
	ds := out.DeliveryStreamDescription
	x := ds.Destinations[0].ExtendedS3DestinationDescription
	got := []any{aws.ToString(ds.VersionId), aws.ToString(x.Prefix), x.CompressionFormat, aws.ToInt32(x.BufferingHints.SizeInMBs), aws.ToInt32(x.BufferingHints.IntervalInSeconds), ds.LastUpdateTimestamp != nil}
	want := []any{"3", "in/", fhtypes.CompressionFormatSnappy, int32(7), int32(60), true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("after updates (-want +got):\n%s", diff)
	}
}

// TestFirehoseTagsAndEncryption: tags in order with paging, the 50-tag limit, untagging;
// encryption on and off as PutRecord's Encrypted shows it.
func TestFirehoseTagsAndEncryption(t *testing.T) {
	e := newFirehoseEnv(t, fhOptions{})
	ctx := t.Context()
	c := e.Client
	e.createDelivery(t, "t", fhS3("b", 1, 60))
	tag := func(kv ...string) error {
		var tags []fhtypes.Tag
		for i := 0; i < len(kv); i += 2 {
			tags = append(tags, fhtypes.Tag{Key: aws.String(kv[i]), Value: aws.String(kv[i+1])})
		}
		_, err := c.TagDeliveryStream(ctx, &firehose.TagDeliveryStreamInput{DeliveryStreamName: aws.String("t"), Tags: tags})
		return err
	}
	if err := tag("b", "1", "a", "2", "c", "3"); err != nil {
		t.Fatal(err)
	}
	if err := tag("a", "4"); err != nil {
		t.Fatal(err)
	}
	listTags := func(start *string, limit *int32) (string, bool) {
		out, err := c.ListTagsForDeliveryStream(ctx, &firehose.ListTagsForDeliveryStreamInput{DeliveryStreamName: aws.String("t"), ExclusiveStartTagKey: start, Limit: limit})
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, t := range out.Tags {
			s = append(s, aws.ToString(t.Key)+"="+aws.ToString(t.Value))
		}
		return strings.Join(s, ","), aws.ToBool(out.HasMoreTags)
	}
	type res struct {
		Tags string
		More bool
	}
	r := func(s string, m bool) res { return res{s, m} }
	got := []res{r(listTags(nil, nil)), r(listTags(nil, aws.Int32(2))), r(listTags(aws.String("a"), aws.Int32(1)))}
	want := []res{{"b=1,a=4,c=3", false}, {"b=1,a=4", true}, {"c=3", false}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	var many []string
	for i := range 47 {
		many = append(many, "k"+strings.Repeat("x", i), "v")
	}
	if err := tag(many...); err != nil {
		t.Fatalf("50 tags: %v", err)
	}
	wantError(t, tag("one", "more"), "LimitExceededException", "Firehose t under account 000000000000 cannot have more than 50 tags.")
	if _, err := c.UntagDeliveryStream(ctx, &firehose.UntagDeliveryStreamInput{DeliveryStreamName: aws.String("t"), TagKeys: append([]string{"a", "never"}, many[0])}); err != nil {
		t.Fatal(err)
	}
	if s, _ := listTags(nil, aws.Int32(3)); s != "b=1,c=3,kx=v" {
		t.Errorf("after untag: %s", s)
	}

	put := func() bool {
		out, err := c.PutRecord(ctx, &firehose.PutRecordInput{DeliveryStreamName: aws.String("t"), Record: &fhtypes.Record{Data: []byte("x")}})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToBool(out.Encrypted)
	}
	enc := func() fhtypes.DeliveryStreamEncryptionConfiguration {
		out, err := c.DescribeDeliveryStream(ctx, &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: aws.String("t")})
		if err != nil {
			t.Fatal(err)
		}
		return *out.DeliveryStreamDescription.DeliveryStreamEncryptionConfiguration
	}
	if put() {
		t.Error("Encrypted before StartDeliveryStreamEncryption")
	}
	if _, err := c.StartDeliveryStreamEncryption(ctx, &firehose.StartDeliveryStreamEncryptionInput{DeliveryStreamName: aws.String("t"),
		DeliveryStreamEncryptionConfigurationInput: &fhtypes.DeliveryStreamEncryptionConfigurationInput{KeyType: fhtypes.KeyTypeCustomerManagedCmk,
			KeyARN: aws.String("arn:aws:kms:us-east-1:000000000000:key/k1")}}); err != nil {
		t.Fatal(err)
	}
	if !put() {
		t.Error("not Encrypted after StartDeliveryStreamEncryption")
	}
	if got := enc(); got.Status != fhtypes.DeliveryStreamEncryptionStatusEnabled || got.KeyType != fhtypes.KeyTypeCustomerManagedCmk || aws.ToString(got.KeyARN) != "arn:aws:kms:us-east-1:000000000000:key/k1" {
		t.Errorf("encryption = %+v", got)
	}
	if _, err := c.StopDeliveryStreamEncryption(ctx, &firehose.StopDeliveryStreamEncryptionInput{DeliveryStreamName: aws.String("t")}); err != nil {
		t.Fatal(err)
	}
	if put() || enc().Status != fhtypes.DeliveryStreamEncryptionStatusDisabled {
		t.Error("still encrypted after StopDeliveryStreamEncryption")
	}
}
