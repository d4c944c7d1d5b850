package kinesis

// TagResource
//
// Behavior:
//   - Adds or overwrites tags on the stream a stream ResourceARN names, with the rules of
//     AddTagsToStream (at most 50 tags, AWS's character rules), in one compare-and-set.
//   - The ARN's account and region name the stream, whoever the caller is.
//
// Differences from AWS:
//   - Channel ARNs are not implemented: ResourceNotFoundException. Consumer ARNs tag the
//     consumer (consumer_tags.go; at most 50 tags, the stream's character rules).
//   - The error texts are AddTagsToStream's; AWS's own texts for this operation are unknown.

import (
	"context"
	"strings"

	"github.com/freshet/freshet/internal/awserr"
)

type TagResourceInput struct {
	ResourceARN *string           `json:"ResourceARN"`
	Tags        map[string]string `json:"Tags"`
}

type TagResourceOutput struct{}

// tagResourceARNPat is the ResourceARN pattern of the tagging operations, which also name
// channels.
var tagResourceARNPat = awserr.NewPattern(`arn:aws.*:kinesis:.*:\d{12}:.*(stream|channel)/\S+`)

func (s *Service) TagResource(ctx context.Context, in *TagResourceInput) (*TagResourceOutput, error) {
	var v awserr.Validator
	v.Str("resourceARN", in.ResourceARN, true, 1, 2048, tagResourceARNPat)
	if in.Tags == nil {
		v.Null("tags")
	}
	checkTags(&v, "tags", in.Tags, in.Tags != nil)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if c, ok := consumerResource(*in.ResourceARN); ok { // consumer_tags.go
		if err := s.tagConsumer(ctx, c, in.Tags); err != nil {
			return nil, err
		}
		return &TagResourceOutput{}, nil
	}
	r, err := resourceStream(*in.ResourceARN)
	if err != nil {
		return nil, err
	}
	if err := s.addTags(ctx, r, in.Tags); err != nil {
		return nil, err
	}
	return &TagResourceOutput{}, nil
}

// resourceStream resolves a ResourceARN that must name a stream. Consumer and channel ARNs
// name resources Freshet does not have yet: ResourceNotFound.
func resourceStream(arn string) (streamRef, error) {
	rest := arn
	if i := strings.LastIndex(arn, ":stream/"); i >= 0 {
		rest = arn[i+len(":stream/"):]
	}
	if strings.Contains(arn, ":channel/") || strings.Contains(rest, "/consumer/") {
		return streamRef{}, awserr.Newf(awserr.ResourceNotFound, "Resource %s not found.", arn)
	}
	r, err := parseStreamARN(arn)
	if err != nil {
		return streamRef{}, awserr.Newf(awserr.InvalidArgument, "Invalid ResourceARN %s.", arn)
	}
	return r, nil
}
