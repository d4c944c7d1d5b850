package firehose

// TagDeliveryStream
//
// Behavior:
//   - Adds or replaces tags, in one compare-and-set of the stream's metadata; keys and
//     values are checked against the model (a key may not start with "aws:").
//   - More than 50 tags in all is LimitExceededException.
//
// Differences from AWS:
//   - The LimitExceededException text is Freshet's.

import (
	"context"

	"github.com/freshet/freshet/internal/awserr"
)

type TagDeliveryStreamInput struct {
	DeliveryStreamName *string `json:"DeliveryStreamName"`
	Tags               []Tag   `json:"Tags"`
}

type TagDeliveryStreamOutput struct{}

func (s *Service) TagDeliveryStream(ctx context.Context, in *TagDeliveryStreamInput) (*TagDeliveryStreamOutput, error) {
	var v awserr.Validator
	checkName(&v, "deliveryStreamName", in.DeliveryStreamName, true)
	checkTags(&v, "tags", in.Tags, true)
	if err := v.Err(); err != nil {
		return nil, err
	}
	r := refOf(ctx, *in.DeliveryStreamName)
	_, err := s.update(ctx, r, func(m *streamMeta) error {
		if m.Status == statusDeleting {
			return r.notFound()
		}
		tags := append([]tagPair(nil), m.Tags...)
		for _, t := range in.Tags {
			tags = setTag(tags, *t.Key, deref0(t.Value))
		}
		if len(tags) > maxTags {
			return awserr.Newf(awserr.LimitExceeded, "Firehose %s under account %s cannot have more than %d tags.", r.Name, r.Account, maxTags)
		}
		m.Tags = tags
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &TagDeliveryStreamOutput{}, nil
}
