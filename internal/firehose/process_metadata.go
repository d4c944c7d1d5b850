package firehose

// MetadataExtraction
//
// Behavior:
//   - Dynamic partitioning with inline parsing: MetadataExtractionQuery is a jq expression
//     (JsonParsingEngine JQ-1.6, the only engine AWS offers) run against each record parsed
//     as JSON; it must produce one object whose members become the record's
//     !{partitionKeyFromQuery:<name>} values. Records with different values go to different
//     objects (s3_destination.go groups them).
//   - At most 50 keys. A string value is used as it is; numbers and booleans as JSON
//     prints them.
//   - A record that is not JSON ("Non JSON record provided"), a query that fails or does
//     not give an object, or a key whose value is null, empty or not a scalar ("partitionKeys
//     values must not be null or empty") goes to the error output as processing-failed with
//     errorCode DynamicPartitioning.MetadataExtractionFailed, as AWS writes it.
//   - A query that does not compile is InvalidArgumentException at CreateDeliveryStream.
//
// Differences from AWS:
//   - jq is gojq, not jq 1.6: the differences its README lists apply (object keys sorted,
//     some time formats).
//   - A query that runs longer than 1 s on a record fails that record ("The
//     MetadataExtractionQuery did not finish within 1s."); AWS's bound is not documented.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/itchyny/gojq"

	"github.com/freshet/freshet/internal/awserr"
)

const (
	jqEngine        = "JQ-1.6"
	maxPartitionKey = 50
	metadataFailed  = "DynamicPartitioning.MetadataExtractionFailed"
	// metadataTimeout bounds the query on one record: a query that never ends (the client
	// chose it) fails its record instead of holding the delivery loop.
	metadataTimeout = time.Second
)

type metadataStage struct {
	code *gojq.Code
}

func newMetadataExtraction(_ StreamInfo, p Processor) (Stage, error) {
	ps, err := params(p, "MetadataExtractionQuery", "JsonParsingEngine")
	if err != nil {
		return nil, err
	}
	if e, ok := ps["JsonParsingEngine"]; !ok || e != jqEngine {
		return nil, awserr.Newf(awserr.InvalidArgument, "JsonParsingEngine must be %s for MetadataExtraction.", jqEngine)
	}
	src, ok := ps["MetadataExtractionQuery"]
	if !ok {
		return nil, awserr.New(awserr.InvalidArgument, "MetadataExtractionQuery must be specified for MetadataExtraction.")
	}
	q, err := gojq.Parse(src)
	if err != nil {
		return nil, awserr.Newf(awserr.InvalidArgument, "MetadataExtractionQuery %s is not a valid JQ expression: %v", src, err)
	}
	code, err := gojq.Compile(q)
	if err != nil {
		return nil, awserr.Newf(awserr.InvalidArgument, "MetadataExtractionQuery %s is not a valid JQ expression: %v", src, err)
	}
	return metadataStage{code: code}, nil
}

func (m metadataStage) Process(ctx context.Context, b *Batch) error {
	out := b.Records[:0:0]
	for _, r := range b.Records {
		keys, msg := m.extract(ctx, r.Data)
		if msg != "" {
			b.Failed = append(b.Failed, FailedRecord{Record: r, ErrorCode: metadataFailed, ErrorMessage: msg})
			continue
		}
		merged := make(map[string]string, len(r.Keys)+len(keys))
		for k, v := range r.Keys {
			merged[k] = v
		}
		for k, v := range keys {
			merged[nsFromQuery+":"+k] = v
		}
		r.Keys = merged
		out = append(out, r)
	}
	b.Records = out
	return nil
}

// extract runs the query on one record; a failure is the error document's message.
func (m metadataStage) extract(ctx context.Context, data []byte) (map[string]string, string) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return nil, "Non JSON record provided"
	}
	v = gojqValue(v)
	qctx, cancel := context.WithTimeout(ctx, metadataTimeout)
	defer cancel()
	iter := m.code.RunWithContext(qctx, v)
	res, ok := iter.Next()
	if !ok {
		return nil, "The MetadataExtractionQuery produced no result."
	}
	if err, isErr := res.(error); isErr {
		if qctx.Err() != nil && ctx.Err() == nil {
			return nil, fmt.Sprintf("The MetadataExtractionQuery did not finish within %v.", metadataTimeout)
		}
		return nil, "The MetadataExtractionQuery failed: " + err.Error()
	}
	obj, isObj := res.(map[string]any)
	if !isObj {
		return nil, "The MetadataExtractionQuery must produce a JSON object."
	}
	if len(obj) > maxPartitionKey {
		return nil, fmt.Sprintf("The MetadataExtractionQuery produced %d partition keys; at most %d are allowed.", len(obj), maxPartitionKey)
	}
	out := make(map[string]string, len(obj))
	for k, val := range obj {
		var s string
		switch x := val.(type) {
		case string:
			s = x
		case bool:
			s = strconv.FormatBool(x)
		case int:
			s = strconv.Itoa(x)
		case float64:
			s = strconv.FormatFloat(x, 'f', -1, 64)
		default:
			if n, isNum := val.(interface{ String() string }); isNum && gojq.TypeOf(val) == "number" {
				s = n.String()
			}
		}
		if s == "" {
			return nil, "partitionKeys values must not be null or empty"
		}
		out[k] = s
	}
	return out, ""
}

// gojqValue turns a decoded JSON value into what gojq takes: json.Number becomes an int
// when it is one, else a float64.
func gojqValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = gojqValue(e)
		}
	case []any:
		for i, e := range x {
			x[i] = gojqValue(e)
		}
	case json.Number:
		if n, err := strconv.Atoi(string(x)); err == nil {
			return n
		}
		f, _ := x.Float64()
		return f
	}
	return v
}
