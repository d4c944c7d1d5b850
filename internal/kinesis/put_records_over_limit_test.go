package kinesis

import (
	"runtime"
	"strings"
	"testing"
)

// TestPutRecordsFastDecodeOverLimit: a list longer than 500 records decodes to the same
// ValidationException as encoding/json gives (the list's length and the first invalid
// records, wherever they are), keeping at most 510 records.
func TestPutRecordsFastDecodeOverLimit(t *testing.T) {
	entry := func(i int) string {
		switch {
		case i == 3 || i == 520:
			return `{"Data":"AA==","PartitionKey":""}` // partition key too short
		case i >= 600 && i < 620:
			return `{"PartitionKey":"k"}` // no data
		case i == 700:
			return `{"Data":"AA==","PartitionKey":"k","ExplicitHashKey":"x"}`
		}
		return `{"Data":"AA==","PartitionKey":"k"}`
	}
	for _, n := range []int{500, 501, 502, 530, 610, 800} {
		var b strings.Builder
		b.WriteString(`{"StreamName":"s","Records":[`)
		for i := 1; i <= n; i++ {
			if i > 1 {
				b.WriteByte(',')
			}
			b.WriteString(entry(i))
		}
		b.WriteString(`]}`)
		if !checkFastDecode(t, []byte(b.String())) {
			t.Errorf("%d records: the fast path refused the body", n)
		}
	}
}

// TestPutRecordsFastDecodeMillionsOfRecords: a 16 MiB body of millions of empty records
// decodes to AWS's ValidationException in a few MiB (it took 1.9 GB of allocations and a
// 413 MiB heap when every record was kept).
func TestPutRecordsFastDecodeMillionsOfRecords(t *testing.T) {
	body := []byte(`{"StreamName":"s","Records":[` + strings.Repeat(`{},`, (16<<20)/3-20) + `{}]}`)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var in PutRecordsInput
	if !in.DecodeJSONFast(body) {
		t.Fatal("the fast path refused the body")
	}
	err := validatePutRecords(&in)
	runtime.ReadMemStats(&after)
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("%d records: %d KiB allocated", (16<<20)/3-19, alloc>>10)
	if alloc > 64<<20 {
		t.Errorf("decoding and validating allocated %d MiB, want at most 64", alloc>>20)
	}
	if len(in.Records) > maxPutRecords+maxRenderedInvalid {
		t.Errorf("kept %d records", len(in.Records))
	}
	want := "ValidationException: 10 validation errors detected: Value '[com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@2, "
	if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), ", ...]' at 'records' failed to satisfy constraint: Member must have length less than or equal to 500; Value null at 'records.1.member.data' failed to satisfy constraint: Member must not be null;") {
		t.Errorf("error %.300v", err)
	}
}
