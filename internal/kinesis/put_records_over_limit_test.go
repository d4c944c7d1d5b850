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
	// Outside the fast subset: an unknown member, an escape, a null, a lower-case name.
	odd := func(i int) string {
		switch i % 7 {
		case 1:
			return `{"Data":"AA==","PartitionKey":"k","Other":[1,{"a":null}]}`
		case 2:
			return `{"Data":"AA==","PartitionKey":"\u006b"}`
		case 3:
			return `null`
		case 4:
			return `{"data":"AA==","partitionKey":"k"}`
		}
		return entry(i)
	}
	for _, tt := range []struct {
		prefix string
		entry  func(int) string
		fast   bool // the fast subset
	}{
		{`{"StreamName":"s","Records":[`, entry, true},
		{`{"StreamName":"s","Unknown":true,"Records":[`, entry, false},
		{`{"streamName":"s","records":[`, odd, false},
	} {
		for _, n := range []int{500, 501, 502, 530, 610, 800} {
			var b strings.Builder
			b.WriteString(tt.prefix)
			for i := 1; i <= n; i++ {
				if i > 1 {
					b.WriteByte(',')
				}
				b.WriteString(tt.entry(i))
			}
			b.WriteString(`]}`)
			accepted := checkFastDecode(t, []byte(b.String()))
			if want := tt.fast || n > maxPutRecords; accepted != want {
				t.Errorf("%.40s… %d records: decoded %v, want %v", tt.prefix, n, accepted, want)
			}
		}
	}
	// A record encoding/json cannot decode: it decides, and words the error.
	bad := `{"StreamName":"s","X":1,"Records":[` + strings.Repeat(`{},`, 600) + `{"Data":5}]}`
	if checkFastDecode(t, []byte(bad)) {
		t.Error("a list with a record of the wrong type was decoded")
	}
}

// TestPutRecordsFastDecodeMillionsOfRecords: a 16 MiB body of millions of empty records
// decodes to AWS's ValidationException in a few MiB (it took 1.9 GB of allocations and a
// 413 MiB heap when every record was kept), in the fast subset or not (encoding/json:
// 1.3 GB).
func TestPutRecordsFastDecodeMillionsOfRecords(t *testing.T) {
	// In the fast subset, a 16 MiB body: 5.6 million records.
	checkMillionsOfRecords(t, `{"StreamName":"s","Records":[`, 16<<20, 64<<20)
	// Outside it (an unknown member), a 512 KiB body, as the records are decoded one by one
	// (slower): 175 thousand records; encoding/json allocates 40 MiB for them.
	checkMillionsOfRecords(t, `{"StreamName":"s","Unknown":1,"Records":[`, 512<<10, 16<<20)
}

func checkMillionsOfRecords(t *testing.T, prefix string, size int, maxAlloc uint64) {
	t.Helper()
	n := size/3 - 20
	body := []byte(prefix + strings.Repeat(`{},`, n-1) + `{}]}`)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var in PutRecordsInput
	if !in.DecodeJSONFast(body) {
		t.Fatalf("%s…: refused", prefix)
	}
	err := validatePutRecords(&in)
	runtime.ReadMemStats(&after)
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("%s… %d records: %d KiB allocated", prefix, n, alloc>>10)
	if alloc > maxAlloc {
		t.Errorf("%s… %d records: decoding and validating allocated %d MiB, want at most %d", prefix, n, alloc>>20, maxAlloc>>20)
	}
	if len(in.Records) > maxPutRecords+maxRenderedInvalid {
		t.Errorf("kept %d records", len(in.Records))
	}
	want := "ValidationException: 10 validation errors detected: Value '[com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@2, "
	if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), ", ...]' at 'records' failed to satisfy constraint: Member must have length less than or equal to 500; Value null at 'records.1.member.data' failed to satisfy constraint: Member must not be null;") {
		t.Errorf("error %.300v", err)
	}
}
