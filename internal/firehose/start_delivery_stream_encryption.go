package firehose

// StartDeliveryStreamEncryption
//
// Behavior:
//   - Records server-side encryption as ENABLED with the given KeyType (default
//     AWS_OWNED_CMK) and KeyARN (required for CUSTOMER_MANAGED_CMK, refused for
//     AWS_OWNED_CMK); PutRecord and PutRecordBatch then answer Encrypted true.
//   - Not allowed on a KinesisStreamAsSource delivery stream (InvalidArgumentException).
//
// Differences from AWS:
//   - Nothing is encrypted and no KMS key is checked; the status is ENABLED at once (AWS
//     passes through ENABLING). Error texts are Freshet's.

import (
	"context"

	"github.com/freshet/freshet/internal/awserr"
)

type StartDeliveryStreamEncryptionInput struct {
	DeliveryStreamEncryptionConfigurationInput *DeliveryStreamEncryptionConfigurationInput `json:"DeliveryStreamEncryptionConfigurationInput,omitempty"`
	DeliveryStreamName                         *string                                     `json:"DeliveryStreamName"`
}

type StartDeliveryStreamEncryptionOutput struct{}

func (s *Service) StartDeliveryStreamEncryption(ctx context.Context, in *StartDeliveryStreamEncryptionInput) (*StartDeliveryStreamEncryptionOutput, error) {
	var v awserr.Validator
	if e := in.DeliveryStreamEncryptionConfigurationInput; e != nil {
		v.Str("deliveryStreamEncryptionConfigurationInput.keyARN", e.KeyARN, false, 1, 512, kmsARNPattern)
		v.Enum("deliveryStreamEncryptionConfigurationInput.keyType", e.KeyType, true, keyTypes)
	}
	checkName(&v, "deliveryStreamName", in.DeliveryStreamName, true)
	if err := v.Err(); err != nil {
		return nil, err
	}
	cfg := in.DeliveryStreamEncryptionConfigurationInput
	if cfg == nil {
		t := keyAWSOwned
		cfg = &DeliveryStreamEncryptionConfigurationInput{KeyType: &t}
	}
	enc, err := encryptionFrom(cfg)
	if err != nil {
		return nil, err
	}
	r := refOf(ctx, *in.DeliveryStreamName)
	_, err = s.update(ctx, r, func(m *streamMeta) error {
		if m.Status == statusDeleting {
			return r.notFound()
		}
		if m.Type == typeKinesisSource {
			return awserr.Newf(awserr.InvalidArgument, "Encryption is not supported for %s delivery stream type.", m.Type)
		}
		m.Encryption = enc
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &StartDeliveryStreamEncryptionOutput{}, nil
}
