package kinesis

// StartStreamEncryption
//
// Behavior:
//   - Not implemented yet.

import "context"

type StartStreamEncryptionInput struct{}

type StartStreamEncryptionOutput struct{}

func (s *Service) StartStreamEncryption(ctx context.Context, in *StartStreamEncryptionInput) (*StartStreamEncryptionOutput, error) {
	return nil, errNotImplemented("StartStreamEncryption")
}
