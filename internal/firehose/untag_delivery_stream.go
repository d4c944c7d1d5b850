package firehose

// UntagDeliveryStream
//
// Behavior:
//   - Removes the named tags (keys that are not there are ignored), in one compare-and-set.
//
// Differences from AWS: none known.

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/freshet/freshet/internal/awserr"
)

type UntagDeliveryStreamInput struct {
	DeliveryStreamName *string  `json:"DeliveryStreamName"`
	TagKeys            []string `json:"TagKeys"`
}

type UntagDeliveryStreamOutput struct{}

func (s *Service) UntagDeliveryStream(ctx context.Context, in *UntagDeliveryStreamInput) (*UntagDeliveryStreamOutput, error) {
	var v awserr.Validator
	checkName(&v, "deliveryStreamName", in.DeliveryStreamName, true)
	if in.TagKeys == nil {
		v.Null("tagKeys")
	} else {
		v.List("tagKeys", len(in.TagKeys), true, true, 1, 50, "["+strings.Join(in.TagKeys, ", ")+"]")
		for i := range in.TagKeys {
			checkTagKey(&v, "tagKeys."+strconv.Itoa(i+1)+".member", &in.TagKeys[i], true)
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	r := refOf(ctx, *in.DeliveryStreamName)
	_, err := s.update(ctx, r, func(m *streamMeta) error {
		if m.Status == statusDeleting {
			return r.notFound()
		}
		m.Tags = slices.DeleteFunc(m.Tags, func(t tagPair) bool { return slices.Contains(in.TagKeys, t.Key) })
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &UntagDeliveryStreamOutput{}, nil
}
