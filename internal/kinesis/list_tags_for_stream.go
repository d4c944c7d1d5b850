package kinesis

// ListTagsForStream
//
// Behavior:
//   - Lists a stream's tags sorted by key, starting after ExclusiveStartTagKey, at most Limit
//     (1..50, default 50) of them; HasMoreTags says whether more follow.
//
// Differences from AWS:
//   - The default Limit is 50 (every tag a stream can hold); AWS does not document its default.

import (
	"context"

	"github.com/freshet/freshet/internal/awserr"
)

type ListTagsForStreamInput struct {
	ExclusiveStartTagKey *string `json:"ExclusiveStartTagKey,omitempty"`
	Limit                *int64  `json:"Limit,omitempty"`
	StreamARN            *string `json:"StreamARN,omitempty"`
	StreamName           *string `json:"StreamName,omitempty"`
}

type ListTagsForStreamOutput struct {
	HasMoreTags bool  `json:"HasMoreTags"`
	Tags        []Tag `json:"Tags"`
}

func (s *Service) ListTagsForStream(ctx context.Context, in *ListTagsForStreamInput) (*ListTagsForStreamOutput, error) {
	var v awserr.Validator
	// AWS checks Limit before ExclusiveStartTagKey (kinesalite's tests, run against AWS).
	v.Int("limit", in.Limit, false, 1, tagListMax)
	v.Str("exclusiveStartTagKey", in.ExclusiveStartTagKey, false, 1, tagKeyMax, nil)
	r, err := streamOf(ctx, &v, in.StreamName, in.StreamARN)
	if err != nil {
		return nil, err
	}
	m, _, err := s.load(ctx, r)
	if err != nil {
		return nil, err
	}
	after := ""
	if in.ExclusiveStartTagKey != nil {
		after = *in.ExclusiveStartTagKey
	}
	limit := tagListMax
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	tags := tagList(m.Tags, after)
	out := &ListTagsForStreamOutput{Tags: tags}
	if len(tags) > limit {
		out.Tags, out.HasMoreTags = tags[:limit], true
	}
	return out, nil
}
