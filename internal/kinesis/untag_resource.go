package kinesis

// UntagResource
//
// Behavior:
//   - Removes tag keys from the stream a stream ResourceARN names (keys it lacks are
//     ignored), with the rules of RemoveTagsFromStream, in one compare-and-set.
//
// Differences from AWS:
//   - Channel ARNs are not implemented: ResourceNotFoundException. A consumer ARN names
//     the consumer's tags (consumer_tags.go).

import (
	"context"

	"github.com/freshet/freshet/internal/awserr"
)

type UntagResourceInput struct {
	ResourceARN *string  `json:"ResourceARN"`
	TagKeys     []string `json:"TagKeys"`
}

type UntagResourceOutput struct{}

func (s *Service) UntagResource(ctx context.Context, in *UntagResourceInput) (*UntagResourceOutput, error) {
	var v awserr.Validator
	v.Str("resourceARN", in.ResourceARN, true, 1, 2048, tagResourceARNPat)
	checkTagKeys(&v, "tagKeys", in.TagKeys)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if c, ok := consumerResource(*in.ResourceARN); ok { // consumer_tags.go
		if err := s.untagConsumer(ctx, c, in.TagKeys); err != nil {
			return nil, err
		}
		return &UntagResourceOutput{}, nil
	}
	r, err := resourceStream(*in.ResourceARN)
	if err != nil {
		return nil, err
	}
	if err := s.removeTags(ctx, r, in.TagKeys); err != nil {
		return nil, err
	}
	return &UntagResourceOutput{}, nil
}
