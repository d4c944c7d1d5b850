package kinesis

// ListTagsForResource
//
// Behavior:
//   - Not implemented yet.

import "context"

type ListTagsForResourceInput struct{}

type ListTagsForResourceOutput struct{}

func (s *Service) ListTagsForResource(ctx context.Context, in *ListTagsForResourceInput) (*ListTagsForResourceOutput, error) {
	return nil, errNotImplemented("ListTagsForResource")
}
