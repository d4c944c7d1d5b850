package seqnum

import "testing"

func TestRealAWSNumber(t *testing.T) {
	// From a Lambda event fixture: shard created 2023-12-05 03:24:37, record 07:09:12.
	const s = "49647060812288014558888668248263847763900017820167045122"
	n, err := Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	want := Num{ShardCreated: 0x0656e97f5, Shard: 0, Index: 0x65c6, Arrival: 0x0656ecc98}
	if n != want {
		t.Fatalf("Parse = %+v, want %+v", n, want)
	}
	if got := n.String(); got != s {
		t.Fatalf("String = %s, want %s", got, s)
	}
}
