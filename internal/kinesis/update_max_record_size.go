package kinesis

// UpdateMaxRecordSize
//
// Behavior:
//   - Sets the largest record (partition key plus data) an ACTIVE stream named by StreamARN
//     accepts, 1024..10240 KiB (ValidationException outside); recorded in the stream's
//     metadata, reported by DescribeStreamSummary as MaxRecordSizeInKiB and enforced by
//     PutRecord and PutRecords. Takes effect at once.
//   - A stream that is not ACTIVE: ResourceInUseException.
//
// Differences from AWS:
//   - None known.

import (
	"context"

	"github.com/freshet/freshet/internal/awserr"
)

type UpdateMaxRecordSizeInput struct {
	MaxRecordSizeInKiB *int64  `json:"MaxRecordSizeInKiB"`
	StreamARN          *string `json:"StreamARN,omitempty"`
}

type UpdateMaxRecordSizeOutput struct{}

func (s *Service) UpdateMaxRecordSize(ctx context.Context, in *UpdateMaxRecordSizeInput) (*UpdateMaxRecordSizeOutput, error) {
	var v awserr.Validator
	v.Int("maxRecordSizeInKiB", in.MaxRecordSizeInKiB, true, defaultRecordKiB, maxRecordKiB)
	checkStreamARN(&v, in.StreamARN)
	if err := v.Err(); err != nil {
		return nil, err
	}
	r, err := ref(ctx, nil, in.StreamARN)
	if err != nil {
		return nil, err
	}
	_, err = s.update(ctx, r, func(m *streamMeta) error {
		if err := s.requireActive(m); err != nil {
			return err
		}
		m.MaxRecordSizeKiB = int(*in.MaxRecordSizeInKiB)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &UpdateMaxRecordSizeOutput{}, nil
}
