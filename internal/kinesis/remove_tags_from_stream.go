package kinesis

// RemoveTagsFromStream
//
// Behavior:
//   - Removes the given tag keys from a stream named by StreamName or StreamARN; keys the
//     stream does not have are ignored. One compare-and-set of the stream's metadata.
//   - TagKeys: 1..50 keys of 1..128 characters (ValidationException); characters as for
//     AddTagsToStream (InvalidArgumentException, AWS's texts).
//
// Differences from AWS:
//   - None known.

import (
	"context"

	"github.com/freshet/freshet/internal/awserr"
)

type RemoveTagsFromStreamInput struct {
	StreamARN  *string  `json:"StreamARN,omitempty"`
	StreamName *string  `json:"StreamName,omitempty"`
	TagKeys    []string `json:"TagKeys"`
}

type RemoveTagsFromStreamOutput struct{}

func (s *Service) RemoveTagsFromStream(ctx context.Context, in *RemoveTagsFromStreamInput) (*RemoveTagsFromStreamOutput, error) {
	var v awserr.Validator
	// AWS checks TagKeys before StreamName (kinesalite's tests, run against AWS).
	checkTagKeys(&v, "tagKeys", in.TagKeys)
	r, err := streamOf(ctx, &v, in.StreamName, in.StreamARN)
	if err != nil {
		return nil, err
	}
	if err := s.removeTags(ctx, r, in.TagKeys); err != nil {
		return nil, err
	}
	return &RemoveTagsFromStreamOutput{}, nil
}

// removeTags deletes tag keys from a stream (RemoveTagsFromStream, UntagResource).
func (s *Service) removeTags(ctx context.Context, r streamRef, keys []string) error {
	if err := checkTagKeyChars(keys); err != nil {
		return err
	}
	if err := checkTagPercent("remove tags from", r, keys...); err != nil {
		return err
	}
	_, err := s.update(ctx, r, func(m *streamMeta) error {
		if m.Status == statusDeleting {
			return r.notFound()
		}
		for _, k := range keys {
			delete(m.Tags, k)
		}
		return nil
	})
	return err
}
