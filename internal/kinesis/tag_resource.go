package kinesis

// TagResource
//
// Behavior:
//   - Not implemented yet.

import "context"

type TagResourceInput struct{}

type TagResourceOutput struct{}

func (s *Service) TagResource(ctx context.Context, in *TagResourceInput) (*TagResourceOutput, error) {
	return nil, errNotImplemented("TagResource")
}
