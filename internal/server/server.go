// Package server is Freshet's front door: one listener speaking HTTP/1.1 and HTTP/2
// cleartext (prior knowledge), routing by X-Amz-Target to the services, with request ids,
// body limits, panic recovery, CORS, access logging and health checks.
package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/freshet/freshet/internal/auth"
	"github.com/freshet/freshet/internal/awserr"
	"github.com/freshet/freshet/internal/awsproto"
	"github.com/freshet/freshet/internal/kinesis"
)

// DefaultMaxBody bounds a request body: a 10 MiB PutRecords, base64 encoded, with room for
// partition keys and framing.
const DefaultMaxBody = 16 << 20

// Config configures a Server. Kinesis is required; other zero values work.
type Config struct {
	Kinesis *kinesis.Service
	// Account and Region are used when a request's credential does not name them
	// (defaults 000000000000 and us-east-1).
	Account string
	Region  string
	// MaxBody is the largest request body accepted (default DefaultMaxBody).
	MaxBody int64
	Logger  *slog.Logger
}

// Server serves the AWS APIs on one listener.
type Server struct {
	cfg    Config
	log    *slog.Logger
	routes map[string]handler
	http   *http.Server
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
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, log: cfg.Logger, routes: map[string]handler{}}
	for op, h := range kinesisRoutes(cfg.Kinesis) {
		s.routes[kinesisTarget+op] = h
	}
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	protocols.SetHTTP2(true)
	protocols.SetUnencryptedHTTP2(true)
	s.http = &http.Server{
		Handler:           s,
		Protocols:         &protocols,
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       5 * time.Minute,
		ErrorLog:          slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelDebug),
	}
	return s
}

// Serve accepts connections on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	err := s.http.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting connections and waits for in-flight requests to finish.
func (s *Server) Shutdown(ctx context.Context) error { return s.http.Shutdown(ctx) }

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
		return fn(ctx, in)
	}
}

func newRequestID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

const exposedHeaders = "x-amzn-RequestId,x-amzn-ErrorType,x-amz-request-id,x-amz-id-2,x-amzn-ErrorMessage,Date"

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	reqID := newRequestID()
	h := w.Header()
	h.Set("x-amzn-RequestId", reqID)
	h.Set("x-amz-id-2", reqID)
	if r.Header.Get("Origin") != "" {
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Access-Control-Expose-Headers", exposedHeaders)
		if r.Method == http.MethodOptions {
			h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS, HEAD")
			if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
				h.Set("Access-Control-Allow-Headers", req)
			} else {
				h.Set("Access-Control-Allow-Headers", "*")
			}
			h.Set("Access-Control-Max-Age", "172800")
		}
	}
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), kinesisTarget)
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("panic", "op", op, "req_id", reqID, "err", p)
			s.writeError(w, r, awsproto.JSON, reqID, op, errors.New("panic"))
		}
		s.log.Debug("request", "method", r.Method, "path", r.URL.Path, "op", op, "req_id", reqID, "dur", time.Since(start))
	}()
	switch {
	case r.Method == http.MethodOptions:
		w.WriteHeader(http.StatusOK)
		return
	case r.Method == http.MethodGet && r.URL.Path == "/healthz":
		h.Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "ok\n")
		return
	}
	codec := awsproto.JSON
	target := r.Header.Get("X-Amz-Target")
	route, ok := s.routes[target]
	if !ok || r.Method != http.MethodPost {
		s.writeError(w, r, codec, reqID, op, awserr.New(awserr.UnknownOperation, ""))
		return
	}
	scope, err := auth.Resolve(r, s.cfg.Account, s.cfg.Region)
	if err != nil {
		s.writeError(w, r, codec, reqID, op, err)
		return
	}
	if r.ContentLength > s.cfg.MaxBody {
		s.writeError(w, r, codec, reqID, op, tooLarge(s.cfg.MaxBody))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.writeError(w, r, codec, reqID, op, tooLarge(s.cfg.MaxBody))
			return
		}
		s.log.Debug("read body", "op", op, "req_id", reqID, "err", err)
		return // the client went away
	}
	ctx := auth.WithScope(r.Context(), scope)
	out, err := route(ctx, codec, body)
	if err != nil {
		s.writeError(w, r, codec, reqID, op, err)
		return
	}
	b, err := codec.Encode(out)
	if err != nil {
		s.writeError(w, r, codec, reqID, op, err)
		return
	}
	h.Set("Content-Type", codec.ContentType())
	w.Write(b)
}

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
	}
	h := w.Header()
	h.Set("Content-Type", c.ContentType())
	h.Set("X-Amzn-ErrorType", e.Code)
	w.WriteHeader(e.HTTPStatus())
	w.Write(c.EncodeError(e))
}
