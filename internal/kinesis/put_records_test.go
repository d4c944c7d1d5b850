package kinesis

import (
	"strings"
	"testing"
)

// TestPutRecordsHugeListMessage sends millions of (empty) records, which a 16 MiB body can
// hold: the ValidationException stays small instead of rendering every entry.
func TestPutRecordsHugeListMessage(t *testing.T) {
	name := "s"
	in := &PutRecordsInput{StreamName: &name, Records: make([]PutRecordsRequestEntry, 1_000_000)}
	err := validatePutRecords(in)
	if err == nil {
		t.Fatal("no error for a million records")
	}
	msg := err.Error()
	if len(msg) > 100<<10 || !strings.Contains(msg, "PutRecordsRequestEntry@2, ...]' at 'records' failed to satisfy constraint: Member must have length less than or equal to 500") {
		t.Fatalf("message of %d bytes: %.300s…", len(msg), msg)
	}
}
