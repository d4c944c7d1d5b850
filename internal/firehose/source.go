package firehose

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/freshet/freshet/internal/store"
)

// Checkpoint is a source's durable position, opaque to the delivery loop: it is stored
// (compare-and-set) after the records before it were delivered, and handed back to the
// source after a restart.
type Checkpoint string

// Source yields a delivery stream's records in order. DirectPut streams read their engine
// log (logSource); KinesisStreamAsSource streams read the Kinesis stream's shards.
type Source interface {
	// Read returns the records after cp, about maxBytes of data at most but at least one
	// record when any is there, and the checkpoint that follows them. When nothing new has
	// arrived it returns no records and cp.
	Read(ctx context.Context, cp Checkpoint, maxBytes int) ([]DeliveryRecord, Checkpoint, error)
}

// source returns the Source of a delivery stream.
func (s *Service) source(m *streamMeta) (Source, error) {
	switch m.Type {
	case typeDirectPut:
		return &logSource{store: s.store, log: m.logName()}, nil
	case typeKinesisSource:
		return s.kinesisSourceOf(m)
	}
	return nil, fmt.Errorf("delivery stream %s: source %s is not supported", m.Name, m.Type)
}

// logSource reads the engine log PutRecord and PutRecordBatch append to. Its checkpoint is
// the sequence number of the next message to read ("" is the start). Messages older than
// the log's retention are gone and skipped, as AWS drops data it could not deliver in 24 h.
type logSource struct {
	store *store.Store
	log   string
}

func (l *logSource) Read(ctx context.Context, cp Checkpoint, maxBytes int) ([]DeliveryRecord, Checkpoint, error) {
	from := uint64(1)
	if cp != "" {
		n, err := strconv.ParseUint(string(cp), 10, 64)
		if err != nil {
			return nil, cp, fmt.Errorf("log checkpoint %q: %w", cp, err)
		}
		from = n
	}
	res, err := l.store.Read(ctx, l.log, store.ReadRequest{From: from, Max: 256, MaxBytes: max(maxBytes, 1)})
	if errors.Is(err, store.ErrNotFound) {
		return nil, cp, nil // deleted under us; the loop sees the stream gone
	}
	if err != nil {
		return nil, cp, err
	}
	var out []DeliveryRecord
	for _, msg := range res.Msgs {
		recs, err := decodeBatch(msg.Seq, msg.Data)
		if err != nil {
			return nil, cp, fmt.Errorf("log %s message %d: %w", l.log, msg.Seq, err)
		}
		out = append(out, recs...)
		cp = Checkpoint(strconv.FormatUint(msg.Seq+1, 10))
	}
	return out, cp, nil
}
