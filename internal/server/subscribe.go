package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/freshet/freshet/internal/awserr"
	"github.com/freshet/freshet/internal/awsproto"
	"github.com/freshet/freshet/internal/kinesis"
)

// DefaultStreamWriteTimeout bounds one event-stream write: a subscriber that stops reading
// holds the write once its flow-control window and socket buffers are full, and is dropped
// when a write has not completed in this time.
const DefaultStreamWriteTimeout = 60 * time.Second

// subscription is what the event-stream writer streams: a *kinesis.Subscription (a
// handler's answer that has these methods is streamed instead of encoded).
type subscription interface {
	Next(ctx context.Context) (*kinesis.SubscribeToShardEvent, error)
	Close()
}

// internalFailureEvent is the exception an internal error becomes mid-stream: the member of
// the SubscribeToShardEventStream union, which the SDKs turn into their typed error.
const internalFailureEvent = "InternalFailureException"

// streamEvents answers SubscribeToShard once the subscription is open: 200, the
// initial-response event, then one SubscribeToShardEvent per Next, each flushed, in the
// request's codec. Next ending with io.EOF, the client leaving or the server shutting down
// end the response cleanly; an *awserr.Error is sent as an exception event first, any
// other error as an InternalFailureException.
//
// Writes are synchronous, so a slow reader slows Next down (HTTP/2 flow control or TCP
// blocks the write) and nothing piles up; a write that does not complete within
// StreamWriteTimeout drops the subscriber.
func (s *Server) streamEvents(w http.ResponseWriter, r *http.Request, c awsproto.Codec, reqID string, sub subscription) {
	defer sub.Close()
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	defer context.AfterFunc(s.closing, cancel)() // Shutdown ends every stream at once

	ew, err := newEventWriter(w, c, s.cfg.StreamWriteTimeout)
	if err != nil {
		s.writeError(w, r, c, reqID, "SubscribeToShard", err)
		return
	}
	w.Header().Set("Content-Type", awsproto.EventStreamContentType)
	w.WriteHeader(http.StatusOK)
	err = ew.write(ew.initial, ew.empty)
	for err == nil {
		var ev *kinesis.SubscribeToShardEvent
		ev, err = sub.Next(ctx)
		if err != nil {
			break
		}
		var payload []byte
		if payload, err = c.Encode(ev); err == nil {
			err = ew.write(ew.event, payload)
		}
	}
	switch e, ok := awserr.As(err); {
	case errors.Is(err, io.EOF) || ctx.Err() != nil:
		s.log.Debug("subscription ended", "req_id", reqID, "err", err)
	case ok:
		err = ew.exception(e.Code, e.Message)
		s.log.Debug("subscription ended with an exception", "req_id", reqID, "code", e.Code, "err", err)
	case errors.Is(err, errEventWrite):
		s.log.Debug("subscriber dropped", "req_id", reqID, "err", err)
	default:
		s.log.Error("subscription failed", "req_id", reqID, "err", err)
		ew.exception(internalFailureEvent, "")
	}
}

// errEventWrite marks a failed write to the subscriber (gone, or not reading).
var errEventWrite = errors.New("write event")

// eventWriter frames events onto one response. It keeps only a small buffer for the
// prelude and headers: the payload is written as the codec encoded it, not copied, so an
// idle subscription holds no event-sized buffer.
type eventWriter struct {
	w         http.ResponseWriter
	rc        *http.ResponseController
	c         awsproto.Codec
	timeout   time.Duration
	head, crc []byte
	// Encoded header sections and the codec's empty structure.
	initial, event, empty []byte
}

func newEventWriter(w http.ResponseWriter, c awsproto.Codec, timeout time.Duration) (*eventWriter, error) {
	ct := awsproto.StringHeader(":content-type", c.ContentType())
	event := awsproto.StringHeader(":message-type", "event")
	initial, err := awsproto.AppendEventHeaders(nil, event, awsproto.StringHeader(":event-type", "initial-response"), ct)
	if err != nil {
		return nil, err
	}
	ev, err := awsproto.AppendEventHeaders(nil, event, awsproto.StringHeader(":event-type", "SubscribeToShardEvent"), ct)
	if err != nil {
		return nil, err
	}
	empty, err := c.Encode(struct{}{})
	if err != nil {
		return nil, err
	}
	return &eventWriter{w: w, rc: http.NewResponseController(w), c: c, timeout: timeout,
		head: make([]byte, 0, 256), crc: make([]byte, 0, 4), initial: initial, event: ev, empty: empty}, nil
}

// write sends one message and flushes it within the write timeout.
func (ew *eventWriter) write(headers, payload []byte) error {
	head, err := awsproto.AppendEventHead(ew.head[:0], headers, len(payload))
	if err != nil {
		return err
	}
	ew.head = head
	ew.crc = awsproto.AppendEventCRC(ew.crc[:0], head, payload)
	_ = ew.rc.SetWriteDeadline(time.Now().Add(ew.timeout))
	for _, b := range [...][]byte{head, payload, ew.crc} {
		if _, err := ew.w.Write(b); err != nil {
			return fmt.Errorf("%w: %w", errEventWrite, err)
		}
	}
	if err := ew.rc.Flush(); err != nil {
		return fmt.Errorf("%w: %w", errEventWrite, err)
	}
	// Lift the deadline until the next write: HTTP/2 resets a stream when its deadline
	// passes even if nothing is being written (between heartbeats, say).
	_ = ew.rc.SetWriteDeadline(time.Time{})
	return nil
}

// exception sends an exception event: its type, and {"message": …} in the codec.
func (ew *eventWriter) exception(code, message string) error {
	if code == awserr.InternalFailure {
		code = internalFailureEvent
	}
	headers, err := awsproto.AppendEventHeaders(nil,
		awsproto.StringHeader(":message-type", "exception"),
		awsproto.StringHeader(":exception-type", code),
		awsproto.StringHeader(":content-type", ew.c.ContentType()))
	if err != nil {
		return err
	}
	payload, err := ew.c.Encode(map[string]string{"message": message})
	if err != nil {
		return err
	}
	return ew.write(headers, payload)
}
