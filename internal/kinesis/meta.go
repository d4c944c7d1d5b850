package kinesis

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/freshet/freshet/internal/auth"
	"github.com/freshet/freshet/internal/awserr"
	"github.com/freshet/freshet/internal/hashkey"
	"github.com/freshet/freshet/internal/seqnum"
	"github.com/freshet/freshet/internal/store"
)

// Stream statuses and modes as they appear on the wire.
const (
	statusCreating = "CREATING"
	statusDeleting = "DELETING"
	statusActive   = "ACTIVE"
	statusUpdating = "UPDATING"

	modeProvisioned = "PROVISIONED"
	modeOnDemand    = "ON_DEMAND"
)

// streamMeta is everything durable about one stream: one value in the metadata bucket,
// updated with compare-and-set so that concurrent control-plane calls never lose an update.
type streamMeta struct {
	ID      string `json:"id"` // unique per incarnation; names the shard logs
	Name    string `json:"name"`
	Account string `json:"account"`
	Region  string `json:"region"`
	// Status is the stored status; a CREATING or UPDATING status whose StatusUntil has
	// passed reads as ACTIVE, a DELETING one as gone (see status).
	Status      string `json:"status"`
	StatusUntil int64  `json:"statusUntil,omitempty"` // unix ms
	Mode        string `json:"mode"`
	CreatedMs   int64  `json:"created"`

	RetentionHours      int               `json:"retentionHours"`
	Shards              []shardMeta       `json:"shards"`
	NextShardIndex      int               `json:"nextShardIndex"`
	Tags                map[string]string `json:"tags,omitempty"`
	EncryptionType      string            `json:"encryptionType,omitempty"`
	KeyID               string            `json:"keyId,omitempty"`
	ShardLevelMetrics   []string          `json:"shardLevelMetrics,omitempty"`
	MaxRecordSizeKiB    int               `json:"maxRecordSizeKiB"`
	WarmThroughputMiBps *int              `json:"warmThroughputMiBps,omitempty"`
	RecordDistribution  string            `json:"recordDistribution,omitempty"`
	Policy              string            `json:"policy,omitempty"`
	// Reshard is a decided reshard not yet carried out (reshard.go); load completes it.
	Reshard *reshardOp `json:"reshard,omitempty"`
	// Consumers are the enhanced fan-out consumers registered with the stream (consumer.go).
	Consumers []consumerMeta `json:"consumers,omitempty"`
}

// shardMeta is one shard, open or closed.
type shardMeta struct {
	Index     int    `json:"index"`
	StartHash string `json:"start"`
	EndHash   string `json:"end"`
	Parent    int    `json:"parent"`   // -1: none
	Adjacent  int    `json:"adjacent"` // -1: none
	CreatedMs int64  `json:"created"`
	// ClosedMs is when the shard stopped taking writes (0: open). EndingSeq is its
	// EndingSequenceNumber then.
	ClosedMs  int64  `json:"closed,omitempty"`
	EndingSeq string `json:"endingSeq,omitempty"`
}

func shardID(index int) string { return fmt.Sprintf("shardId-%012d", index) }

// parseShardID returns the index of "shardId-000000000007" (and of the bare "7" AWS also
// tolerates), or -1.
func parseShardID(id string) int {
	s := strings.TrimPrefix(id, "shardId-")
	if s == "" || len(s) > 12 {
		return -1
	}
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}

func (m *streamMeta) arn() string { return streamARN(m.Region, m.Account, m.Name) }

func streamARN(region, account, name string) string {
	return "arn:aws:kinesis:" + region + ":" + account + ":stream/" + name
}

// logName is the engine log holding one shard's records.
func (m *streamMeta) logName(index int) string { return fmt.Sprintf("%s_%d", m.ID, index) }

// status is the status as seen at now.
func (m *streamMeta) status(now time.Time) string {
	if m.StatusUntil != 0 && now.UnixMilli() >= m.StatusUntil {
		switch m.Status {
		case statusCreating, statusUpdating:
			return statusActive
		}
	}
	return m.Status
}

// gone reports whether a DELETING stream has finished deleting at now.
func (m *streamMeta) gone(now time.Time) bool {
	return m.Status == statusDeleting && now.UnixMilli() >= m.StatusUntil
}

func (m *streamMeta) shard(index int) *shardMeta {
	for i := range m.Shards {
		if m.Shards[i].Index == index {
			return &m.Shards[i]
		}
	}
	return nil
}

func (sh *shardMeta) hashRange() hashkey.Range {
	start, _ := hashkey.Parse(sh.StartHash)
	end, _ := hashkey.Parse(sh.EndHash)
	return hashkey.Range{Start: start, End: end}
}

// startingSeq is the shard's StartingSequenceNumber: its creation time at index 0.
func (sh *shardMeta) startingSeq() string {
	secs := uint64(sh.CreatedMs / 1000)
	return seqnum.Num{ShardCreated: secs, Shard: uint32(sh.Index), Arrival: secs}.String()
}

// streamRef names a stream in the metadata bucket.
type streamRef struct {
	Account, Region, Name string
}

func (r streamRef) key() string {
	return "kinesis.stream." + r.Account + "." + r.Region + "." + base64.RawURLEncoding.EncodeToString([]byte(r.Name))
}

func streamPrefix(account, region string) string {
	return "kinesis.stream." + account + "." + region + ".*"
}

func (r streamRef) notFound() error {
	return awserr.Newf(awserr.ResourceNotFound, "Stream %s under account %s not found.", r.Name, r.Account)
}

// ref resolves the stream an operation names, by StreamName or StreamARN (which must agree
// when both are given). The ARN's account and region win over the caller's.
func ref(ctx context.Context, name, arn *string) (streamRef, error) {
	sc := auth.FromContext(ctx)
	r := streamRef{Account: sc.Account, Region: sc.Region}
	if arn != nil {
		a, err := parseStreamARN(*arn)
		if err != nil {
			return streamRef{}, err
		}
		if name != nil && *name != a.Name {
			return streamRef{}, awserr.Newf(awserr.InvalidArgument, "StreamARN %s and StreamName %s do not refer to the same stream.", *arn, *name)
		}
		return a, nil
	}
	if name == nil {
		return streamRef{}, awserr.New(awserr.InvalidArgument, "Either StreamName or StreamARN must be provided.")
	}
	r.Name = *name
	return r, nil
}

// parseStreamARN reads arn:aws:kinesis:<region>:<account>:stream/<name>.
func parseStreamARN(arn string) (streamRef, error) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || !strings.HasPrefix(parts[1], "aws") || parts[2] != "kinesis" || !strings.HasPrefix(parts[5], "stream/") {
		return streamRef{}, awserr.Newf(awserr.InvalidArgument, "Invalid StreamARN %s.", arn)
	}
	name := strings.TrimPrefix(parts[5], "stream/")
	if name == "" || strings.Contains(name, "/") {
		return streamRef{}, awserr.Newf(awserr.InvalidArgument, "Invalid StreamARN %s.", arn)
	}
	return streamRef{Account: parts[4], Region: parts[3], Name: name}, nil
}

// load reads a stream's metadata and revision. A missing stream, or one whose deletion has
// completed, is ResourceNotFound.
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
		return nil, 0, fmt.Errorf("decode stream %s: %w", r.key(), err)
	}
	if m.gone(s.now()) {
		s.finishDelete(ctx, r, m, rev)
		return nil, 0, r.notFound()
	}
	return s.settle(ctx, r, m, rev) // pending reshard, expired closed shards (reshard.go)
}

// update applies fn to a stream's metadata and stores the result with compare-and-set,
// retrying on a concurrent change. fn may return an error to abort.
func (s *Service) update(ctx context.Context, r streamRef, fn func(m *streamMeta) error) (*streamMeta, error) {
	return store.MetaModify(ctx, s.store, r.key(), func() (*streamMeta, uint64, error) { return s.load(ctx, r) }, fn)
}

// requireActive fails with AWS's ResourceInUse text unless the stream is ACTIVE.
func (s *Service) requireActive(m *streamMeta) error {
	if st := m.status(s.now()); st != statusActive {
		return awserr.Newf(awserr.ResourceInUse, "Stream %s under account %s not ACTIVE, instead in state %s", m.Name, m.Account, st)
	}
	return nil
}

// finishDelete removes a deleted stream's logs and metadata. It is idempotent: a later read
// completes what an interrupted one left.
func (s *Service) finishDelete(ctx context.Context, r streamRef, m *streamMeta, rev uint64) {
	for _, sh := range m.Shards {
		if err := s.store.DeleteLog(ctx, m.logName(sh.Index)); err != nil {
			s.log.Warn("delete shard log", "stream", m.Name, "shard", shardID(sh.Index), "err", err)
			return
		}
	}
	if err := s.store.MetaDelete(ctx, r.key(), rev); err != nil && !errors.Is(err, store.ErrConflict) {
		s.log.Warn("delete stream metadata", "stream", m.Name, "err", err)
	}
}

// listStreams returns every stream of an account and region that still exists.
func (s *Service) listStreams(ctx context.Context, account, region string) ([]*streamMeta, error) {
	entries, err := s.store.MetaList(ctx, streamPrefix(account, region))
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := make([]*streamMeta, 0, len(entries))
	for _, e := range entries {
		m := new(streamMeta)
		if err := json.Unmarshal(e.Value, m); err != nil {
			return nil, fmt.Errorf("decode stream %s: %w", e.Key, err)
		}
		if m.gone(now) {
			s.finishDelete(ctx, streamRef{m.Account, m.Region, m.Name}, m, e.Rev)
			continue
		}
		out = append(out, m)
	}
	return out, nil
}

// newID returns a StreamId-shaped identifier: 20 lowercase alphanumerics, '-', 3 more.
func newID() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 24)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	b[20] = '-'
	return string(b)
}

func marshalMeta(m *streamMeta) ([]byte, error) { return json.Marshal(m) }

func timeMs(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// nonNil turns a nil slice into an empty one, for members AWS always sends as a list.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
