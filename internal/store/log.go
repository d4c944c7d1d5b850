package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// A log is one JetStream stream holding one shard's record batches. Its name is given by
// the caller and must be a valid JetStream stream name without dots; its subject is
// "fl.<name>".

func logSubject(name string) string { return "fl." + name }

func checkLogName(name string) error {
	if name == "" || strings.ContainsAny(name, ". *>\t\r\n/\\") {
		return fmt.Errorf("invalid log name %q", name)
	}
	return nil
}

// CreateLog creates an empty log whose messages expire after maxAge (0: never).
// Creating a log that exists with the same settings succeeds.
func (s *Store) CreateLog(ctx context.Context, name string, maxAge time.Duration) error {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.engine.RUnlock()
	if err := checkLogName(name); err != nil {
		return err
	}
	_, err := s.js.CreateStream(ctx, s.logConfig(name, maxAge))
	if err != nil && !errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
		return fmt.Errorf("create log %s: %w", name, err)
	}
	return nil
}

func (s *Store) logConfig(name string, maxAge time.Duration) jetstream.StreamConfig {
	return jetstream.StreamConfig{
		Name:        name,
		Subjects:    []string{logSubject(name)},
		Storage:     s.storage,
		Retention:   jetstream.LimitsPolicy,
		Discard:     jetstream.DiscardOld,
		MaxAge:      maxAge,
		MaxMsgSize:  maxMessage,
		AllowDirect: true,
		Duplicates:  time.Second,
	}
}

// SetLogMaxAge changes how long a log keeps its messages; it applies to existing ones too.
func (s *Store) SetLogMaxAge(ctx context.Context, name string, maxAge time.Duration) error {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.engine.RUnlock()
	cfg := s.logConfig(name, maxAge)
	if st, err := s.js.Stream(ctx, name); err == nil {
		cfg.Subjects = st.CachedInfo().Config.Subjects // a closed log stays closed (CloseLog)
	}
	_, err := s.js.UpdateStream(ctx, cfg)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("update log %s: %w", name, err)
	}
	return nil
}

// DeleteLog removes a log and frees its data. A log that does not exist is not an error.
func (s *Store) DeleteLog(ctx context.Context, name string) error {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.engine.RUnlock()
	err := s.js.DeleteStream(ctx, name)
	if err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
		return fmt.Errorf("delete log %s: %w", name, err)
	}
	return nil
}

// Append writes one message to a log and returns its sequence number once the engine has
// stored it. A missing log gives ErrNotFound.
func (s *Store) Append(ctx context.Context, name string, payload []byte) (uint64, error) {
	if err := s.enter(); err != nil {
		return 0, err
	}
	defer s.engine.RUnlock()
	// No engine retry on "no responders": a closed log (CloseLog) answers at once, so
	// the caller can re-route without waiting 2×250ms.
	ack, err := s.js.Publish(ctx, logSubject(name), payload, jetstream.WithExpectStream(name), jetstream.WithRetryAttempts(0))
	if errors.Is(err, nats.ErrNoResponders) || errors.Is(err, jetstream.ErrNoStreamResponse) {
		return 0, ErrNotFound
	}
	if err != nil && errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		// The engine never acknowledged: if the log was deleted while the write was in
		// flight, the write was not stored and the log is gone, which the caller must hear.
		if _, serr := s.js.Stream(ctx, name); errors.Is(serr, jetstream.ErrStreamNotFound) {
			return 0, ErrNotFound
		}
	}
	if err != nil {
		if !errors.Is(err, context.Canceled) {
			s.writeFailed() // perhaps a write error the engine holds (repair.go)
		}
		return 0, fmt.Errorf("append to %s: %w", name, err)
	}
	s.notify(name, false) // stored: wake the log's watchers (watch.go)
	return ack.Sequence, nil
}

// LogState describes a log's current extent.
type LogState struct {
	First, Last uint64 // First > Last when the log is empty
	Msgs        uint64
	LastTime    time.Time
}

// State returns a log's extent, or ErrNotFound.
func (s *Store) State(ctx context.Context, name string) (LogState, error) {
	if err := s.enter(); err != nil {
		return LogState{}, err
	}
	defer s.engine.RUnlock()
	return s.state(ctx, name)
}

func (s *Store) state(ctx context.Context, name string) (LogState, error) {
	st, err := s.js.Stream(ctx, name)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return LogState{}, ErrNotFound
	}
	if err != nil {
		return LogState{}, fmt.Errorf("log %s state: %w", name, err)
	}
	c := st.CachedInfo().State
	return LogState{First: c.FirstSeq, Last: c.LastSeq, Msgs: c.Msgs, LastTime: c.LastTime}, nil
}

// Msg is one stored message.
type Msg struct {
	Seq  uint64
	Time time.Time // when the engine stored it
	Data []byte
}

// ReadRequest says where a read starts and how much it returns.
type ReadRequest struct {
	From     uint64    // first sequence to return (messages before it are skipped)
	Since    time.Time // if set, start at the first message stored at or after this time instead of From
	Max      int       // at most this many messages (>= 1)
	MaxBytes int       // stop after about this many bytes (0: engine default)
}

// ReadResult is what a read found: the messages in order, and how many more follow them.
type ReadResult struct {
	Msgs    []Msg
	Pending uint64
}

type directGet struct {
	Seq       uint64     `json:"seq,omitempty"`
	Batch     int        `json:"batch,omitempty"`
	MaxBytes  int        `json:"max_bytes,omitempty"`
	StartTime *time.Time `json:"start_time,omitempty"`
}

// Read fetches consecutive messages of a log by position, in one engine round trip.
// Its cost does not depend on how much older data the log holds.
func (s *Store) Read(ctx context.Context, name string, r ReadRequest) (ReadResult, error) {
	if err := s.enter(); err != nil {
		return ReadResult{}, err
	}
	defer s.engine.RUnlock()
	if r.Max < 1 {
		r.Max = 1
	}
	req := directGet{Seq: r.From, Batch: r.Max, MaxBytes: r.MaxBytes}
	if req.Seq == 0 {
		req.Seq = 1
	}
	if !r.Since.IsZero() {
		// Nothing is stored before 1970, and the engine's JSON cannot carry a year below 0.
		t := r.Since.UTC()
		if t.Before(time.Unix(0, 0)) {
			t = time.Unix(0, 0).UTC()
		}
		req.StartTime, req.Seq = &t, 0
	}
	body, err := json.Marshal(req)
	if err != nil {
		return ReadResult{}, err
	}
	token, reply, answer, err := s.reads.register()
	if err != nil {
		return ReadResult{}, fmt.Errorf("read %s: %w", name, err)
	}
	defer s.reads.forget(token)
	if err := s.nc.PublishRequest("$JS.API.DIRECT.GET."+name, reply, body); err != nil {
		return ReadResult{}, fmt.Errorf("read %s: %w", name, err)
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
	}
	select {
	case <-answer.done:
	case <-ctx.Done():
		return ReadResult{}, fmt.Errorf("read %s: %w", name, ctx.Err())
	}
	if answer.err != nil {
		return ReadResult{}, fmt.Errorf("read %s: %w", name, answer.err)
	}
	// Every message but the last is data; the last is a status (dispatch stops there).
	data, last := answer.msgs[:len(answer.msgs)-1], answer.msgs[len(answer.msgs)-1]
	var res ReadResult
	switch last.Header.Get("Status") {
	case "404": // nothing at or after the position
	case "204": // end of batch
		res.Pending, _ = strconv.ParseUint(last.Header.Get("Nats-Num-Pending"), 10, 64)
	case "503": // no responders: no such log
		return ReadResult{}, ErrNotFound
	default:
		return ReadResult{}, fmt.Errorf("read %s: engine status %s %s", name, last.Header.Get("Status"), last.Header.Get("Description"))
	}
	if len(data) > 0 {
		res.Msgs = make([]Msg, 0, len(data))
	}
	for _, m := range data {
		seq, err := strconv.ParseUint(m.Header.Get("Nats-Sequence"), 10, 64)
		if err != nil {
			return ReadResult{}, fmt.Errorf("read %s: bad sequence header: %w", name, err)
		}
		ts, _ := time.Parse(time.RFC3339Nano, m.Header.Get("Nats-Time-Stamp"))
		res.Msgs = append(res.Msgs, Msg{Seq: seq, Time: ts, Data: m.Data})
	}
	return res, nil
}
