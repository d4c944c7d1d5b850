package kinesis

// GetRecords
//
// Behavior:
//   - Not implemented yet.

import "context"

type GetRecordsInput struct{}

type GetRecordsOutput struct{}

func (s *Service) GetRecords(ctx context.Context, in *GetRecordsInput) (*GetRecordsOutput, error) {
	return nil, errNotImplemented("GetRecords")
}
