package kinesis

// ListStreams
//
// Behavior:
//   - Not implemented yet.

import "context"

type ListStreamsInput struct{}

type ListStreamsOutput struct{}

func (s *Service) ListStreams(ctx context.Context, in *ListStreamsInput) (*ListStreamsOutput, error) {
	return nil, errNotImplemented("ListStreams")
}
