package kinesis

// PutRecords
//
// Behavior:
//   - Not implemented yet.

import "context"

type PutRecordsInput struct{}

type PutRecordsOutput struct{}

func (s *Service) PutRecords(ctx context.Context, in *PutRecordsInput) (*PutRecordsOutput, error) {
	return nil, errNotImplemented("PutRecords")
}
