package kinesis

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestBatchRoundTrip(t *testing.T) {
	in := &batch{KMS: true, ArrivalMs: 1795671884057, Records: []record{
		{PartitionKey: "a", Data: []byte("hello")},
		{PartitionKey: "ü-key", Data: []byte{}},
	}}
	got, err := decodeBatch(appendBatch(nil, in))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(in, got); diff != "" {
		t.Fatalf("round trip (-want +got):\n%s", diff)
	}
	enc := appendBatch(nil, in)
	for n := range len(enc) {
		if _, err := decodeBatch(enc[:n]); err == nil {
			t.Fatalf("truncated to %d bytes: decoded without error", n)
		}
	}
}

func TestPosition(t *testing.T) {
	seq, i := splitPosition(position(123456, 499))
	if seq != 123456 || i != 499 {
		t.Fatalf("splitPosition = %d, %d", seq, i)
	}
}
