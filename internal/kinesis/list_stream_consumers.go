package kinesis

// ListStreamConsumers
//
// Behavior:
//   - Lists the consumers of the stream StreamARN names (CREATING, ACTIVE and DELETING ones)
//     in name order, MaxResults 1..10000 at a time (default 100; above 100, 100 are
//     returned), with a NextToken when more follow.
//   - NextToken (opaque: the stream incarnation, the last name returned and the issue time)
//     continues a listing for 300 s, then ExpiredNextTokenException; it must come with the
//     StreamARN it was issued for, and cannot be combined with StreamCreationTimestamp
//     ("NextToken and StreamCreationTimestamp cannot be provided together.").
//   - StreamCreationTimestamp must match the stream's creation time, else the stream is not
//     found (it tells apart incarnations of one name). A stream deleted and re-created
//     under the same name makes an older NextToken ResourceNotFoundException.
//
// Differences from AWS:
//   - AWS's listing order is not documented; Freshet's is by consumer name. The texts for a
//     NextToken of another stream and a malformed one are Freshet's.

import (
	"context"
	"slices"
	"strings"

	"github.com/freshet/freshet/internal/awserr"
	"github.com/freshet/freshet/internal/awsproto"
)

type ListStreamConsumersInput struct {
	MaxResults              *int64         `json:"MaxResults,omitempty"`
	NextToken               *string        `json:"NextToken,omitempty"`
	StreamARN               *string        `json:"StreamARN"`
	StreamCreationTimestamp *awsproto.Time `json:"StreamCreationTimestamp,omitempty"`
	StreamId                *string        `json:"StreamId,omitempty"`
}

type ListStreamConsumersOutput struct {
	Consumers []Consumer `json:"Consumers"`
	NextToken *string    `json:"NextToken,omitempty"`
}

const (
	defaultListConsumers = 100
	maxListConsumers     = 100
)

func (s *Service) ListStreamConsumers(ctx context.Context, in *ListStreamConsumersInput) (*ListStreamConsumersOutput, error) {
	var v awserr.Validator
	v.Int("maxResults", in.MaxResults, false, 1, 10000)
	v.Str("nextToken", in.NextToken, false, 1, 1048576, nil)
	v.Str("streamARN", in.StreamARN, true, 1, 2048, streamARNPat)
	if err := v.Err(); err != nil {
		return nil, err
	}
	r, err := parseStreamARN(*in.StreamARN)
	if err != nil {
		return nil, err
	}
	now := s.now()
	after, id := "", ""
	if in.NextToken != nil {
		if in.StreamCreationTimestamp != nil {
			return nil, awserr.New(awserr.InvalidArgument, "NextToken and StreamCreationTimestamp cannot be provided together.")
		}
		t, err := decodePageToken(*in.NextToken, now)
		if err != nil {
			return nil, err
		}
		if (streamRef{t.Account, t.Region, t.Stream}) != r {
			return nil, awserr.Newf(awserr.InvalidArgument, "NextToken was not issued for stream %s.", *in.StreamARN)
		}
		after, id = t.After, t.StreamID
	}
	m, _, err := s.load(ctx, r)
	if err != nil {
		return nil, err
	}
	if (id != "" && m.ID != id) || (in.StreamCreationTimestamp != nil && in.StreamCreationTimestamp.UnixMilli() != m.CreatedMs) {
		return nil, r.notFound()
	}
	limit := defaultListConsumers
	if in.MaxResults != nil {
		limit = min(int(*in.MaxResults), maxListConsumers)
	}
	live := m.liveConsumers(now)
	slices.SortFunc(live, func(a, b *consumerMeta) int { return strings.Compare(a.Name, b.Name) })
	out := &ListStreamConsumersOutput{Consumers: []Consumer{}}
	for _, c := range live {
		if after != "" && c.Name <= after {
			continue
		}
		if len(out.Consumers) == limit {
			t := (&pageToken{
				Account: m.Account, Region: m.Region, Stream: m.Name, StreamID: m.ID,
				After: out.Consumers[len(out.Consumers)-1].ConsumerName, IssuedMs: now.UnixMilli(),
			}).encode()
			out.NextToken = &t
			break
		}
		out.Consumers = append(out.Consumers, c.wire(m, now))
	}
	return out, nil
}
