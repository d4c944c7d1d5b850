package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/freshet/freshet/internal/awsproto"
)

// rawPost starts a signed request on its own connection, announcing length body bytes,
// and sends only the first sent of them: its handler then waits for the rest.
func rawPost(t *testing.T, ts *testServer, target string, length int, sent []byte) (net.Conn, *bufio.Reader) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(ts.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(60 * time.Second))
	fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: %s\r\nContent-Type: application/x-amz-json-1.1\r\n"+
		"X-Amz-Date: 20261126T000000Z\r\nAuthorization: %s\r\nContent-Length: %d\r\n\r\n", target, testAuth, length)
	conn.Write(sent)
	return conn, bufio.NewReader(conn)
}

// waitInFlight polls until the server holds at least n bytes (n > 0), or none (n == 0).
func waitInFlight(t *testing.T, ts *testServer, n int64) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ts.inflight.mu.Lock()
		used := ts.inflight.used
		ts.inflight.mu.Unlock()
		if n > 0 && used >= n || n == 0 && used == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("in flight %d bytes, want %d", used, n)
		}
		runtime.Gosched()
	}
}

// TestOverloadRefusesOverInFlightBytes: while bodies worth MaxInFlight are being read, a
// request that would go over is refused with a 503 ServiceUnavailableException (which the
// SDKs retry), before its body is read; once the others are done it is served again.
func TestOverloadRefusesOverInFlightBytes(t *testing.T) {
	ts := newTestServer(t, Config{MaxBody: 1 << 20, MaxInFlight: 1 << 20})
	body := `{"StreamName":"busy","ShardCount":1}` + strings.Repeat(" ", 600<<10)
	conn, rd := rawPost(t, ts, createStream, len(body), []byte(body[:10]))
	waitInFlight(t, ts, int64(len(body)))

	c := &http.Client{}
	res := send(t, c, ts.newRequest(t, request{target: createStream, body: body}))
	if res.status != 503 || res.header.Get("X-Amzn-ErrorType") != "ServiceUnavailableException" {
		t.Fatalf("over the in-flight bound: %d %v %s", res.status, res.header, res.body)
	}
	// Small requests still fit.
	if res := send(t, c, ts.newRequest(t, request{target: "Kinesis_20131202.ListStreams", body: `{}`})); res.status != 200 {
		t.Errorf("a small request beside the held bytes (%d in flight): %d %s", ts.inflight.used, res.status, res.body)
	}

	io.WriteString(conn, body[10:])
	first, err := http.ReadResponse(rd, nil)
	if err != nil || first.StatusCode != 200 {
		t.Fatalf("the request holding the bytes: %v %v", first, err)
	}
	waitInFlight(t, ts, 0)
	if res := send(t, c, ts.newRequest(t, request{target: createStream, body: strings.Replace(body, "busy", "again", 1)})); res.status != 200 {
		t.Errorf("after the load: %d %s", res.status, res.body)
	}
}

// TestOverloadHeaderLimit: headers over 64 KiB are refused (431, or the connection is
// closed while the client still writes them) without reaching a handler.
func TestOverloadHeaderLimit(t *testing.T) {
	ts := newTestServer(t, Config{})
	req := ts.newRequest(t, request{target: "Kinesis_20131202.ListStreams", body: `{}`,
		headers: map[string]string{"X-Padding": strings.Repeat("p", maxHeaderBytes+8<<10)}})
	if res, err := (&http.Client{}).Do(req); err == nil {
		res.Body.Close()
		if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("huge headers: %d", res.StatusCode)
		}
	}
	if strings.Contains(ts.logs.String(), "ListStreams") {
		t.Errorf("a handler saw the request:\n%s", ts.logs)
	}
	if res := send(t, &http.Client{}, ts.newRequest(t, request{target: "Kinesis_20131202.ListStreams", body: `{}`})); res.status != 200 {
		t.Errorf("then a normal request: %d %s", res.status, res.body)
	}
}

// TestOverloadConnectionLimit: past MaxConns the listener accepts nothing until a
// connection closes; closing the listener releases a waiting Accept.
func TestOverloadConnectionLimit(t *testing.T) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := newLimitListener(inner, 2)
	defer ln.Close()
	var accepted []net.Conn
	for range 3 {
		c, err := net.Dial("tcp", inner.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
	}
	for range 2 {
		c, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		accepted = append(accepted, c)
	}
	third := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		third <- c
	}()
	select {
	case <-third:
		t.Fatal("a third connection was accepted while two are open")
	default:
	}
	if len(ln.sem) != 2 {
		t.Fatalf("%d slots taken, want 2", len(ln.sem))
	}
	accepted[0].Close()
	accepted[0].Close() // a second Close gives back nothing more
	select {
	case c := <-third:
		if c == nil {
			t.Fatal("Accept failed")
		}
		c.Close()
	case <-time.After(30 * time.Second):
		t.Fatal("no connection accepted after one closed")
	}
	accepted[1].Close()
	if len(ln.sem) != 0 {
		t.Errorf("%d slots taken after every connection closed", len(ln.sem))
	}

	full := newLimitListener(inner, 1)
	full.sem <- struct{}{}
	errc := make(chan error, 1)
	go func() {
		_, err := full.Accept()
		errc <- err
	}()
	full.Close()
	if err := <-errc; err == nil {
		t.Error("Accept waiting for a slot did not fail when the listener closed")
	}
}

// TestOverloadManyClients: 200 concurrent clients (100 times the cores) put 140 KiB bodies
// (28 MiB at once, over 2 MiB allowed in flight) and read, retrying refusals as the SDKs do: every answer is a 200 or a 503
// ServiceUnavailableException, every request is served in the end, the heap stays bounded
// while they run, and the server serves normally once they stop.
func TestOverloadManyClients(t *testing.T) {
	if testing.Short() {
		t.Skip("200 clients; skipped with -short")
	}
	ts := newTestServer(t, Config{MaxInFlight: 2 << 20})
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 200, ExpectContinueTimeout: 10 * time.Second}}
	if res := send(t, c, ts.newRequest(t, request{target: createStream, body: `{"StreamName":"bench","ShardCount":4}`})); res.status != 200 {
		t.Fatalf("CreateStream: %d %s", res.status, res.body)
	}
	put := putRecordsBody(100, 1000) // about 140 KiB, shared by every client
	it := send(t, c, ts.newRequest(t, request{target: "Kinesis_20131202.GetShardIterator",
		body: `{"StreamName":"bench","ShardId":"shardId-000000000000","ShardIteratorType":"TRIM_HORIZON"}`}))
	var iter struct{ ShardIterator string }
	json.Unmarshal([]byte(it.body), &iter)
	get := []byte(`{"ShardIterator":"` + iter.ShardIterator + `","Limit":10}`)

	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()

	var ok, busy atomic.Int64
	var wg sync.WaitGroup
	for i := range 200 {
		wg.Go(func() {
			for j := range 1 {
				target, body := "Kinesis_20131202.PutRecords", put
				if (i+j)%2 == 1 {
					target, body = "Kinesis_20131202.GetRecords", get
				}
				for attempt := 0; ; attempt++ { // as an SDK does: retry a 503 after a backoff
					req, _ := http.NewRequest(http.MethodPost, ts.URL, bytes.NewReader(body))
					req.Header.Set("X-Amz-Target", target)
					req.Header.Set("Authorization", testAuth)
					req.Header.Set("X-Amz-Date", "20261126T000000Z")
					req.Header.Set("Expect", "100-continue") // a refusal comes before the body is sent
					res, err := c.Do(req)
					if err != nil {
						t.Errorf("%s: %v", target, err)
						return
					}
					b, _ := io.ReadAll(res.Body)
					res.Body.Close()
					if res.StatusCode == 200 {
						ok.Add(1)
						break
					}
					switch code := res.Header.Get("X-Amzn-ErrorType"); {
					case attempt == 1000:
						t.Errorf("%s: still %d %s after %d attempts", target, res.StatusCode, b, attempt)
						return
					case res.StatusCode == 503 && code == "ServiceUnavailableException":
						busy.Add(1)
					default:
						t.Errorf("%s (attempt %d): %d %s", target, attempt, res.StatusCode, b)
						return
					}
					time.Sleep(time.Duration(1+rand.IntN(1<<min(attempt, 5))) * time.Millisecond) // backoff, not a wait for state
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	<-sampled
	runtime.GC()
	var kept runtime.MemStats // the records themselves: the test engine keeps them in memory
	runtime.ReadMemStats(&kept)
	t.Logf("200 requests from 200 clients: %d served, %d refusals (503) retried; heap in use %d MiB before, peak %d MiB, %d MiB after (the stored records)",
		ok.Load(), busy.Load(), base.HeapInuse>>20, peak.Load()>>20, kept.HeapInuse>>20)
	for _, l := range strings.Split(ts.logs.String(), "\n") {
		if strings.Contains(l, "level=ERROR") {
			t.Log(l)
		}
	}
	if ok.Load() != 200 {
		t.Errorf("%d of 200 requests served", ok.Load())
	}
	// In flight at most 2 MiB of bodies, each decoded to about twice its size, plus what
	// the 200 clients of this same process hold, over a heap the collector lets grow to
	// twice what is live; without the bound 28 MiB of bodies arrive at once.
	if p := peak.Load(); p > 2*kept.HeapInuse+48<<20 {
		t.Errorf("heap in use peaked at %d MiB over the %d MiB kept", p>>20, kept.HeapInuse>>20)
	}
	waitInFlight(t, ts, 0)
	if res := send(t, c, ts.newRequest(t, request{target: "Kinesis_20131202.PutRecords", body: string(put)})); res.status != 200 {
		t.Errorf("after the load: %d %s", res.status, res.body)
	}
}

// TestOverloadIteratorsAreFree: iterators are sealed tokens the server keeps nothing of;
// a thousand of them leave the heap as it was, and the first still reads.
func TestOverloadIteratorsAreFree(t *testing.T) {
	ts := newTestServer(t, Config{})
	c := &http.Client{}
	if res := send(t, c, ts.newRequest(t, request{target: createStream, body: `{"StreamName":"it","ShardCount":1}`})); res.status != 200 {
		t.Fatalf("CreateStream: %d %s", res.status, res.body)
	}
	getIt := ts.newRequest(t, request{target: "Kinesis_20131202.GetShardIterator",
		body: `{"StreamName":"it","ShardId":"shardId-000000000000","ShardIteratorType":"LATEST"}`})
	first := send(t, c, getIt)
	var it struct{ ShardIterator string }
	if err := json.Unmarshal([]byte(first.body), &it); err != nil || it.ShardIterator == "" {
		t.Fatalf("GetShardIterator: %d %s", first.status, first.body)
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	goroutines := runtime.NumGoroutine()
	for range 1000 {
		w := httptest.NewRecorder()
		ts.ServeHTTP(w, fuzzRequest("Kinesis_20131202.GetShardIterator", []byte(`{"StreamName":"it","ShardId":"shardId-000000000000","ShardIteratorType":"LATEST"}`)))
		if w.Code != 200 {
			t.Fatalf("GetShardIterator: %d %s", w.Code, w.Body)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	t.Logf("1000 iterators: heap in use %d KiB before, %d KiB after; goroutines %d before, %d after",
		before.HeapInuse>>10, after.HeapInuse>>10, goroutines, runtime.NumGoroutine())
	if after.HeapInuse > before.HeapInuse+4<<20 {
		t.Errorf("1000 iterators grew the heap from %d to %d KiB", before.HeapInuse>>10, after.HeapInuse>>10)
	}
	if res := send(t, c, ts.newRequest(t, request{target: "Kinesis_20131202.GetRecords", body: `{"ShardIterator":"` + it.ShardIterator + `"}`})); res.status != 200 {
		t.Errorf("the first iterator after 1000 more: %d %s", res.status, res.body)
	}
}

// TestOverloadEngineTimeoutIs503: an engine call that timed out is answered with a 503
// ServiceUnavailableException, which the SDKs retry; other internal errors stay a 500.
func TestOverloadEngineTimeoutIs503(t *testing.T) {
	ts := newTestServer(t, Config{})
	for _, tt := range []struct {
		err    error
		status int
		code   string
	}{
		{fmt.Errorf("read l: %w", context.DeadlineExceeded), 503, "ServiceUnavailableException"},
		{errors.New("disk on fire"), 500, "InternalFailure"},
	} {
		w := httptest.NewRecorder()
		ts.writeError(w, httptest.NewRequest(http.MethodPost, "/", nil), awsproto.JSON, "id", "GetRecords", tt.err)
		if w.Code != tt.status || w.Header().Get("X-Amzn-ErrorType") != tt.code {
			t.Errorf("%v: %d %s %s, want %d %s", tt.err, w.Code, w.Header().Get("X-Amzn-ErrorType"), w.Body, tt.status, tt.code)
		}
	}
}

// TestOverloadReadLimit: past MaxReads GetRecords calls at once, another is refused with a
// 503 before it reads; other operations are not held up, and reads resume once one ends.
func TestOverloadReadLimit(t *testing.T) {
	ts := newTestServer(t, Config{MaxReads: 1})
	if res := ts.do(t, request{target: createStream, body: `{"StreamName":"r","ShardCount":1}`}); res.status != 200 {
		t.Fatalf("CreateStream: %d %s", res.status, res.body)
	}
	res := ts.do(t, request{target: "Kinesis_20131202.GetShardIterator", body: `{"StreamName":"r","ShardId":"shardId-000000000000","ShardIteratorType":"LATEST"}`})
	var it struct{ ShardIterator string }
	json.Unmarshal([]byte(res.body), &it)
	get := request{target: "Kinesis_20131202.GetRecords", body: `{"ShardIterator":"` + it.ShardIterator + `"}`}
	ts.reads <- struct{}{} // a read in progress
	if res := ts.do(t, get); res.status != 503 || res.header.Get("X-Amzn-ErrorType") != "ServiceUnavailableException" {
		t.Errorf("a read past the limit: %d %s", res.status, res.body)
	}
	if res := ts.do(t, request{target: "Kinesis_20131202.ListShards", body: `{"StreamName":"r"}`}); res.status != 200 {
		t.Errorf("ListShards beside a full read limit: %d %s", res.status, res.body)
	}
	<-ts.reads
	if res := ts.do(t, get); res.status != 200 {
		t.Errorf("a read once the other ended: %d %s", res.status, res.body)
	}
	if len(ts.reads) != 0 {
		t.Errorf("%d read tokens still held", len(ts.reads))
	}
}

// TestOverloadSlowClientsHoldNoReadSlot: a GetRecords whose body trickles in holds no read
// slot, and one whose answer is not read is cut off after BodyTimeout, its answer's bytes
// given back.
func TestOverloadSlowClientsHoldNoReadSlot(t *testing.T) {
	ts := newTestServer(t, Config{MaxReads: 1, BodyTimeout: 300 * time.Millisecond})
	if res := ts.do(t, request{target: createStream, body: `{"StreamName":"slow","ShardCount":1}`}); res.status != 200 {
		t.Fatalf("CreateStream: %d %s", res.status, res.body)
	}
	put := strings.Replace(string(putRecordsBody(500, 2000)), `"bench"`, `"slow"`, 1)
	for range 10 { // 10 MB: an answer larger than the sockets' buffers
		if res := ts.do(t, request{target: "Kinesis_20131202.PutRecords", body: put}); res.status != 200 {
			t.Fatalf("PutRecords: %d %.200s", res.status, res.body)
		}
	}
	res := ts.do(t, request{target: "Kinesis_20131202.GetShardIterator", body: `{"StreamName":"slow","ShardId":"shardId-000000000000","ShardIteratorType":"TRIM_HORIZON"}`})
	var it struct{ ShardIterator string }
	json.Unmarshal([]byte(res.body), &it)
	get := `{"ShardIterator":"` + it.ShardIterator + `","Limit":1}`

	// A trickling body: the read slot stays free.
	slowBody := `{"ShardIterator":"` + it.ShardIterator + `"}`
	rawPost(t, ts, "Kinesis_20131202.GetRecords", len(slowBody), []byte(slowBody[:5]))
	waitInFlight(t, ts, int64(len(slowBody)))
	if res := ts.do(t, request{target: "Kinesis_20131202.GetRecords", body: get}); res.status != 200 {
		t.Fatalf("GetRecords beside a trickling one: %d %s", res.status, res.body)
	}

	// An answer nobody reads: held while written, then cut off and given back.
	full := `{"ShardIterator":"` + it.ShardIterator + `"}`
	rawPost(t, ts, "Kinesis_20131202.GetRecords", len(full), []byte(full))
	waitInFlight(t, ts, 10<<20)
	if len(ts.reads) != 0 {
		t.Errorf("%d read slots held while the answer waits for its reader", len(ts.reads))
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		ts.inflight.mu.Lock()
		used := ts.inflight.used
		ts.inflight.mu.Unlock()
		if used < 1<<20 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the unread answer is still held (%d bytes in flight)", used)
		}
		runtime.Gosched()
	}
	if res := ts.do(t, request{target: "Kinesis_20131202.GetRecords", body: get}); res.status != 200 {
		t.Errorf("GetRecords afterwards: %d %s", res.status, res.body)
	}
}
