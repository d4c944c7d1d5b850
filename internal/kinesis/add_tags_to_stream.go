package kinesis

// AddTagsToStream
//
// Behavior:
//   - Not implemented yet.

import "context"

type AddTagsToStreamInput struct{}

type AddTagsToStreamOutput struct{}

func (s *Service) AddTagsToStream(ctx context.Context, in *AddTagsToStreamInput) (*AddTagsToStreamOutput, error) {
	return nil, errNotImplemented("AddTagsToStream")
}
