package firehose

// StopDeliveryStreamEncryption
//
// Behavior:
//   - Records server-side encryption as DISABLED (the key type is forgotten); PutRecord
//     and PutRecordBatch then answer Encrypted false. Stopping it when it is off succeeds.
//
// Differences from AWS:
//   - DISABLED at once (AWS passes through DISABLING).

import (
	"context"

	"github.com/freshet/freshet/internal/awserr"
)

type StopDeliveryStreamEncryptionInput struct {
	DeliveryStreamName *string `json:"DeliveryStreamName"`
}

type StopDeliveryStreamEncryptionOutput struct{}

func (s *Service) StopDeliveryStreamEncryption(ctx context.Context, in *StopDeliveryStreamEncryptionInput) (*StopDeliveryStreamEncryptionOutput, error) {
	var v awserr.Validator
	checkName(&v, "deliveryStreamName", in.DeliveryStreamName, true)
	if err := v.Err(); err != nil {
		return nil, err
	}
	r := refOf(ctx, *in.DeliveryStreamName)
	_, err := s.update(ctx, r, func(m *streamMeta) error {
		if m.Status == statusDeleting {
			return r.notFound()
		}
		m.Encryption = &encryptionMeta{Status: "DISABLED"}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &StopDeliveryStreamEncryptionOutput{}, nil
}
