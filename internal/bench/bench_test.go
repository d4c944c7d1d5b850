package bench

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/freshet/freshet/internal/kinesis"
	"github.com/freshet/freshet/internal/server"
	"github.com/freshet/freshet/internal/server/servertest"
	"github.com/freshet/freshet/internal/store"
)

// benchServer runs Freshet (memory engine) on a loopback port and returns its URL.
func benchServer(t *testing.T) string {
	t.Helper()
	st, err := store.Open(context.Background(), store.Options{Memory: true})
	if err != nil {
		t.Fatal(err)
	}
	k, err := kinesis.New(context.Background(), kinesis.Options{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(server.Config{Kinesis: k})
	t.Cleanup(func() { // after the server has shut down
		k.Close()
		st.Close()
	})
	return "http://" + servertest.Serve(t, srv)
}

// TestRunAgainstFreshet runs every phase, briefly, and checks that what was acknowledged
// was read back, that the latency records arrived, and that the stream is gone afterwards.
func TestRunAgainstFreshet(t *testing.T) {
	url := benchServer(t)
	var progress bytes.Buffer
	res, err := Run(t.Context(), Config{Endpoint: url, Shards: 3, Producers: 2, Batch: 50, Size: 40,
		Duration: 300 * time.Millisecond, LatencyRate: 100, LatencyDuration: 300 * time.Millisecond}, Output{Progress: &progress})
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, progress.String())
	}
	p, d, l := res.Put, res.Drain, res.Latency
	if p == nil || d == nil || l == nil {
		t.Fatalf("phases missing: %+v", res)
	}
	if p.Records == 0 || p.Errors != 0 || p.Throttles != 0 || p.Records != p.Calls*50 {
		t.Errorf("put: %+v", p)
	}
	want := Verify{OK: true, Expected: p.Records}
	if diff := cmp.Diff(want, d.Verify); diff != "" || d.Records != p.Records {
		t.Errorf("drain read %d of %d records; verify (-want +got):\n%s", d.Records, p.Records, diff)
	}
	if l.Sent != 30 || l.Received != l.Sent || l.Errors != 0 || l.Latency.P50 <= 0 {
		t.Errorf("latency: %+v", l)
	}
	if !strings.Contains(progress.String(), "put: ") {
		t.Errorf("no progress lines:\n%s", progress.String())
	}
	cfg := Config{Endpoint: url}
	if err := cfg.defaults(); err != nil {
		t.Fatal(err)
	}
	var streams struct{ StreamNames []string }
	if err := newClient(cfg).call(t.Context(), "ListStreams", map[string]any{}, &streams); err != nil || len(streams.StreamNames) != 0 {
		t.Errorf("streams left after the run: %v %v", streams.StreamNames, err)
	}
	var table bytes.Buffer
	if err := WriteTable(&table, res); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"records/s", "p99", "verify", "OK (", "polling: p50"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, table.String())
		}
	}
}

// TestRunEFOLatency measures put-to-read latency through SubscribeToShard streams.
func TestRunEFOLatency(t *testing.T) {
	url := benchServer(t)
	var progress bytes.Buffer
	res, err := Run(t.Context(), Config{Endpoint: url, Shards: 2, Phases: []string{"latency"}, EFO: true,
		LatencyRate: 100, LatencyDuration: 300 * time.Millisecond}, Output{Progress: &progress})
	if err != nil {
		t.Fatal(err)
	}
	if l := res.Latency; l.Mode != "efo" || l.Sent != 30 || l.Received != l.Sent || l.Errors != 0 || l.Latency.P50 <= 0 {
		t.Errorf("latency: %+v\n%s", l, progress.String())
	}
}

// TestParseOnlyBaseline runs the put phase against the parse-only server.
func TestParseOnlyBaseline(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- ServeParseOnly(ctx, ln) }()
	res, err := Run(t.Context(), Config{Endpoint: ln.Addr().String(), Producers: 2, Batch: 20, Duration: 200 * time.Millisecond, Phases: []string{"put"}}, Output{})
	cancel()
	if err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("ServeParseOnly: %v", err)
	}
	if res.Put.Records == 0 || res.Put.Errors != 0 || res.Put.Records != res.Put.Calls*20 || res.Drain != nil {
		t.Errorf("put: %+v, drain %+v", res.Put, res.Drain)
	}
}

// TestVerifyFindsEveryFault feeds a reader records that are missing, repeated, altered, out
// of order or never written.
func TestVerifyFindsEveryFault(t *testing.T) {
	r := &runState{runID: 7}
	p := newProducer(0, "s", 1, 30)
	r.prods = []*producer{p}
	p.next = 10
	for c := range uint64(8) {
		p.acked.set(c)
	}
	p.uncertain.set(8) // 8 may or may not be there; 9 was never acknowledged
	p.seen = make(bitset, 1)
	var v verifier
	rd := reader{run: r, last: make([]uint64, 1), v: &v}
	rec := func(run uint32, counter uint64, filler string) []byte {
		b := make([]byte, headerB64)
		header{run: run, counter: counter}.encode(b)
		return append(b, filler...)
	}
	for _, c := range []uint64{0, 1, 3, 2, 2, 4, 5, 8, 9} { // 6, 7 missing; 2 twice; 2 after 3
		rd.check(rec(7, c, p.filler))
	}
	rd.check(rec(7, 1, strings.ToUpper(p.filler))) // altered content
	rd.check(rec(8, 1, p.filler))                  // another run's
	rd.check(rec(7, 99, p.filler))                 // beyond what was sent
	rd.check([]byte("short"))
	got := v.result(r.prods)
	want := Verify{Expected: 8, Uncertain: 1, Missing: 2, Unexpected: 2, Duplicates: 1, Corrupt: 3, OutOfOrder: 1}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("verify (-want +got):\n%s", diff)
	}
}

// TestParseGetRecords reads answers as Freshet, encoding/json (another member order) and an
// escaping encoder write them.
func TestParseGetRecords(t *testing.T) {
	it := "AAAAAAAAAAE+x/y="
	recs := []kinesis.Record{{Data: []byte("one"), PartitionKey: "a", SequenceNumber: "1"}, {Data: []byte{0xff, 0xfe}, PartitionKey: "b\"", SequenceNumber: "2"}}
	fast, err := (&kinesis.GetRecordsOutput{MillisBehindLatest: 42, NextShardIterator: &it, Records: recs}).AppendJSON(nil)
	if err != nil {
		t.Fatal(err)
	}
	reordered, _ := json.Marshal(map[string]any{"Records": recs, "NextShardIterator": it, "MillisBehindLatest": 42, "ChildShards": []map[string]any{{"ShardId": "x", "ParentShards": []string{"y"}}}})
	escaped := bytes.ReplaceAll(reordered, []byte("/"), []byte(`\/`))
	spaced := bytes.ReplaceAll(fast, []byte(","), []byte(" ,\n "))
	for name, body := range map[string][]byte{"fast": fast, "reordered": reordered, "escaped": escaped, "spaced": spaced} {
		var data []string
		a, err := parseGetRecords(body, func(d []byte) {
			raw, _ := base64.StdEncoding.DecodeString(string(d))
			data = append(data, string(raw))
		})
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		got := []any{string(a.next), a.millisBehind, a.records, data}
		want := []any{it, int64(42), 2, []string{"one", "\xff\xfe"}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
	for _, bad := range []string{``, `{`, `{"Records":[{"Data":"x"}`, `{"Records":[1,]}`, `[]`} {
		if _, err := parseGetRecords([]byte(bad), func([]byte) {}); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// TestParsePutRecords tells stored records from failed ones.
func TestParsePutRecords(t *testing.T) {
	out := &kinesis.PutRecordsOutput{EncryptionType: "NONE", FailedRecordCount: 1, Records: []kinesis.PutRecordsResultEntry{
		{SequenceNumber: "1", ShardId: "shardId-000000000000"},
		{ErrorCode: "ProvisionedThroughputExceededException", ErrorMessage: "Rate exceeded"},
	}}
	b, _ := out.AppendJSON(nil)
	if allStored(b) {
		t.Errorf("allStored(%s) = true", b)
	}
	var codes []string
	failed, err := parsePutRecords(b, func(i int, code []byte) { codes = append(codes, string(code)) })
	if err != nil || failed != 1 {
		t.Fatalf("failed %d, %v", failed, err)
	}
	if diff := cmp.Diff([]string{"", "ProvisionedThroughputExceededException"}, codes); diff != "" {
		t.Errorf("codes (-want +got):\n%s", diff)
	}
	for body, want := range map[string]bool{`{"FailedRecordCount":0,"Records":[]}`: true, `{"FailedRecordCount": 0}`: true, `{"FailedRecordCount":01}`: false, `{"FailedRecordCount":10}`: false} {
		if got := allStored([]byte(body)); got != want {
			t.Errorf("allStored(%s) = %v, want %v", body, got, want)
		}
	}
}

// TestComparison prints two targets side by side with the put rate as a share of the
// baseline's and the reference's multiples.
func TestComparison(t *testing.T) {
	rs := []*Result{
		{Label: "parse-only", Put: &PutResult{RecordsPerSec: 1000000}},
		{Label: "freshet", Put: &PutResult{RecordsPerSec: 600000}, Drain: &DrainResult{RecordsPerSec: 2000000, Verify: Verify{OK: true}}},
		{Label: "other", Put: &PutResult{RecordsPerSec: 20000}, Drain: &DrainResult{RecordsPerSec: 100000, Verify: Verify{Missing: 3}}},
	}
	var b bytes.Buffer
	if err := WriteComparison(&b, rs, "parse-only", "freshet"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"share of parse-only", "60%", "2%", "freshet put ÷ this", "30.0×", "20.0×", "FAILED", "other: FAILED (expected 0, missing 3"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("comparison lacks %q:\n%s", want, b.String())
		}
	}
}
