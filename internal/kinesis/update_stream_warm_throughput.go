package kinesis

// UpdateStreamWarmThroughput
//
// Behavior:
//   - Sets the warm throughput (MiB/s) of an ACTIVE ON_DEMAND stream named by StreamName
//     or StreamARN, in an account whose minimum throughput billing commitment is in force
//     (see UpdateAccountSettings). The stream is UPDATING for Options.StateDelay.
//   - Answers StreamName, StreamARN and WarmThroughput{CurrentMiBps: the value before (0 if
//     none), TargetMiBps: the new value}; DescribeStreamSummary then reports the new value.
//   - More than 10 GiB/s (10240 MiB/s): LimitExceededException. A PROVISIONED stream or an
//     account without the commitment: InvalidArgumentException. Not ACTIVE: ResourceInUse.
//
// Differences from AWS:
//   - The value is recorded, not provisioned. The error texts are Freshet's own; AWS's are
//     unknown.

import (
	"context"

	"github.com/freshet/freshet/internal/awserr"
)

type UpdateStreamWarmThroughputInput struct {
	StreamARN           *string `json:"StreamARN,omitempty"`
	StreamName          *string `json:"StreamName,omitempty"`
	WarmThroughputMiBps *int64  `json:"WarmThroughputMiBps"`
}

type UpdateStreamWarmThroughputOutput struct {
	StreamARN      string         `json:"StreamARN"`
	StreamName     string         `json:"StreamName"`
	WarmThroughput WarmThroughput `json:"WarmThroughput"`
}

// maxWarmMiBps is AWS's default ceiling on an on-demand stream's warm throughput (10 GiB/s).
const maxWarmMiBps = 10240

func (s *Service) UpdateStreamWarmThroughput(ctx context.Context, in *UpdateStreamWarmThroughputInput) (*UpdateStreamWarmThroughputOutput, error) {
	var v awserr.Validator
	checkStreamARN(&v, in.StreamARN)
	checkStreamName(&v, in.StreamName)
	v.Int("warmThroughputMiBps", in.WarmThroughputMiBps, true, 0, awserr.NoMax)
	if err := v.Err(); err != nil {
		return nil, err
	}
	r, err := ref(ctx, in.StreamName, in.StreamARN)
	if err != nil {
		return nil, err
	}
	target := int(*in.WarmThroughputMiBps)
	if target > maxWarmMiBps {
		return nil, awserr.Newf(awserr.LimitExceeded, "Requested warm throughput of %d MiBps exceeds the limit of %d MiBps for stream %s under account %s.", target, maxWarmMiBps, r.Name, r.Account)
	}
	current := 0
	m, err := s.update(ctx, r, func(m *streamMeta) error {
		if err := s.requireActive(m); err != nil {
			return err
		}
		if m.Mode != modeOnDemand {
			return awserr.Newf(awserr.InvalidArgument, "Warm throughput is only supported for ON_DEMAND streams. Stream %s under account %s is PROVISIONED.", m.Name, m.Account)
		}
		acct, _, err := s.loadAccount(ctx, r.Account, r.Region)
		if err != nil {
			return err
		}
		if !acct.enabled(s.now()) {
			return awserr.Newf(awserr.InvalidArgument, "Warm throughput requires MinimumThroughputBillingCommitment to be enabled for account %s.", r.Account)
		}
		current = 0
		if m.WarmThroughputMiBps != nil {
			current = *m.WarmThroughputMiBps
		}
		m.WarmThroughputMiBps = &target
		s.enterUpdating(m)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &UpdateStreamWarmThroughputOutput{
		StreamARN:      m.arn(),
		StreamName:     m.Name,
		WarmThroughput: WarmThroughput{CurrentMiBps: &current, TargetMiBps: &target},
	}, nil
}
