package server

// Bounds that keep the server's memory in check whatever clients do; see README "Limits".
//
//   - Connections: at most MaxConns are open; past that the server stops accepting (new
//     clients wait in the kernel's backlog) until one closes. An idle or header-trickling
//     connection costs its buffers (a few KiB) plus at most maxHeaderBytes of headers, and
//     ReadHeaderTimeout and IdleTimeout close it.
//   - GetRecords answers: at most MaxReads are built at once (read from the engine and
//     encoded); one holds up to 10 MiB of data, about 45 MiB while built. Past it a call
//     is refused at once with a 503, as above. The slot is taken once the request body is
//     in, and given back before the answer is written, so slow clients cannot hold it.
//   - Answers being written count against MaxInFlight too (without being refused), so
//     answers that clients read slowly hold back new requests rather than pile up; an
//     answer not written within BodyTimeout is cut off.
//   - Engine timeouts (an overloaded engine) are a 503 ServiceUnavailableException, not a
//     500 InternalFailure.
//   - Request bodies: the bytes of the bodies being read or handled at once are bounded by
//     MaxInFlight (a body counts by its Content-Length, or MaxBody when it is chunked). A
//     request that would go over is refused at once with a 503 ServiceUnavailableException,
//     which every AWS SDK retries with backoff; nothing waits in the server.

import (
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/freshet/freshet/internal/awserr"
)

// maxHeaderBytes bounds a request's headers and request line (Go's default is 1 MiB); a
// SigV4-signed request needs a few KiB.
const maxHeaderBytes = 64 << 10

// Defaults for Config.MaxConns, Config.MaxInFlight and Config.MaxReads.
const (
	DefaultMaxConns    = 4096
	DefaultMaxInFlight = 8 * DefaultMaxBody
	DefaultMaxReads    = 8
)

// inFlight counts the body bytes admitted and not yet released.
type inFlight struct {
	mu   sync.Mutex
	used int64
}

// admit reserves n bytes, or reports false if that would go over max. A request is always
// admitted when nothing else is in flight, so a body of any allowed size can pass.
func (f *inFlight) admit(n, max int64) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.used > 0 && f.used+n > max {
		return false
	}
	f.used += n
	return true
}

func (f *inFlight) release(n int64) {
	f.mu.Lock()
	f.used -= n
	f.mu.Unlock()
}

// hold adds n bytes whatever the bound: memory already spent, which later requests must
// wait for.
func (f *inFlight) hold(n int64) {
	f.mu.Lock()
	f.used += n
	f.mu.Unlock()
}

// startRead takes a GetRecords slot (other operations need none) and returns the function
// that gives it back, which may be called more than once; false: no slot is free.
func (s *Server) startRead(target string) (end func(), ok bool) {
	if target != kinesisTarget+"GetRecords" {
		return func() {}, true
	}
	select {
	case s.reads <- struct{}{}:
	default:
		return nil, false
	}
	var once sync.Once
	return func() { once.Do(func() { <-s.reads }) }, true
}

// holdAnswer counts an answer of n bytes against MaxInFlight while it is written, within
// BodyTimeout, and announces its Content-Length; the returned function ends both (the
// deadline is lifted again, as the connection may serve further requests).
func (s *Server) holdAnswer(w http.ResponseWriter, n int) func() {
	w.Header().Set("Content-Length", strconv.Itoa(n))
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Now().Add(s.cfg.BodyTimeout))
	s.inflight.hold(int64(n))
	return func() {
		_ = rc.Flush() // the answer leaves within the deadline, not after it is lifted
		_ = rc.SetWriteDeadline(time.Time{})
		s.inflight.release(int64(n))
	}
}

// bodyWeight is what a request's body counts against MaxInFlight.
func (s *Server) bodyWeight(r *http.Request) int64 {
	if r.ContentLength >= 0 && r.ContentLength <= s.cfg.MaxBody {
		return r.ContentLength
	}
	return s.cfg.MaxBody
}

func errBusy() error {
	return awserr.New(awserr.ServiceUnavailable, "The server is busy with other requests' data. Retry with backoff.")
}

// errEngineBusy answers a request whose engine call timed out (the engine is overloaded,
// or its disk is full): a 503 the SDKs retry, rather than a 500. Either way the outcome of
// a write is unknown to the client.
func errEngineBusy() *awserr.Error {
	return awserr.New(awserr.ServiceUnavailable, "The storage engine did not answer in time. Retry with backoff.")
}

// limitListener accepts at most cap(sem) connections at once.
type limitListener struct {
	net.Listener
	sem       chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

func newLimitListener(ln net.Listener, n int) *limitListener {
	return &limitListener{Listener: ln, sem: make(chan struct{}, n), done: make(chan struct{})}
}

func (l *limitListener) Accept() (net.Conn, error) {
	select {
	case l.sem <- struct{}{}:
	case <-l.done:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.sem
		return nil, err
	}
	return &limitConn{Conn: c, sem: l.sem}, nil
}

func (l *limitListener) Close() error {
	l.closeOnce.Do(func() { close(l.done) })
	return l.Listener.Close()
}

// limitConn gives its slot back once, when it is closed.
type limitConn struct {
	net.Conn
	sem  chan struct{}
	once sync.Once
}

func (c *limitConn) Close() error {
	c.once.Do(func() { <-c.sem })
	return c.Conn.Close()
}
