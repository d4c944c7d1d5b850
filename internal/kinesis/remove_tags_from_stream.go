package kinesis

// RemoveTagsFromStream
//
// Behavior:
//   - Not implemented yet.

import "context"

type RemoveTagsFromStreamInput struct{}

type RemoveTagsFromStreamOutput struct{}

func (s *Service) RemoveTagsFromStream(ctx context.Context, in *RemoveTagsFromStreamInput) (*RemoveTagsFromStreamOutput, error) {
	return nil, errNotImplemented("RemoveTagsFromStream")
}
