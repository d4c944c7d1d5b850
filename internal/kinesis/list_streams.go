package kinesis

// ListStreams
//
// Behavior:
//   - Lists the caller's streams in its (account, region), sorted by name, DELETING ones
//     included: StreamNames, StreamSummaries, HasMoreStreams.
//   - Limit 1..10000 (default 100; above 100, 100 are returned). ExclusiveStartStreamName
//     starts after that name; NextToken (opaque, issued when HasMoreStreams) continues a
//     listing and expires after 300 s (ExpiredNextTokenException).
//
// Differences from AWS:
//   - NextToken together with ExclusiveStartStreamName is rejected with
//     "NextToken and ExclusiveStartStreamName cannot be provided together.", by analogy with
//     ListShards; the texts for a malformed or expired token are Freshet's own (AWS's were
//     not available to check).

import (
	"context"
	"slices"
	"strings"

	"github.com/freshet/freshet/internal/auth"
	"github.com/freshet/freshet/internal/awserr"
	"github.com/freshet/freshet/internal/awsproto"
)

type ListStreamsInput struct {
	ExclusiveStartStreamName *string `json:"ExclusiveStartStreamName,omitempty"`
	Limit                    *int64  `json:"Limit,omitempty"`
	NextToken                *string `json:"NextToken,omitempty"`
}

type StreamSummary struct {
	StreamARN               string            `json:"StreamARN"`
	StreamCreationTimestamp awsproto.Time     `json:"StreamCreationTimestamp"`
	StreamModeDetails       StreamModeDetails `json:"StreamModeDetails"`
	StreamName              string            `json:"StreamName"`
	StreamStatus            string            `json:"StreamStatus"`
}

type ListStreamsOutput struct {
	HasMoreStreams  bool            `json:"HasMoreStreams"`
	NextToken       *string         `json:"NextToken,omitempty"`
	StreamNames     []string        `json:"StreamNames"`
	StreamSummaries []StreamSummary `json:"StreamSummaries"`
}

const (
	defaultListStreams = 100
	maxListStreams     = 100
)

func (s *Service) ListStreams(ctx context.Context, in *ListStreamsInput) (*ListStreamsOutput, error) {
	var v awserr.Validator
	// AWS checks Limit first (kinesalite's tests, run against AWS).
	v.Int("limit", in.Limit, false, 1, 10000)
	v.Str("exclusiveStartStreamName", in.ExclusiveStartStreamName, false, 1, 128, namePattern)
	v.Str("nextToken", in.NextToken, false, 1, 1048576, nil)
	if err := v.Err(); err != nil {
		return nil, err
	}
	sc := auth.FromContext(ctx)
	now := s.now()
	after := ""
	if in.NextToken != nil {
		if in.ExclusiveStartStreamName != nil {
			return nil, awserr.New(awserr.InvalidArgument, "NextToken and ExclusiveStartStreamName cannot be provided together.")
		}
		t, err := decodePageToken(*in.NextToken, now)
		if err != nil {
			return nil, err
		}
		if t.Account != sc.Account || t.Region != sc.Region || t.Stream != "" {
			return nil, awserr.New(awserr.InvalidArgument, "Invalid NextToken.")
		}
		after = t.After
	} else if in.ExclusiveStartStreamName != nil {
		after = *in.ExclusiveStartStreamName
	}
	limit := defaultListStreams
	if in.Limit != nil {
		limit = min(int(*in.Limit), maxListStreams)
	}

	streams, err := s.listStreams(ctx, sc.Account, sc.Region)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(streams, func(a, b *streamMeta) int { return strings.Compare(a.Name, b.Name) })
	out := &ListStreamsOutput{StreamNames: []string{}, StreamSummaries: []StreamSummary{}}
	for _, m := range streams {
		if after != "" && m.Name <= after {
			continue
		}
		if len(out.StreamNames) == limit {
			out.HasMoreStreams = true
			break
		}
		mode := m.Mode
		out.StreamNames = append(out.StreamNames, m.Name)
		out.StreamSummaries = append(out.StreamSummaries, StreamSummary{
			StreamARN:               m.arn(),
			StreamCreationTimestamp: awsproto.NewTime(timeMs(m.CreatedMs)),
			StreamModeDetails:       StreamModeDetails{StreamMode: &mode},
			StreamName:              m.Name,
			StreamStatus:            m.status(now),
		})
	}
	if out.HasMoreStreams {
		t := (&pageToken{Account: sc.Account, Region: sc.Region, After: out.StreamNames[len(out.StreamNames)-1], IssuedMs: now.UnixMilli()}).encode()
		out.NextToken = &t
	}
	return out, nil
}
