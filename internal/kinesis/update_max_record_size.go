package kinesis

// UpdateMaxRecordSize
//
// Behavior:
//   - Not implemented yet.

import "context"

type UpdateMaxRecordSizeInput struct{}

type UpdateMaxRecordSizeOutput struct{}

func (s *Service) UpdateMaxRecordSize(ctx context.Context, in *UpdateMaxRecordSizeInput) (*UpdateMaxRecordSizeOutput, error) {
	return nil, errNotImplemented("UpdateMaxRecordSize")
}
