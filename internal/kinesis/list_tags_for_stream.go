package kinesis

// ListTagsForStream
//
// Behavior:
//   - Not implemented yet.

import "context"

type ListTagsForStreamInput struct{}

type ListTagsForStreamOutput struct{}

func (s *Service) ListTagsForStream(ctx context.Context, in *ListTagsForStreamInput) (*ListTagsForStreamOutput, error) {
	return nil, errNotImplemented("ListTagsForStream")
}
