package firehose

// ListTagsForDeliveryStream
//
// Behavior:
//   - Lists tags in the order they were first added, after ExclusiveStartTagKey when it is
//     one of them, at most Limit (1..50, default 50); HasMoreTags says whether more follow.
//
// Differences from AWS:
//   - AWS's order is not documented; Freshet's is first-added order.

import (
	"context"

	"github.com/freshet/freshet/internal/awserr"
)

type ListTagsForDeliveryStreamInput struct {
	DeliveryStreamName   *string `json:"DeliveryStreamName"`
	ExclusiveStartTagKey *string `json:"ExclusiveStartTagKey,omitempty"`
	Limit                *int64  `json:"Limit,omitempty"`
}

type ListTagsForDeliveryStreamOutput struct {
	HasMoreTags bool  `json:"HasMoreTags"`
	Tags        []Tag `json:"Tags"`
}

func (s *Service) ListTagsForDeliveryStream(ctx context.Context, in *ListTagsForDeliveryStreamInput) (*ListTagsForDeliveryStreamOutput, error) {
	var v awserr.Validator
	checkName(&v, "deliveryStreamName", in.DeliveryStreamName, true)
	checkTagKey(&v, "exclusiveStartTagKey", in.ExclusiveStartTagKey, false)
	v.Int("limit", in.Limit, false, 1, 50)
	if err := v.Err(); err != nil {
		return nil, err
	}
	r := refOf(ctx, *in.DeliveryStreamName)
	m, _, err := s.load(ctx, r)
	if err != nil {
		return nil, err
	}
	if m.Status == statusDeleting {
		return nil, r.notFound()
	}
	tags := m.Tags
	if in.ExclusiveStartTagKey != nil {
		for i, t := range tags {
			if t.Key == *in.ExclusiveStartTagKey {
				tags = tags[i+1:]
				break
			}
		}
	}
	limit := 50
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	out := &ListTagsForDeliveryStreamOutput{Tags: []Tag{}, HasMoreTags: len(tags) > limit}
	for _, t := range tags[:min(limit, len(tags))] {
		out.Tags = append(out.Tags, Tag{Key: &t.Key, Value: &t.Value})
	}
	return out, nil
}
