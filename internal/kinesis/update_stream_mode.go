package kinesis

// UpdateStreamMode
//
// Behavior:
//   - Not implemented yet.

import "context"

type UpdateStreamModeInput struct{}

type UpdateStreamModeOutput struct{}

func (s *Service) UpdateStreamMode(ctx context.Context, in *UpdateStreamModeInput) (*UpdateStreamModeOutput, error) {
	return nil, errNotImplemented("UpdateStreamMode")
}
