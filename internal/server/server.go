// Package server is Freshet's front door: one listener speaking HTTP/1.1 and HTTP/2
// cleartext (prior knowledge), and TLS when configured (tls.go), routing by X-Amz-Target to
// the services, with request ids, body limits, panic recovery, CORS, access logging, health
// checks, and SubscribeToShard event streams (subscribe.go).
package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/freshet/freshet/internal/auth"
	"github.com/freshet/freshet/internal/awserr"
	"github.com/freshet/freshet/internal/awsproto"
	"github.com/freshet/freshet/internal/firehose"
	"github.com/freshet/freshet/internal/kinesis"
)

// DefaultMaxBody bounds a request body: a 10 MiB PutRecords, base64 encoded, with room for
// partition keys and framing.
const DefaultMaxBody = 16 << 20

// Config configures a Server. Kinesis is required; other zero values work.
type Config struct {
	Kinesis *kinesis.Service
	// Firehose, when set, serves the Firehose_20150804 operations on the same port.
	Firehose *firehose.Service
	// Account and Region are used when a request's credential does not name them
	// (defaults 000000000000 and us-east-1).
	Account string
	Region  string
	// MaxBody is the largest request body accepted (default DefaultMaxBody).
	MaxBody int64
	// MaxInFlight bounds the body bytes of the requests being handled at once (default
	// DefaultMaxInFlight); over it a request is refused with a 503 (overload.go).
	MaxInFlight int64
	// MaxConns bounds the open connections (default DefaultMaxConns); past it the server
	// stops accepting until one closes.
	MaxConns int
	// MaxReads bounds the GetRecords calls answered at once (default DefaultMaxReads);
	// past it a call is refused with a 503 (overload.go).
	MaxReads int
	// Credentials, when set, turns SigV4 signature verification on: every request must be
	// signed with one of these keys (see auth.Verifier). Nil: signatures are not checked.
	Credentials *auth.Credentials
	// BodyTimeout bounds how long reading one request body, or writing one answer, may
	// take (default 2 minutes); a client that trickles its body, or stops reading its
	// answer, is then cut off.
	BodyTimeout time.Duration
	// StreamWriteTimeout bounds one write of an event stream (SubscribeToShard): a client
	// that stops reading is dropped after it (default DefaultStreamWriteTimeout).
	StreamWriteTimeout time.Duration
	// TLS, when set, makes the port accept TLS connections too (see tls.go).
	TLS    *tls.Config
	Logger *slog.Logger
}

// Server serves the AWS APIs on one listener.
type Server struct {
	cfg    Config
	log    *slog.Logger
	routes map[string]handler
	http   *http.Server
	// inflight counts the body bytes of the requests being handled (overload.go).
	inflight inFlight
	// reads holds a token per GetRecords being answered (overload.go).
	reads chan struct{}
	// closing is cancelled when Shutdown starts; event streams end on it.
	closing     context.Context
	stopStreams context.CancelFunc
}

// New returns a server for cfg.
func New(cfg Config) *Server {
	if cfg.Account == "" {
		cfg.Account = "000000000000"
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.MaxBody == 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.BodyTimeout == 0 {
		cfg.BodyTimeout = 2 * time.Minute
	}
	if cfg.MaxInFlight == 0 {
		cfg.MaxInFlight = DefaultMaxInFlight
	}
	if cfg.MaxConns == 0 {
		cfg.MaxConns = DefaultMaxConns
	}
	if cfg.MaxReads == 0 {
		cfg.MaxReads = DefaultMaxReads
	}
	if cfg.StreamWriteTimeout == 0 {
		cfg.StreamWriteTimeout = DefaultStreamWriteTimeout
	}
	if cfg.TLS != nil {
		cfg.TLS = serverTLSConfig(cfg.TLS)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, log: cfg.Logger, routes: map[string]handler{}, reads: make(chan struct{}, cfg.MaxReads)}
	s.closing, s.stopStreams = context.WithCancel(context.Background())
	for op, h := range kinesisRoutes(cfg.Kinesis) {
		s.routes[kinesisTarget+op] = h
	}
	if cfg.Firehose != nil {
		for op, h := range firehoseRoutes(cfg.Firehose) {
			s.routes[firehoseTarget+op] = h
		}
	}
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	protocols.SetHTTP2(true)
	protocols.SetUnencryptedHTTP2(true)
	s.http = &http.Server{
		Handler:           s,
		Protocols:         &protocols,
		ReadHeaderTimeout: 30 * time.Second,
		MaxHeaderBytes:    maxHeaderBytes,
		IdleTimeout:       5 * time.Minute,
		ErrorLog:          slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelDebug),
	}
	return s
}

// Serve accepts connections on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	ln = newLimitListener(ln, s.cfg.MaxConns)
	if s.cfg.TLS != nil {
		ln = newSniffListener(ln, s.cfg.TLS)
	}
	err := s.http.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting connections and waits for in-flight requests to finish; open
// event streams (SubscribeToShard) end at once, cleanly.
func (s *Server) Shutdown(ctx context.Context) error {
	s.stopStreams()
	return s.http.Shutdown(ctx)
}

// handler runs one operation: it decodes the body with the codec, calls the service and
// returns the response value or an error.
type handler func(ctx context.Context, c awsproto.Codec, body []byte) (any, error)

// handle adapts a service method to a handler.
func handle[I, O any](fn func(context.Context, *I) (*O, error)) handler {
	return func(ctx context.Context, c awsproto.Codec, body []byte) (any, error) {
		in := new(I)
		if err := c.Decode(body, in); err != nil {
			return nil, err
		}
		out, err := fn(ctx, in)
		if err != nil {
			return nil, err
		}
		if out == nil {
			return struct{}{}, nil // "{}", never "null"
		}
		return out, nil
	}
}

// newID2 is an x-amz-id-2 value: 72 random bytes, base64 encoded, as AWS sends.
func newID2() string {
	var b [72]byte
	rand.Read(b[:])
	return base64.StdEncoding.EncodeToString(b[:])
}

const exposedHeaders = "x-amzn-RequestId,x-amzn-ErrorType,x-amz-request-id,x-amz-id-2,x-amzn-ErrorMessage,Date"

// ServeHTTP answers one request, checking it in AWS's order: CORS preflight, method, body
// size, target, well-formedness (JSON or CBOR), credential (and, with Credentials set, its
// signature), then the operation (which decodes and validates its input).
//
// Differences from AWS:
//   - A body is read as CBOR 1.1 when its Content-Type is application/x-amz-cbor-1.1, else
//     as awsJson1_1 whatever its Content-Type (AWS answers application/json with a Coral 1.0
//     envelope, and a missing or other type with XML).
//   - Errors to non-POST requests have a JSON body (AWS: XML), so that every answer has one
//     shape.
//   - Member names match case-insensitively and base64 with unused trailing bits is
//     accepted (encoding/json's leniency; AWS refuses both).
//   - A body over MaxBody is a 413 SerializationException with a message (AWS: a bare 413).
func (s *Server) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	start := time.Now()
	w := &statusWriter{ResponseWriter: rw, status: http.StatusOK}
	reqID := uuid.NewString()
	codec := awsproto.ForContentType(r.Header.Get("Content-Type"))
	h := w.Header()
	h.Set("x-amzn-RequestId", reqID)
	target := r.Header.Get("X-Amz-Target")
	op := strings.TrimPrefix(target, kinesisTarget)
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.log.Error("panic", "op", op, "req_id", reqID, "err", p, "stack", string(debug.Stack()))
			s.writeError(w, r, codec, reqID, op, fmt.Errorf("panic: %v", p))
		}
		s.log.Debug("request", "method", r.Method, "path", r.URL.Path, "op", op, "status", w.status, "req_id", reqID, "dur", time.Since(start))
	}()
	if r.Header.Get("Origin") != "" {
		h.Set("Access-Control-Allow-Origin", "*")
		if r.Method == http.MethodOptions {
			if v := r.Header.Get("Access-Control-Request-Headers"); v != "" {
				h.Set("Access-Control-Allow-Headers", v)
			}
			if v := r.Header.Get("Access-Control-Request-Method"); v != "" {
				h.Set("Access-Control-Allow-Methods", v)
			}
			h.Set("Access-Control-Max-Age", "172800")
			h.Set("Content-Type", codec.ContentType())
			w.WriteHeader(http.StatusOK)
			return
		}
		h.Set("Access-Control-Expose-Headers", exposedHeaders)
	}
	h.Set("x-amz-id-2", newID2())
	if r.Method == http.MethodGet && r.URL.Path == "/healthz" {
		h.Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "ok\n")
		return
	}
	if r.Method != http.MethodPost {
		// AWS cannot tell the operation of anything but a POST.
		e := awserr.New(awserr.AccessDenied, "Unable to determine service/operation name to be authorized")
		if r.Header.Get("Authorization") == "" && !r.URL.Query().Has("X-Amz-Algorithm") {
			e = awserr.New(awserr.MissingAuthenticationToken, "Missing Authentication Token")
		}
		e.Status = http.StatusForbidden
		s.writeError(w, r, codec, reqID, op, e)
		return
	}
	weight := s.bodyWeight(r)
	if !s.inflight.admit(weight, s.cfg.MaxInFlight) {
		s.writeError(w, r, codec, reqID, op, errBusy())
		return
	}
	defer func() { s.inflight.release(weight) }()
	body, err := s.readBody(rw, r) // the server's own writer: it closes the connection after a 413
	if err != nil {
		if e, ok := awserr.As(err); ok {
			s.writeError(w, r, codec, reqID, op, e)
		} else {
			s.log.Debug("read body", "op", op, "req_id", reqID, "err", err) // the client went away
		}
		return
	}
	if n := int64(len(body)); n < weight {
		// A body without a Content-Length was counted as MaxBody until read: from now on it
		// weighs what it is (an event stream holds it for minutes).
		s.inflight.release(weight - n)
		weight = n
	}
	route, ok := s.routes[target]
	if !ok {
		err := awserr.New(awserr.UnknownOperation, "")
		if !awsproto.Blank(codec, body) && !awsproto.WellFormed(codec, body) {
			err = awserr.New(awserr.Serialization, "")
		}
		s.writeError(w, r, codec, reqID, op, err)
		return
	}
	scope, err := s.authenticate(r, target, body)
	if err != nil {
		if !awsproto.WellFormed(codec, body) {
			err = awserr.New(awserr.Serialization, "") // AWS parses the body before the credential
		}
		s.writeError(w, r, codec, reqID, op, err)
		return
	}
	endRead, ok := s.startRead(target) // overload.go
	if !ok {
		s.writeError(w, r, codec, reqID, op, errBusy())
		return
	}
	defer endRead()
	out, err := route(auth.WithScope(r.Context(), scope), codec, body)
	if err != nil {
		s.writeError(w, r, codec, reqID, op, err)
		return
	}
	if sub, ok := out.(subscription); ok {
		s.streamEvents(w, r, codec, reqID, sub)
		return
	}
	b, err := codec.Encode(out)
	endRead()
	if err != nil {
		s.writeError(w, r, codec, reqID, op, fmt.Errorf("encode %s output: %w", op, err))
		return
	}
	defer s.holdAnswer(rw, len(b))() // overload.go
	h.Set("Content-Type", codec.ContentType())
	w.Write(b)
}

// statusWriter remembers the status sent, for the access log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection's writer (flushing event streams).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// readBody reads the whole body, refusing one over the limit (413) as soon as it is known:
// from Content-Length before reading anything, or after MaxBody+1 bytes of a chunked body.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.ContentLength > s.cfg.MaxBody {
		return nil, tooLarge(s.cfg.MaxBody)
	}
	// A client that trickles its body gets BodyTimeout to finish it, then the connection
	// (or h2 stream) is cut; the deadline is lifted again once the whole body is in.
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Now().Add(s.cfg.BodyTimeout))
	rd := http.MaxBytesReader(w, r.Body, s.cfg.MaxBody)
	var body []byte
	var err error
	if cl := r.ContentLength; cl >= 0 && cl <= preallocMax {
		body = make([]byte, cl)
		_, err = io.ReadFull(rd, body)
	} else {
		// Memory follows the bytes that arrive, not what the client announced.
		var buf bytes.Buffer
		if cl > 0 {
			buf.Grow(preallocMax)
		}
		_, err = buf.ReadFrom(rd)
		body = buf.Bytes()
	}
	if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
		return nil, tooLarge(s.cfg.MaxBody)
	}
	if err == nil {
		_ = rc.SetReadDeadline(time.Time{})
	}
	return body, err
}

// preallocMax is the largest announced body read into a buffer of exactly its length.
const preallocMax = 1 << 20

func tooLarge(max int64) error {
	return &awserr.Error{Code: awserr.Serialization, Status: http.StatusRequestEntityTooLarge,
		Message: fmt.Sprintf("Request body exceeds the limit of %d bytes.", max)}
}

// writeError sends a client-visible error as is; anything else is logged and answered with
// a 500 InternalFailure that does not leak its text.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, c awsproto.Codec, reqID, op string, err error) {
	e, ok := awserr.As(err)
	if !ok {
		if r.Context().Err() != nil {
			return // the client went away; nothing to answer
		}
		s.log.Error("internal error", "op", op, "req_id", reqID, "err", err)
		e = awserr.New(awserr.InternalFailure, "")
		if errors.Is(err, context.DeadlineExceeded) {
			e = errEngineBusy() // overload.go
		}
	}
	h := w.Header()
	h.Set("Content-Type", c.ContentType())
	h.Set("X-Amzn-ErrorType", e.Code)
	w.WriteHeader(e.HTTPStatus())
	w.Write(c.EncodeError(e))
}
