package firehose

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/freshet/freshet/internal/awserr"
)

func proc(typ string, nameValues ...string) Processor {
	p := Processor{Type: &typ}
	for i := 0; i+1 < len(nameValues); i += 2 {
		n, v := nameValues[i], nameValues[i+1]
		p.Parameters = append(p.Parameters, ProcessorParameter{ParameterName: &n, ParameterValue: &v})
	}
	return p
}

// TestStageFactories: each processor type refuses the configurations AWS refuses, with an
// InvalidArgumentException, and accepts the good ones.
func TestStageFactories(t *testing.T) {
	arn := "arn:aws:lambda:us-east-1:000000000000:function:f"
	stages := DefaultStages(Options{HTTP: nilClient{}, LambdaEndpoints: map[string]string{arn: "http://127.0.0.1:1"}})
	for _, c := range []struct {
		name string
		p    Processor
		want string // "" for accepted
	}{
		{"delimiter", proc(procAppendDelimiter), ""},
		{"delimiter with a parameter", proc(procAppendDelimiter, "Delimiter", "Cg=="), "Processor type AppendDelimiterToRecord does not support parameter Delimiter."},
		{"deagg json", proc(procDeAggregation, "SubRecordType", "JSON"), ""},
		{"deagg delimited", proc(procDeAggregation, "SubRecordType", "DELIMITED", "Delimiter", "fHw="), ""},
		{"deagg delimited without delimiter", proc(procDeAggregation, "SubRecordType", "DELIMITED"), "Delimiter must be a non-empty base64-encoded string when SubRecordType is DELIMITED."},
		{"deagg json with delimiter", proc(procDeAggregation, "SubRecordType", "JSON", "Delimiter", "fHw="), "Delimiter can only be specified when SubRecordType is DELIMITED."},
		{"deagg no type", proc(procDeAggregation), "SubRecordType must be JSON or DELIMITED for RecordDeAggregation."},
		{"deagg twice", proc(procDeAggregation, "SubRecordType", "JSON", "SubRecordType", "JSON"), "Parameter SubRecordType is specified more than once for processor type RecordDeAggregation."},
		{"jq", proc(procMetadata, "MetadataExtractionQuery", "{a:.a}", "JsonParsingEngine", "JQ-1.6"), ""},
		{"jq other engine", proc(procMetadata, "MetadataExtractionQuery", "{a:.a}", "JsonParsingEngine", "JQ-1.5"), "JsonParsingEngine must be JQ-1.6 for MetadataExtraction."},
		{"jq no query", proc(procMetadata, "JsonParsingEngine", "JQ-1.6"), "MetadataExtractionQuery must be specified for MetadataExtraction."},
		{"lambda", proc(procLambda, "LambdaArn", arn, "NumberOfRetries", "5", "BufferSizeInMBs", "0.5", "BufferIntervalInSeconds", "120", "RoleArn", "arn:aws:iam::000000000000:role/r"), ""},
		{"lambda retries", proc(procLambda, "LambdaArn", arn, "NumberOfRetries", "301"), `Processor parameter NumberOfRetries must be an integer between 0 and 300, got "301".`},
		{"lambda buffer", proc(procLambda, "LambdaArn", arn, "BufferSizeInMBs", "4"), `Processor parameter BufferSizeInMBs must be between 0.2 and 3, got "4".`},
		{"lambda bad arn", proc(procLambda, "LambdaArn", "arn:aws:s3:::b"), "LambdaArn arn:aws:s3:::b is not a Lambda function ARN."},
		{"lambda no arn", proc(procLambda), "LambdaArn must be specified for the Lambda processor."},
	} {
		_, err := stages[*c.p.Type](StreamInfo{}, c.p)
		got := ""
		if err != nil {
			if !awserr.IsCode(err, awserr.InvalidArgument) {
				t.Errorf("%s: %v is not InvalidArgumentException", c.name, err)
			}
			got = err.(*awserr.Error).Message
		}
		if got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}

type nilClient struct{ HTTPClient }

// TestDeAggregationLimits: more than 500 sub-records fail the record; DELIMITED keeps empty
// pieces but the last; a JSON sub-record is one value.
func TestDeAggregationLimits(t *testing.T) {
	st, err := newDeAggregation(StreamInfo{}, proc(procDeAggregation, "SubRecordType", "DELIMITED", "Delimiter", base64.StdEncoding.EncodeToString([]byte(","))))
	if err != nil {
		t.Fatal(err)
	}
	b := &Batch{Records: []DeliveryRecord{{ID: "a", Data: []byte("x,,y,")}, {ID: "b", Data: []byte(strings.Repeat("z,", 501))}}}
	if err := st.Process(t.Context(), b); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range b.Records {
		got = append(got, r.ID+"="+string(r.Data))
	}
	if diff := cmp.Diff([]string{"a.0=x", "a.1=", "a.2=y"}, got); diff != "" {
		t.Errorf("sub-records (-want +got):\n%s", diff)
	}
	if len(b.Failed) != 1 || b.Failed[0].Record.ID != "b" || b.Failed[0].ErrorCode != "RecordDeAggregation.TooManySubRecords" {
		t.Errorf("failed %+v", b.Failed)
	}
}

// TestMetadataValues: partition key values from strings, numbers and booleans; a nested
// value or a missing key fails the record.
func TestMetadataValues(t *testing.T) {
	st, err := newMetadataExtraction(StreamInfo{}, proc(procMetadata, "MetadataExtractionQuery", "{k:.k}", "JsonParsingEngine", "JQ-1.6"))
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{
		`{"k":"s"}`:     "s",
		`{"k":12}`:      "12",
		`{"k":1.5}`:     "1.5",
		`{"k":true}`:    "true",
		`{"k":{"a":1}}`: "",
		`{"k":""}`:      "",
		`{}`:            "",
	} {
		b := &Batch{Records: []DeliveryRecord{{ID: "r", Data: []byte(in)}}}
		if err := st.Process(t.Context(), b); err != nil {
			t.Fatal(err)
		}
		got := ""
		if len(b.Records) == 1 {
			got = b.Records[0].Keys["partitionKeyFromQuery:k"]
		} else if len(b.Failed) != 1 || b.Failed[0].ErrorMessage != "partitionKeys values must not be null or empty" {
			t.Errorf("%s: failed %+v", in, b.Failed)
		}
		if got != want {
			t.Errorf("%s: key %q, want %q", in, got, want)
		}
	}
}
