package kinesis

// StopStreamEncryption
//
// Behavior:
//   - Not implemented yet.

import "context"

type StopStreamEncryptionInput struct{}

type StopStreamEncryptionOutput struct{}

func (s *Service) StopStreamEncryption(ctx context.Context, in *StopStreamEncryptionInput) (*StopStreamEncryptionOutput, error) {
	return nil, errNotImplemented("StopStreamEncryption")
}
