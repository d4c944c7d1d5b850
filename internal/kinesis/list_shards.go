package kinesis

// ListShards
//
// Behavior:
//   - Lists the shards of a stream named by StreamName or StreamARN, in shard-id order,
//     MaxResults 1..10000 at a time (default 1000; above 1000, 1000 are returned), starting
//     after ExclusiveStartShardId if given. A closed shard older than the retention period
//     (expired) is never listed.
//   - ShardFilter selects shards by their lifetime [created, closed]; the trim horizon is
//     now minus the retention period, but never before the stream was created:
//     FROM_TRIM_HORIZON (the default) every unexpired shard; AT_TRIM_HORIZON the shards open
//     at the trim horizon; AT_LATEST the open shards; AT_TIMESTAMP the shards open at
//     Timestamp; FROM_TIMESTAMP the open shards and those closed at or after Timestamp
//     (both timestamps are raised to the trim horizon); AFTER_SHARD_ID the shards after
//     ShardId. AFTER_SHARD_ID needs ShardId, the timestamp types need Timestamp, and
//     ShardId/Timestamp are refused with the other types.
//   - NextToken (opaque; it carries the stream, the filter, the position and its issue
//     time) continues a listing for 300 s, then ExpiredNextTokenException. It cannot be
//     combined with StreamName, StreamARN, ExclusiveStartShardId, ShardFilter or
//     StreamCreationTimestamp ("NextToken and X cannot be provided together.", AWS's text).
//   - StreamCreationTimestamp must match the stream's creation time, else the stream is
//     not found (it tells apart incarnations of one name).
//   - A DELETING stream lists no shards.
//
// Differences from AWS:
//   - The texts for a missing or misplaced ShardId/Timestamp in ShardFilter, for a
//     malformed NextToken and for an expired one are Freshet's own (AWS's were not
//     available to check).

import (
	"context"
	"slices"
	"time"

	"github.com/freshet/freshet/internal/awserr"
	"github.com/freshet/freshet/internal/awsproto"
)

type ShardFilter struct {
	ShardId   *string        `json:"ShardId,omitempty"`
	Timestamp *awsproto.Time `json:"Timestamp,omitempty"`
	Type      *string        `json:"Type"`
}

type ListShardsInput struct {
	ExclusiveStartShardId   *string        `json:"ExclusiveStartShardId,omitempty"`
	MaxResults              *int64         `json:"MaxResults,omitempty"`
	NextToken               *string        `json:"NextToken,omitempty"`
	ShardFilter             *ShardFilter   `json:"ShardFilter,omitempty"`
	StreamARN               *string        `json:"StreamARN,omitempty"`
	StreamCreationTimestamp *awsproto.Time `json:"StreamCreationTimestamp,omitempty"`
	StreamName              *string        `json:"StreamName,omitempty"`
}

type ListShardsOutput struct {
	NextToken *string `json:"NextToken,omitempty"`
	Shards    []Shard `json:"Shards"`
}

const (
	filterAfterShardID    = "AFTER_SHARD_ID"
	filterAtTrimHorizon   = "AT_TRIM_HORIZON"
	filterFromTrimHorizon = "FROM_TRIM_HORIZON"
	filterAtLatest        = "AT_LATEST"
	filterAtTimestamp     = "AT_TIMESTAMP"
	filterFromTimestamp   = "FROM_TIMESTAMP"
	defaultListShards     = 1000
	maxListShards         = 1000
)

var shardFilterTypes = []string{filterAfterShardID, filterAtTrimHorizon, filterFromTrimHorizon, filterAtLatest, filterAtTimestamp, filterFromTimestamp}

func (s *Service) ListShards(ctx context.Context, in *ListShardsInput) (*ListShardsOutput, error) {
	var v awserr.Validator
	v.Str("exclusiveStartShardId", in.ExclusiveStartShardId, false, 1, 128, namePattern)
	v.Int("maxResults", in.MaxResults, false, 1, 10000)
	v.Str("nextToken", in.NextToken, false, 1, 1048576, nil)
	if f := in.ShardFilter; f != nil {
		v.Str("shardFilter.shardId", f.ShardId, false, 1, 128, namePattern)
		v.Enum("shardFilter.type", f.Type, true, shardFilterTypes)
	}
	checkStreamARN(&v, in.StreamARN)
	checkStreamName(&v, in.StreamName)
	if err := v.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	var (
		r      streamRef
		filter *tokenFilter
		after  string
		id     string
	)
	if in.NextToken != nil {
		for _, c := range []struct {
			set  bool
			name string
		}{
			{in.StreamName != nil, "StreamName"},
			{in.StreamARN != nil, "StreamARN"},
			{in.ExclusiveStartShardId != nil, "ExclusiveStartShardId"},
			{in.ShardFilter != nil, "ShardFilter"},
			{in.StreamCreationTimestamp != nil, "StreamCreationTimestamp"},
		} {
			if c.set {
				return nil, awserr.Newf(awserr.InvalidArgument, "NextToken and %s cannot be provided together.", c.name)
			}
		}
		t, err := decodePageToken(*in.NextToken, now)
		if err != nil {
			return nil, err
		}
		if t.Stream == "" {
			return nil, awserr.New(awserr.InvalidArgument, "Invalid NextToken.")
		}
		r = streamRef{Account: t.Account, Region: t.Region, Name: t.Stream}
		filter, after, id = t.Filter, t.After, t.StreamID
	} else {
		if in.StreamName == nil && in.StreamARN == nil {
			return nil, awserr.New(awserr.InvalidArgument, "Either NextToken or StreamName should be provided.")
		}
		var err error
		if r, err = ref(ctx, in.StreamName, in.StreamARN); err != nil {
			return nil, err
		}
		if filter, err = checkShardFilter(in.ShardFilter); err != nil {
			return nil, err
		}
		if in.ExclusiveStartShardId != nil {
			after = *in.ExclusiveStartShardId
		}
	}
	m, _, err := s.load(ctx, r)
	if err != nil {
		return nil, err
	}
	if (id != "" && m.ID != id) || (in.StreamCreationTimestamp != nil && in.StreamCreationTimestamp.UnixMilli() != m.CreatedMs) {
		return nil, r.notFound()
	}
	limit := defaultListShards
	if in.MaxResults != nil {
		limit = min(int(*in.MaxResults), maxListShards)
	}
	out := &ListShardsOutput{Shards: []Shard{}}
	if m.status(now) == statusDeleting {
		return out, nil
	}
	horizon := s.trimHorizon(m, now)
	more := false
	for _, sh := range m.sortedShards() {
		if sh.expired(horizon) || !filter.match(sh, horizon) || (after != "" && shardID(sh.Index) <= after) {
			continue
		}
		if len(out.Shards) == limit {
			more = true
			break
		}
		out.Shards = append(out.Shards, sh.wire())
	}
	if more {
		t := (&pageToken{
			Account: m.Account, Region: m.Region, Stream: m.Name, StreamID: m.ID,
			After: out.Shards[len(out.Shards)-1].ShardId, Filter: filter, IssuedMs: now.UnixMilli(),
		}).encode()
		out.NextToken = &t
	}
	return out, nil
}

// checkShardFilter enforces which members each ShardFilter type needs and allows.
func checkShardFilter(f *ShardFilter) (*tokenFilter, error) {
	if f == nil {
		return nil, nil
	}
	t := &tokenFilter{Type: *f.Type}
	switch t.Type {
	case filterAfterShardID:
		if f.ShardId == nil {
			return nil, awserr.New(awserr.InvalidArgument, "ShardId must be provided in ShardFilter when its Type is AFTER_SHARD_ID.")
		}
		t.ShardID = *f.ShardId
	case filterAtTimestamp, filterFromTimestamp:
		if f.Timestamp == nil {
			return nil, awserr.Newf(awserr.InvalidArgument, "Timestamp must be provided in ShardFilter when its Type is %s.", t.Type)
		}
		t.TimestampMs = f.Timestamp.UnixMilli()
	}
	if f.ShardId != nil && t.Type != filterAfterShardID {
		return nil, awserr.Newf(awserr.InvalidArgument, "ShardId can only be provided in ShardFilter when its Type is AFTER_SHARD_ID, not %s.", t.Type)
	}
	if f.Timestamp != nil && t.Type != filterAtTimestamp && t.Type != filterFromTimestamp {
		return nil, awserr.Newf(awserr.InvalidArgument, "Timestamp can only be provided in ShardFilter when its Type is AT_TIMESTAMP or FROM_TIMESTAMP, not %s.", t.Type)
	}
	return t, nil
}

// match reports whether a shard passes the filter (nil: FROM_TRIM_HORIZON); horizon is the
// stream's trim horizon in unix ms.
func (f *tokenFilter) match(sh *shardMeta, horizon int64) bool {
	if f == nil {
		return true
	}
	switch f.Type {
	case filterAtTrimHorizon:
		return sh.openAt(horizon)
	case filterAtLatest:
		return sh.ClosedMs == 0
	case filterAtTimestamp:
		return sh.openAt(max(f.TimestampMs, horizon))
	case filterFromTimestamp:
		return sh.ClosedMs == 0 || sh.ClosedMs >= max(f.TimestampMs, horizon)
	case filterAfterShardID:
		return shardID(sh.Index) > f.ShardID
	}
	return true // FROM_TRIM_HORIZON
}

// openAt reports whether the shard existed and was open at t (unix ms).
func (sh *shardMeta) openAt(t int64) bool {
	return sh.CreatedMs <= t && (sh.ClosedMs == 0 || sh.ClosedMs >= t)
}

// expired reports whether a closed shard's records have all aged out at the horizon.
func (sh *shardMeta) expired(horizon int64) bool {
	return sh.ClosedMs != 0 && sh.ClosedMs < horizon
}

// trimHorizon is the oldest time (unix ms) whose records the stream may still hold: now
// minus the retention period, but not before the stream was created.
func (s *Service) trimHorizon(m *streamMeta, now time.Time) int64 {
	return max(now.Add(-s.retention(m)).UnixMilli(), m.CreatedMs)
}

// sortedShards returns the stream's shards in shard-id order.
func (m *streamMeta) sortedShards() []*shardMeta {
	out := make([]*shardMeta, len(m.Shards))
	for i := range m.Shards {
		out[i] = &m.Shards[i]
	}
	slices.SortFunc(out, func(a, b *shardMeta) int { return a.Index - b.Index })
	return out
}
