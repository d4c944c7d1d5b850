package kinesis

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var putRecordsBodies = []string{
	`{"Records":[{"Data":"aGVsbG8=","PartitionKey":"pk-1"},{"Data":"","ExplicitHashKey":"42","PartitionKey":"ü"}],"StreamName":"s"}`,
	`{"StreamARN":"arn:aws:kinesis:us-east-1:000000000000:stream/s","Records":[],"DryRun":true,"StreamId":"x"}`,
	` { "Records" : [ { } , {"Data":"AA=="} ] , "DryRun" : false } `,
	`{}`,
	`{"Records":null}`,
	`{"records":[]}`,
	`{"Records":[{"Data":"a"}]}`,
	`{"Records":[{"PartitionKey":"a\"b"}]}`,
	`{"Records":[],"Records":[]}`,
	`{"StreamName":"s","Other":1}`,
	`{"DryRun":1}`,
	`{"StreamName":"s"} x`,
	`{"Records":[{"Data":"AA=="},]}`,
	"{\"StreamName\":\"\xff\"}",
}

func TestPutRecordsFastDecode(t *testing.T) {
	accepted := 0
	for _, body := range putRecordsBodies {
		if checkFastDecode(t, []byte(body)) {
			accepted++
		}
	}
	if accepted != 4 {
		t.Fatalf("fast path took %d of the bodies, want the first 4", accepted)
	}
}

func FuzzPutRecordsFastDecode(f *testing.F) {
	for _, b := range putRecordsBodies {
		f.Add([]byte(b))
	}
	f.Fuzz(func(t *testing.T, body []byte) { checkFastDecode(t, body) })
}

// checkFastDecode asserts that when the fast path accepts a body, encoding/json decodes it
// to exactly the same value, and that a refusal leaves the value untouched.
func checkFastDecode(t *testing.T, body []byte) bool {
	t.Helper()
	var fast PutRecordsInput
	if !fast.DecodeJSONFast(body) {
		if diff := cmp.Diff(PutRecordsInput{}, fast, cmpopts.IgnoreUnexported(PutRecordsInput{})); diff != "" || fast.over != nil {
			t.Fatalf("refused %q but changed the value:\n%s", body, diff)
		}
		return false
	}
	var slow PutRecordsInput
	if err := json.Unmarshal(body, &slow); err != nil {
		t.Fatalf("fast path accepted %q, encoding/json: %v", body, err)
	}
	if len(slow.Records) > maxPutRecords {
		// Of a list over the limit the fast path keeps only what its ValidationException needs.
		if fast.over == nil || len(fast.Records) > maxPutRecords+maxRenderedInvalid {
			t.Fatalf("%.100q: kept %d of %d records", body, len(fast.Records), len(slow.Records))
		}
		if diff := cmp.Diff(validatePutRecords(&slow).Error(), validatePutRecords(&fast).Error()); diff != "" {
			t.Fatalf("%.100q: ValidationException differs (-encoding/json +fast):\n%s", body, diff)
		}
		return true
	}
	if fast.over != nil {
		t.Fatalf("%q: %d records, over the limit by %+v", body, len(fast.Records), fast.over)
	}
	if diff := cmp.Diff(slow, fast, cmpopts.IgnoreUnexported(PutRecordsInput{})); diff != "" {
		t.Fatalf("%q decoded differently (-encoding/json +fast):\n%s", body, diff)
	}
	return true
}

func TestPutRecordsOutputJSON(t *testing.T) {
	// plain has PutRecordsOutput's fields and tags but not its AppendJSON.
	type plain PutRecordsOutput
	outs := []PutRecordsOutput{
		{EncryptionType: "NONE", Records: []PutRecordsResultEntry{}},
		{EncryptionType: "KMS", FailedRecordCount: 2, Records: []PutRecordsResultEntry{
			{SequenceNumber: "49647060812288014558888668248263847763900017820167045122", ShardId: "shardId-000000000001"},
			{ErrorCode: "ProvisionedThroughputExceededException", ErrorMessage: "Rate exceeded for shard shardId-000000000001 in stream a.b_c-d under account 000000000000."},
			{ErrorCode: "InternalFailure", ErrorMessage: "Internal \"service\" <failure> & ü\n"},
		}},
		{},
	}
	for _, o := range outs {
		got, err := o.AppendJSON([]byte("prefix:"))
		if err != nil {
			t.Fatal(err)
		}
		p := plain(o)
		want, err := json.Marshal(&p)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != "prefix:"+string(want) {
			t.Errorf("MarshalJSON:\n got %s\nwant %s", got, want)
		}
	}
}
