package kinesis

// UntagResource
//
// Behavior:
//   - Not implemented yet.

import "context"

type UntagResourceInput struct{}

type UntagResourceOutput struct{}

func (s *Service) UntagResource(ctx context.Context, in *UntagResourceInput) (*UntagResourceOutput, error) {
	return nil, errNotImplemented("UntagResource")
}
