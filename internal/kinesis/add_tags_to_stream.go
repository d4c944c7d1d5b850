package kinesis

// AddTagsToStream
//
// Behavior:
//   - Adds or overwrites tags on a stream named by StreamName or StreamARN, in one
//     compare-and-set of the stream's metadata, so concurrent calls never lose a tag.
//   - A stream holds at most 50 tags (InvalidArgumentException, AWS's text); keys and values
//     may hold Unicode letters and digits, the space and _ . / = + - @ : (others:
//     InvalidArgumentException); '%' is refused with AWS's second, longer text.
//   - Works on a CREATING, ACTIVE or UPDATING stream; a DELETING one is not found.
//
// Differences from AWS:
//   - The 50-tag message says 50; AWS has been seen to say "10" with the same limit.
//   - AWS lists ResourceInUseException for this operation; when it answers it is unknown,
//     so Freshet never does.

import (
	"context"

	"github.com/freshet/freshet/internal/awserr"
)

type AddTagsToStreamInput struct {
	StreamARN  *string           `json:"StreamARN,omitempty"`
	StreamName *string           `json:"StreamName,omitempty"`
	Tags       map[string]string `json:"Tags"`
}

type AddTagsToStreamOutput struct{}

func (s *Service) AddTagsToStream(ctx context.Context, in *AddTagsToStreamInput) (*AddTagsToStreamOutput, error) {
	var v awserr.Validator
	// AWS checks Tags before StreamName (kinesalite's tests, run against AWS).
	if in.Tags == nil {
		v.Null("tags")
	}
	checkTags(&v, "tags", in.Tags, in.Tags != nil)
	r, err := streamOf(ctx, &v, in.StreamName, in.StreamARN)
	if err != nil {
		return nil, err
	}
	if err := s.addTags(ctx, r, in.Tags); err != nil {
		return nil, err
	}
	return &AddTagsToStreamOutput{}, nil
}

// addTags checks tag characters and merges tags into a stream (AddTagsToStream, TagResource).
func (s *Service) addTags(ctx context.Context, r streamRef, tags map[string]string) error {
	if err := checkTagChars(tags); err != nil {
		return err
	}
	if err := checkTagPercent("add tags to", r, tagTexts(tags)...); err != nil {
		return err
	}
	_, err := s.update(ctx, r, func(m *streamMeta) error {
		if m.Status == statusDeleting {
			return r.notFound()
		}
		return mergeTags(m, r, tags)
	})
	return err
}
