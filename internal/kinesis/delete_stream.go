package kinesis

// DeleteStream
//
// Behavior:
//   - Not implemented yet.

import "context"

type DeleteStreamInput struct{}

type DeleteStreamOutput struct{}

func (s *Service) DeleteStream(ctx context.Context, in *DeleteStreamInput) (*DeleteStreamOutput, error) {
	return nil, errNotImplemented("DeleteStream")
}
