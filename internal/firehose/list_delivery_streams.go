package firehose

// ListDeliveryStreams
//
// Behavior:
//   - Lists the caller's delivery stream names in the region in lexicographic order, after
//     ExclusiveStartDeliveryStreamName, at most Limit (1..10000, default 10), of the given
//     DeliveryStreamType only when one is given; HasMoreDeliveryStreams says whether more
//     follow. DELETING streams are still listed until they are gone.
//
// Differences from AWS: none known.

import (
	"context"
	"slices"

	"github.com/freshet/freshet/internal/auth"
	"github.com/freshet/freshet/internal/awserr"
)

type ListDeliveryStreamsInput struct {
	DeliveryStreamType               *string `json:"DeliveryStreamType,omitempty"`
	ExclusiveStartDeliveryStreamName *string `json:"ExclusiveStartDeliveryStreamName,omitempty"`
	Limit                            *int64  `json:"Limit,omitempty"`
}

type ListDeliveryStreamsOutput struct {
	DeliveryStreamNames    []string `json:"DeliveryStreamNames"`
	HasMoreDeliveryStreams bool     `json:"HasMoreDeliveryStreams"`
}

func (s *Service) ListDeliveryStreams(ctx context.Context, in *ListDeliveryStreamsInput) (*ListDeliveryStreamsOutput, error) {
	var v awserr.Validator
	v.Enum("deliveryStreamType", in.DeliveryStreamType, false, streamTypes)
	checkName(&v, "exclusiveStartDeliveryStreamName", in.ExclusiveStartDeliveryStreamName, false)
	v.Int("limit", in.Limit, false, 1, 10000)
	if err := v.Err(); err != nil {
		return nil, err
	}
	sc := auth.FromContext(ctx)
	streams, err := s.list(ctx, streamPrefix(sc.Account, sc.Region))
	if err != nil {
		return nil, err
	}
	names := []string{}
	for _, m := range streams {
		if in.DeliveryStreamType != nil && m.Type != *in.DeliveryStreamType {
			continue
		}
		if in.ExclusiveStartDeliveryStreamName != nil && m.Name <= *in.ExclusiveStartDeliveryStreamName {
			continue
		}
		names = append(names, m.Name)
	}
	slices.Sort(names)
	limit := 10
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	out := &ListDeliveryStreamsOutput{DeliveryStreamNames: names, HasMoreDeliveryStreams: len(names) > limit}
	if len(names) > limit {
		out.DeliveryStreamNames = names[:limit]
	}
	return out, nil
}
