package kinesis

// StopStreamEncryption
//
// Behavior:
//   - Turns server-side encryption off on an ACTIVE stream named by StreamName or
//     StreamARN (EncryptionType KMS and a KeyId are required, as AWS's model says); the
//     stream is UPDATING for Options.StateDelay, then ACTIVE with EncryptionType NONE and
//     no KeyId.
//   - EncryptionType NONE: InvalidArgumentException. A stream that is not ACTIVE:
//     ResourceInUseException.
//
// Differences from AWS:
//   - The KeyId is not compared with the stream's key, and stopping on an unencrypted
//     stream succeeds.

import "context"

type StopStreamEncryptionInput struct {
	EncryptionType *string `json:"EncryptionType"`
	KeyId          *string `json:"KeyId"`
	StreamARN      *string `json:"StreamARN,omitempty"`
	StreamName     *string `json:"StreamName,omitempty"`
}

type StopStreamEncryptionOutput struct{}

func (s *Service) StopStreamEncryption(ctx context.Context, in *StopStreamEncryptionInput) (*StopStreamEncryptionOutput, error) {
	r, err := s.checkEncryption(ctx, in.EncryptionType, in.KeyId, in.StreamName, in.StreamARN)
	if err != nil {
		return nil, err
	}
	_, err = s.update(ctx, r, func(m *streamMeta) error {
		if err := s.requireActive(m); err != nil {
			return err
		}
		m.EncryptionType, m.KeyID = encryptionNone, ""
		s.enterUpdating(m)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &StopStreamEncryptionOutput{}, nil
}
