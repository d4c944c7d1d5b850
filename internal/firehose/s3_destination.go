package firehose

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// s3Destination writes buffers as objects: processed records to the destination bucket
// (one object per set of partition keys), the source records to the backup bucket when
// S3BackupMode is Enabled, and failed records under the ErrorOutputPrefix.
type s3Destination struct {
	objects ObjectStore
	cfg     *ExtendedS3DestinationConfiguration
	now     func() time.Time
	dynamic bool
}

func dynamicPartitioning(c *ExtendedS3DestinationConfiguration) bool {
	d := c.DynamicPartitioningConfiguration
	return d != nil && d.Enabled != nil && *d.Enabled
}

func bucketOf(arn *string) string {
	_, b, _ := strings.Cut(deref0(arn), ":::")
	return b
}

func (d *s3Destination) Deliver(ctx context.Context, b *Batch) error {
	if d.objects == nil {
		return errNoObjectStore
	}
	loc := time.UTC
	if z := deref0(d.cfg.CustomTimeZone); z != "" {
		if l, err := time.LoadLocation(z); err == nil {
			loc = l
		}
	}
	if deref0(d.cfg.S3BackupMode) == backupEnabled && d.cfg.S3BackupConfiguration != nil && len(b.Source) > 0 {
		bc := d.cfg.S3BackupConfiguration
		p, err := parsePrefix(deref0(bc.Prefix))
		if err != nil {
			return fmt.Errorf("backup prefix: %w", err)
		}
		if err := d.put(ctx, b.Stream, bucketOf(bc.BucketARN), p.withDefaultTime(), deref0(bc.CompressionFormat), "", keyContext{time: oldest(b.Source).In(loc)}, joinData(b.Source)); err != nil {
			return err
		}
	}
	main, err := parsePrefix(deref0(d.cfg.Prefix))
	if err != nil {
		return fmt.Errorf("prefix: %w", err)
	}
	if !d.dynamic {
		main = main.withDefaultTime()
	}
	failed := b.Failed
	for _, g := range groupByKeys(b.Records) {
		kc := keyContext{time: oldest(g).In(loc), keys: g[0].Keys}
		err := d.put(ctx, b.Stream, bucketOf(d.cfg.BucketARN), main, deref0(d.cfg.CompressionFormat), deref0(d.cfg.FileExtension), kc, joinData(g))
		if ee, ok := err.(*evalError); ok {
			for _, r := range g {
				failed = append(failed, FailedRecord{Record: r, ErrorCode: "DynamicPartitioning.MetadataExtractionFailed", ErrorMessage: ee.Error()})
			}
			continue
		}
		if err != nil {
			return err
		}
	}
	if len(failed) > 0 {
		return d.putFailed(ctx, b, ErrProcessingFailed, failed, loc)
	}
	return nil
}

// putFailed writes failed records as AWS's error documents, one JSON object per line,
// under the ErrorOutputPrefix (or <Prefix><error-output-type>/ when there is none).
func (d *s3Destination) putFailed(ctx context.Context, b *Batch, errType string, failed []FailedRecord, loc *time.Location) error {
	var p prefix
	if e := deref0(d.cfg.ErrorOutputPrefix); e != "" {
		var err error
		if p, err = parsePrefix(e); err != nil {
			return fmt.Errorf("error output prefix: %w", err)
		}
	} else {
		p = prefix{{value: deref0(d.cfg.Prefix)}, {ns: nsFirehose, value: errorOutputType}, {value: "/"}}
	}
	var body []byte
	ending := d.now().UnixMilli()
	recs := make([]DeliveryRecord, len(failed))
	for i, f := range failed {
		recs[i] = f.Record
		doc := errorDoc{
			AttemptsMade:           max(f.Attempts, 1),
			ArrivalTimestamp:       f.Record.Arrival.UnixMilli(),
			ErrorCode:              f.ErrorCode,
			ErrorMessage:           f.ErrorMessage,
			AttemptEndingTimestamp: ending,
			RawData:                base64.StdEncoding.EncodeToString(f.Record.Data),
			LambdaARN:              f.LambdaARN,
		}
		line, err := json.Marshal(doc)
		if err != nil {
			return err
		}
		body = append(append(body, line...), '\n')
	}
	kc := keyContext{time: oldest(recs).In(loc), errorType: errType}
	return d.put(ctx, b.Stream, bucketOf(d.cfg.BucketARN), p.withDefaultTime(), deref0(d.cfg.CompressionFormat), deref0(d.cfg.FileExtension), kc, body)
}

// errorDoc is the JSON document AWS writes per failed record.
type errorDoc struct {
	AttemptsMade           int    `json:"attemptsMade"`
	ArrivalTimestamp       int64  `json:"arrivalTimestamp"`
	ErrorCode              string `json:"errorCode"`
	ErrorMessage           string `json:"errorMessage"`
	AttemptEndingTimestamp int64  `json:"attemptEndingTimestamp"`
	RawData                string `json:"rawData"`
	LambdaARN              string `json:"lambdaArn,omitempty"`
}

// maxPrefix is the longest evaluated prefix AWS writes.
const maxPrefix = 512

// evalError is a prefix that cannot be evaluated for a group of records.
type evalError struct{ err error }

func (e *evalError) Error() string { return e.err.Error() }

// put writes one object: <evaluated prefix><stream>-<version>-<time>-<uuid><extension>.
func (d *s3Destination) put(ctx context.Context, st StreamInfo, bucket string, p prefix, format, fileExt string, kc keyContext, data []byte) error {
	pre, err := p.eval(kc)
	if err != nil {
		return &evalError{err}
	}
	if utf8.RuneCountInString(pre) > maxPrefix {
		return &evalError{fmt.Errorf("the evaluated prefix %.40q… is longer than %d characters", pre, maxPrefix)}
	}
	name := objectName(st.Name, st.Version, kc.time)
	body, err := compress(format, name, data)
	if err != nil {
		return fmt.Errorf("compress %s: %w", name, err)
	}
	ext := extension(format)
	if fileExt != "" {
		ext = fileExt
	}
	return d.objects.PutObject(ctx, bucket, pre+name+ext, body)
}

func oldest(recs []DeliveryRecord) time.Time {
	var t time.Time
	for i, r := range recs {
		if i == 0 || r.Arrival.Before(t) {
			t = r.Arrival
		}
	}
	return t
}

func joinData(recs []DeliveryRecord) []byte {
	n := 0
	for _, r := range recs {
		n += len(r.Data)
	}
	b := make([]byte, 0, n)
	for _, r := range recs {
		b = append(b, r.Data...)
	}
	return b
}

// groupByKeys splits records by their partition keys, in order of first appearance.
func groupByKeys(recs []DeliveryRecord) [][]DeliveryRecord {
	if len(recs) == 0 {
		return nil
	}
	index := map[string]int{}
	var out [][]DeliveryRecord
	for _, r := range recs {
		k := keysID(r.Keys)
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], r)
	}
	return out
}

func keysID(keys map[string]string) string {
	if len(keys) == 0 {
		return ""
	}
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	slices.Sort(names)
	var b strings.Builder
	for _, k := range names {
		b.WriteString(k)
		b.WriteByte(0)
		b.WriteString(keys[k])
		b.WriteByte(0)
	}
	return b.String()
}
