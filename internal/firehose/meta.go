package firehose

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/freshet/freshet/internal/auth"
	"github.com/freshet/freshet/internal/awserr"
	"github.com/freshet/freshet/internal/store"
)

// Delivery stream statuses and types as they appear on the wire.
const (
	statusCreating = "CREATING"
	statusDeleting = "DELETING"
	statusActive   = "ACTIVE"

	typeDirectPut     = "DirectPut"
	typeKinesisSource = "KinesisStreamAsSource"

	destinationID = "destinationId-000000000001"
)

// streamMeta is everything durable about one delivery stream: one value in the metadata
// bucket, updated with compare-and-set.
type streamMeta struct {
	ID      string `json:"id"` // unique per incarnation; names the log and the cursor
	Name    string `json:"name"`
	Account string `json:"account"`
	Region  string `json:"region"`
	Type    string `json:"type"`
	// Status is the stored status; CREATING whose StatusUntil has passed reads as ACTIVE,
	// DELETING as gone.
	Status      string `json:"status"`
	StatusUntil int64  `json:"statusUntil,omitempty"` // unix ms
	CreatedMs   int64  `json:"created"`
	UpdatedMs   int64  `json:"updated,omitempty"`
	// Version is VersionId: 1 at creation, +1 per UpdateDestination.
	Version int `json:"version"`

	// S3 is the destination, with AWS's defaults filled in. PlainS3 records that it was
	// given as an S3DestinationConfiguration.
	S3      *ExtendedS3DestinationConfiguration `json:"s3,omitempty"`
	PlainS3 bool                                `json:"plainS3,omitempty"`
	// HTTP is an HTTP endpoint destination (http_destination.go); S3 then holds its
	// S3Configuration, where failed and backed-up data go.
	HTTP *HttpEndpointDestinationConfiguration `json:"http,omitempty"`

	DirectPut     *DirectPutSourceConfiguration     `json:"directPut,omitempty"`
	KinesisSource *KinesisStreamSourceConfiguration `json:"kinesisSource,omitempty"`

	Tags       []tagPair       `json:"tags,omitempty"` // in the order they were first added
	Encryption *encryptionMeta `json:"encryption,omitempty"`
}

type tagPair struct {
	Key   string `json:"k"`
	Value string `json:"v"`
}

// encryptionMeta is server-side encryption as recorded (nothing is encrypted).
type encryptionMeta struct {
	KeyType string `json:"keyType,omitempty"`
	KeyARN  string `json:"keyArn,omitempty"`
	Status  string `json:"status"`
}

func (m *streamMeta) arn() string { return streamARN(m.Region, m.Account, m.Name) }

func streamARN(region, account, name string) string {
	return "arn:aws:firehose:" + region + ":" + account + ":deliverystream/" + name
}

// logName is the engine log holding the records put to a DirectPut delivery stream.
func (m *streamMeta) logName() string { return "fh_" + m.ID }

// cursorKey is the metadata key of the stream's delivery position (deliver.go).
func (m *streamMeta) cursorKey() string { return "firehose.cursor." + m.ID }

func (m *streamMeta) versionID() string { return strconv.Itoa(m.Version) }

// status is the status as seen at now.
func (m *streamMeta) status(now time.Time) string {
	if m.Status == statusCreating && m.StatusUntil != 0 && now.UnixMilli() >= m.StatusUntil {
		return statusActive
	}
	return m.Status
}

// gone reports whether a DELETING stream has finished deleting at now.
func (m *streamMeta) gone(now time.Time) bool {
	return m.Status == statusDeleting && now.UnixMilli() >= m.StatusUntil
}

// streamRef names a delivery stream in the metadata bucket.
type streamRef struct {
	Account, Region, Name string
}

func refOf(ctx context.Context, name string) streamRef {
	sc := auth.FromContext(ctx)
	return streamRef{Account: sc.Account, Region: sc.Region, Name: name}
}

func (r streamRef) key() string {
	return "firehose.stream." + r.Account + "." + r.Region + "." + base64.RawURLEncoding.EncodeToString([]byte(r.Name))
}

func streamPrefix(account, region string) string {
	return "firehose.stream." + account + "." + region + ".*"
}

// allStreams matches every delivery stream of every account and region.
const allStreams = "firehose.stream.>"

func (r streamRef) notFound() error {
	return awserr.Newf(awserr.ResourceNotFound, "Firehose %s under account %s not found.", r.Name, r.Account)
}

// load reads a delivery stream's metadata and revision. A missing stream, or one whose
// deletion has completed, is ResourceNotFound.
func (s *Service) load(ctx context.Context, r streamRef) (*streamMeta, uint64, error) {
	b, rev, err := s.store.MetaGet(ctx, r.key())
	if errors.Is(err, store.ErrNotFound) {
		return nil, 0, r.notFound()
	}
	if err != nil {
		return nil, 0, err
	}
	m := new(streamMeta)
	if err := json.Unmarshal(b, m); err != nil {
		return nil, 0, fmt.Errorf("decode delivery stream %s: %w", r.key(), err)
	}
	if m.gone(s.now()) {
		s.finishDelete(ctx, r, m, rev)
		return nil, 0, r.notFound()
	}
	return m, rev, nil
}

// update applies fn to a stream's metadata and stores the result with compare-and-set,
// retrying on a concurrent change. fn may return an error to abort.
func (s *Service) update(ctx context.Context, r streamRef, fn func(m *streamMeta) error) (*streamMeta, error) {
	return store.MetaModify(ctx, s.store, r.key(), func() (*streamMeta, uint64, error) { return s.load(ctx, r) }, fn)
}

// finishDelete stops the stream's delivery and removes its log, cursor and metadata. It is
// idempotent: a later read completes what an interrupted one left.
func (s *Service) finishDelete(ctx context.Context, r streamRef, m *streamMeta, rev uint64) {
	s.stopLoop(m.ID)
	if err := s.store.DeleteLog(ctx, m.logName()); err != nil {
		s.log.Warn("delete delivery stream log", "stream", m.Name, "err", err)
		return
	}
	if _, crev, err := s.store.MetaGet(ctx, m.cursorKey()); err == nil {
		_ = s.store.MetaDelete(ctx, m.cursorKey(), crev)
	}
	if err := s.store.MetaDelete(ctx, r.key(), rev); err != nil && !errors.Is(err, store.ErrConflict) {
		s.log.Warn("delete delivery stream metadata", "stream", m.Name, "err", err)
	}
}

// list returns the delivery streams matching a metadata filter that still exist.
func (s *Service) list(ctx context.Context, filter string) ([]*streamMeta, error) {
	entries, err := s.store.MetaList(ctx, filter)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := make([]*streamMeta, 0, len(entries))
	for _, e := range entries {
		m := new(streamMeta)
		if err := json.Unmarshal(e.Value, m); err != nil {
			return nil, fmt.Errorf("decode delivery stream %s: %w", e.Key, err)
		}
		if m.gone(now) {
			s.finishDelete(ctx, streamRef{m.Account, m.Region, m.Name}, m, e.Rev)
			continue
		}
		out = append(out, m)
	}
	return out, nil
}

// newID returns a random identifier of 20 lowercase alphanumerics.
func newID() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 20)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
