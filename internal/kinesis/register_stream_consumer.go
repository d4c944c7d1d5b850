package kinesis

// RegisterStreamConsumer
//
// Behavior:
//   - Registers a consumer named ConsumerName with the stream StreamARN names (the ARN's
//     account and region win). It is CREATING for --state-delay, then ACTIVE (with no delay,
//     ACTIVE as soon as the call returns; the answer always says CREATING, as AWS's does).
//     Its ARN is the stream's ARN + "/consumer/<name>:<creation time in epoch seconds>".
//   - Tags (at most 50, AddTagsToStream's rules) are stored with the consumer.
//   - A stream holds at most 20 consumers, 50 if it is ON_DEMAND in an account with the
//     minimum throughput billing commitment ("On-demand Advantage"); at most 5 may be
//     CREATING at once. Both are LimitExceededException; consumers still DELETING count.
//   - A name in use (CREATING, ACTIVE or DELETING) is ResourceInUseException; a CREATING
//     or DELETING stream is ResourceInUseException with the stream status text; a missing
//     stream is ResourceNotFoundException.
//
// Differences from AWS:
//   - The texts of the name-in-use and both limit errors are Freshet's (AWS's were not
//     found); the limits are checked in one compare-and-set, so concurrent registrations
//     never exceed them.
//   - No per-account rate limit (AWS: 5 calls per second).

import (
	"context"

	"github.com/freshet/freshet/internal/awserr"
)

type RegisterStreamConsumerInput struct {
	ConsumerName *string           `json:"ConsumerName"`
	StreamARN    *string           `json:"StreamARN"`
	StreamId     *string           `json:"StreamId,omitempty"`
	Tags         map[string]string `json:"Tags,omitempty"`
}

type RegisterStreamConsumerOutput struct {
	Consumer Consumer `json:"Consumer"`
}

func (s *Service) RegisterStreamConsumer(ctx context.Context, in *RegisterStreamConsumerInput) (*RegisterStreamConsumerOutput, error) {
	var v awserr.Validator
	v.Str("consumerName", in.ConsumerName, true, 1, 128, namePattern)
	v.Str("streamARN", in.StreamARN, true, 1, 2048, streamARNPat)
	checkTags(&v, "tags", in.Tags, in.Tags != nil)
	if err := v.Err(); err != nil {
		return nil, err
	}
	r, err := parseStreamARN(*in.StreamARN)
	if err != nil {
		return nil, err
	}
	if err := checkTagChars(in.Tags); err != nil {
		return nil, err
	}
	if len(in.Tags) > maxTags {
		return nil, awserr.Newf(awserr.InvalidArgument, "Failed to register consumer %s with stream %s under account %s because a given consumer cannot have more than %d tags associated with it.", *in.ConsumerName, r.Name, r.Account, maxTags)
	}
	// The account setting is read before the update: it only raises the limit.
	acct, _, err := s.loadAccount(ctx, r.Account, r.Region)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var out Consumer
	if _, err := s.update(ctx, r, func(m *streamMeta) error {
		if st := m.status(now); st == statusCreating || st == statusDeleting {
			return awserr.Newf(awserr.ResourceInUse, "Stream %s under account %s not ACTIVE, instead in state %s", m.Name, m.Account, st)
		}
		m.pruneConsumers(now)
		if m.consumer(*in.ConsumerName, now) != nil {
			return awserr.Newf(awserr.ResourceInUse, "Consumer %s under stream %s already exists for account %s.", *in.ConsumerName, m.Name, m.Account)
		}
		limit := consumerLimit
		if m.Mode == modeOnDemand && acct.enabled(now) {
			limit = consumerLimitAdvantage
		}
		creating := 0
		for _, c := range m.Consumers {
			if c.status(now) == consumerCreating {
				creating++
			}
		}
		switch {
		case len(m.Consumers) >= limit:
			return awserr.Newf(awserr.LimitExceeded, "Stream %s under account %s already has %d registered consumers, the most it can have.", m.Name, m.Account, limit)
		case creating >= consumersCreatingMax:
			return awserr.Newf(awserr.LimitExceeded, "Stream %s under account %s already has %d consumers in CREATING status, the most it can have at once.", m.Name, m.Account, consumersCreatingMax)
		}
		c := consumerMeta{Name: *in.ConsumerName, CreatedMs: now.UnixMilli(), Status: consumerCreating, StatusUntil: now.Add(s.opts.StateDelay).UnixMilli(), Tags: in.Tags}
		m.Consumers = append(m.Consumers, c)
		out = c.wire(m, now)
		out.ConsumerStatus = consumerCreating
		return nil
	}); err != nil {
		return nil, err
	}
	return &RegisterStreamConsumerOutput{Consumer: out}, nil
}
