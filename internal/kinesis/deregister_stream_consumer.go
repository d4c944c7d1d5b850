package kinesis

// DeregisterStreamConsumer
//
// Behavior:
//   - Deregisters the consumer named by ConsumerARN, or by StreamARN and ConsumerName (all
//     three may be given if they agree; neither form is InvalidArgumentException). It is
//     DELETING for --state-delay, then gone (with no delay, gone when the call returns);
//     its name can be registered again once it is gone.
//   - A ConsumerARN whose creation time is not the registered consumer's names a consumer
//     that no longer exists: ResourceNotFoundException. Deregistering a consumer that is
//     already DELETING succeeds without changing anything; a CREATING one can be
//     deregistered.
//   - A subscription of the consumer ends (ResourceNotFoundException event) the next time
//     it checks the stream: at its next heartbeat at the latest.
//
// Differences from AWS:
//   - The text for a missing consumer and for a ConsumerARN that disagrees with StreamARN
//     or ConsumerName are Freshet's.

import (
	"context"
	"errors"

	"github.com/freshet/freshet/internal/awserr"
)

type DeregisterStreamConsumerInput struct {
	ConsumerARN  *string `json:"ConsumerARN,omitempty"`
	ConsumerName *string `json:"ConsumerName,omitempty"`
	StreamARN    *string `json:"StreamARN,omitempty"`
	StreamId     *string `json:"StreamId,omitempty"`
}

type DeregisterStreamConsumerOutput struct{}

// checkConsumerMembers validates the ConsumerARN / ConsumerName / StreamARN trio of the
// consumer operations, in AWS's member order.
func checkConsumerMembers(v *awserr.Validator, consumerARN, name, streamARN *string) error {
	v.Str("consumerARN", consumerARN, false, 1, 2048, consumerARNPat)
	v.Str("consumerName", name, false, 1, 128, namePattern)
	v.Str("streamARN", streamARN, false, 1, 2048, streamARNPat)
	return v.Err()
}

func (s *Service) DeregisterStreamConsumer(ctx context.Context, in *DeregisterStreamConsumerInput) (*DeregisterStreamConsumerOutput, error) {
	var v awserr.Validator
	if err := checkConsumerMembers(&v, in.ConsumerARN, in.ConsumerName, in.StreamARN); err != nil {
		return nil, err
	}
	c, err := consumerOf(in.ConsumerARN, in.StreamARN, in.ConsumerName)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if _, err := s.update(ctx, c.stream, func(m *streamMeta) error {
		m.pruneConsumers(now)
		cm, err := c.find(m, now)
		if err != nil {
			return err
		}
		if cm.status(now) == consumerDeleting {
			return errUnchanged
		}
		cm.Status, cm.StatusUntil = consumerDeleting, now.Add(s.opts.StateDelay).UnixMilli()
		if s.opts.StateDelay == 0 {
			m.pruneConsumers(now)
		}
		return nil
	}); err != nil && !errors.Is(err, errUnchanged) {
		return nil, err
	}
	return &DeregisterStreamConsumerOutput{}, nil
}
