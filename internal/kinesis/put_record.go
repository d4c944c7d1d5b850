package kinesis

// PutRecord
//
// Behavior:
//   - Not implemented yet.

import "context"

type PutRecordInput struct{}

type PutRecordOutput struct{}

func (s *Service) PutRecord(ctx context.Context, in *PutRecordInput) (*PutRecordOutput, error) {
	return nil, errNotImplemented("PutRecord")
}
