package kinesis

import (
	"testing"
	"time"
)

func limitRecords(n, size int) []record {
	recs := make([]record, n)
	for i := range recs {
		recs[i] = record{PartitionKey: "k", Data: make([]byte, size-1)}
	}
	return recs
}

func TestLimiterWrites(t *testing.T) {
	t0 := time.Unix(1_800_000_000, 0)
	l := newLimiter(true)
	tests := []struct {
		at        time.Duration
		shard     int
		n, size   int
		wantAdmit int
	}{
		{0, 0, 600, 10, 600},
		{0, 0, 600, 10, 400},                      // 1,000 records in the first second
		{0, 1, 600, 10, 600},                      // other shards have their own buckets
		{100 * time.Millisecond, 0, 500, 10, 100}, // refilled 100 records
		{2 * time.Second, 0, 3, 400 << 10, 2},     // 1 MiB: two 400 KiB records, not three
		{2 * time.Second, 0, 1, 1, 1},             // a small one still fits the bytes left
	}
	for i, tc := range tests {
		if got := l.allowWrite("s", tc.shard, limitRecords(tc.n, tc.size), t0.Add(tc.at)); got != tc.wantAdmit {
			t.Errorf("step %d: admitted %d, want %d", i, got, tc.wantAdmit)
		}
	}

	off := newLimiter(false)
	if got := off.allowWrite("s", 0, limitRecords(5000, 1000), t0); got != 5000 {
		t.Fatalf("limits off: admitted %d of 5000", got)
	}
}

func TestLimiterWriteRate(t *testing.T) {
	t0 := time.Unix(1_800_000_000, 0)
	l := newLimiter(false)
	// 100 records of 10 bytes in each of 6 seconds, then nothing.
	for s := range 6 {
		l.allowWrite("s", 3, limitRecords(100, 10), t0.Add(time.Duration(s)*time.Second))
	}
	tests := []struct {
		at          time.Duration
		recs, bytes float64
	}{
		{6 * time.Second, 100, 1000}, // seconds 1..5
		{6*time.Second + 900*time.Millisecond, 100, 1000},
		{8 * time.Second, 60, 600}, // seconds 3..7: 3 with writes
		{11 * time.Second, 0, 0},
	}
	for _, tc := range tests {
		recs, bytes := l.writeRate("s", 3, t0.Add(tc.at))
		if recs != tc.recs || bytes != tc.bytes {
			t.Errorf("at +%v: %v records/s, %v bytes/s; want %v, %v", tc.at, recs, bytes, tc.recs, tc.bytes)
		}
	}
	if recs, bytes := l.writeRate("other", 0, t0); recs != 0 || bytes != 0 {
		t.Errorf("unknown shard: %v, %v", recs, bytes)
	}
}

func TestLimiterReads(t *testing.T) {
	t0 := time.Unix(1_800_000_000, 0)
	l := newLimiter(true)
	for i := range 5 {
		if !l.allowRead("s", 0, t0) {
			t.Fatalf("call %d refused", i)
		}
	}
	if l.allowRead("s", 0, t0) {
		t.Fatal("sixth call in one second allowed")
	}
	// A 10 MiB answer puts the shard 8 MiB in debt: about 4 more seconds without reads.
	l.chargeRead("s", 0, 10<<20, t0)
	if l.allowRead("s", 0, t0.Add(3*time.Second)) {
		t.Fatal("read allowed while the shard is in debt")
	}
	if !l.allowRead("s", 0, t0.Add(4100*time.Millisecond)) {
		t.Fatal("read refused after the debt was repaid")
	}
	if !newLimiter(false).allowRead("s", 0, t0) {
		t.Fatal("limits off: read refused")
	}
}

func TestLimiterForgetsIdleShards(t *testing.T) {
	t0 := time.Unix(1_800_000_000, 0)
	l := newLimiter(true)
	l.allowWrite("a", 0, limitRecords(1, 1), t0)
	l.allowWrite("b", 0, limitRecords(1, 1), t0.Add(2*limiterIdle))
	if _, ok := l.shards[limitKey{"a", 0}]; ok {
		t.Fatal("idle shard kept")
	}
	if _, ok := l.shards[limitKey{"b", 0}]; !ok {
		t.Fatal("active shard dropped")
	}
}
