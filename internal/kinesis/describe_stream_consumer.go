package kinesis

// DescribeStreamConsumer
//
// Behavior:
//   - Describes the consumer named by ConsumerARN, or by StreamARN and ConsumerName (all
//     three may be given if they agree): name, ARN, status (CREATING, ACTIVE or DELETING),
//     creation time and the stream's ARN.
//   - A consumer whose deletion has completed, or a ConsumerARN with another creation time
//     than the registered consumer's, is ResourceNotFoundException.
//
// Differences from AWS:
//   - The texts for a missing consumer and for a ConsumerARN that disagrees with StreamARN
//     or ConsumerName are Freshet's.

import (
	"context"

	"github.com/freshet/freshet/internal/awserr"
)

type DescribeStreamConsumerInput struct {
	ConsumerARN  *string `json:"ConsumerARN,omitempty"`
	ConsumerName *string `json:"ConsumerName,omitempty"`
	StreamARN    *string `json:"StreamARN,omitempty"`
	StreamId     *string `json:"StreamId,omitempty"`
}

type DescribeStreamConsumerOutput struct {
	ConsumerDescription ConsumerDescription `json:"ConsumerDescription"`
}

func (s *Service) DescribeStreamConsumer(ctx context.Context, in *DescribeStreamConsumerInput) (*DescribeStreamConsumerOutput, error) {
	var v awserr.Validator
	if err := checkConsumerMembers(&v, in.ConsumerARN, in.ConsumerName, in.StreamARN); err != nil {
		return nil, err
	}
	c, err := consumerOf(in.ConsumerARN, in.StreamARN, in.ConsumerName)
	if err != nil {
		return nil, err
	}
	m, cm, err := s.loadConsumer(ctx, c)
	if err != nil {
		return nil, err
	}
	w := cm.wire(m, s.now())
	return &DescribeStreamConsumerOutput{ConsumerDescription: ConsumerDescription{
		ConsumerARN:               w.ConsumerARN,
		ConsumerCreationTimestamp: w.ConsumerCreationTimestamp,
		ConsumerName:              w.ConsumerName,
		ConsumerStatus:            w.ConsumerStatus,
		StreamARN:                 m.arn(),
	}}, nil
}
