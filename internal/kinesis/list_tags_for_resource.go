package kinesis

// ListTagsForResource
//
// Behavior:
//   - Lists every tag of the stream a stream ResourceARN names, sorted by key (no paging:
//     a stream holds at most 50 tags).
//
// Differences from AWS:
//   - Channel ARNs are not implemented: ResourceNotFoundException. A consumer ARN names
//     the consumer's tags (consumer_tags.go).

import (
	"context"

	"github.com/freshet/freshet/internal/awserr"
)

type ListTagsForResourceInput struct {
	ResourceARN *string `json:"ResourceARN"`
}

type ListTagsForResourceOutput struct {
	Tags []Tag `json:"Tags"`
}

func (s *Service) ListTagsForResource(ctx context.Context, in *ListTagsForResourceInput) (*ListTagsForResourceOutput, error) {
	var v awserr.Validator
	v.Str("resourceARN", in.ResourceARN, true, 1, 2048, tagResourceARNPat)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if c, ok := consumerResource(*in.ResourceARN); ok { // consumer_tags.go
		tags, err := s.consumerTags(ctx, c)
		if err != nil {
			return nil, err
		}
		return &ListTagsForResourceOutput{Tags: tags}, nil
	}
	r, err := resourceStream(*in.ResourceARN)
	if err != nil {
		return nil, err
	}
	m, _, err := s.load(ctx, r)
	if err != nil {
		return nil, err
	}
	return &ListTagsForResourceOutput{Tags: tagList(m.Tags, "")}, nil
}
