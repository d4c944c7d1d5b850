package firehose

// DeleteDeliveryStream
//
// Behavior:
//   - The delivery stream is DELETING for --state-delay, then gone (at once with no delay):
//     its delivery stops, and records not yet delivered are dropped with its log, as AWS
//     drops the data of a deleted stream.
//   - A CREATING stream cannot be deleted (ResourceInUseException); a DELETING one is not
//     found.
//
// Differences from AWS:
//   - AllowForceDelete is accepted and has no effect (there is no KMS grant to lose).
//   - The ResourceInUseException text is Freshet's.

import (
	"context"

	"github.com/freshet/freshet/internal/awserr"
)

type DeleteDeliveryStreamInput struct {
	AllowForceDelete   *bool   `json:"AllowForceDelete,omitempty"`
	DeliveryStreamName *string `json:"DeliveryStreamName"`
}

type DeleteDeliveryStreamOutput struct{}

func (s *Service) DeleteDeliveryStream(ctx context.Context, in *DeleteDeliveryStreamInput) (*DeleteDeliveryStreamOutput, error) {
	var v awserr.Validator
	checkName(&v, "deliveryStreamName", in.DeliveryStreamName, true)
	if err := v.Err(); err != nil {
		return nil, err
	}
	r := refOf(ctx, *in.DeliveryStreamName)
	now := s.now()
	m, err := s.update(ctx, r, func(m *streamMeta) error {
		switch m.status(now) {
		case statusDeleting:
			return r.notFound()
		case statusCreating:
			return awserr.Newf(awserr.ResourceInUse, "Firehose %s under account %s is in CREATING state and cannot be deleted.", r.Name, r.Account)
		}
		m.Status, m.StatusUntil = statusDeleting, now.Add(s.opts.StateDelay).UnixMilli()
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.stopLoop(m.ID)
	if s.opts.StateDelay <= 0 {
		if _, _, err := s.load(ctx, r); err != nil && !awserr.IsCode(err, awserr.ResourceNotFound) {
			return nil, err
		}
	}
	return &DeleteDeliveryStreamOutput{}, nil
}
