package kinesis

// IncreaseStreamRetentionPeriod
//
// Behavior:
//   - Raises the retention period of an ACTIVE stream, named by StreamName or StreamARN, to
//     RetentionPeriodHours (24..8760) and applies it to every shard log of the stream, so
//     the engine keeps records that long. Asking for the current period succeeds.
//   - A period outside 24..8760, or shorter than the current one, is InvalidArgumentException
//     with AWS's texts; a stream that is not ACTIVE gives ResourceInUseException.
//
// Differences from AWS:
//   - The stream does not pass through UPDATING.

import (
	"context"
	"errors"
	"fmt"

	"github.com/freshet/freshet/internal/awserr"
	"github.com/freshet/freshet/internal/store"
)

type IncreaseStreamRetentionPeriodInput struct {
	RetentionPeriodHours *int64  `json:"RetentionPeriodHours"`
	StreamARN            *string `json:"StreamARN,omitempty"`
	StreamName           *string `json:"StreamName,omitempty"`
}

type IncreaseStreamRetentionPeriodOutput struct{}

const (
	minRetentionHours = 24
	maxRetentionHours = 8760
)

func (s *Service) IncreaseStreamRetentionPeriod(ctx context.Context, in *IncreaseStreamRetentionPeriodInput) (*IncreaseStreamRetentionPeriodOutput, error) {
	if err := s.setRetention(ctx, in.RetentionPeriodHours, in.StreamARN, in.StreamName, true); err != nil {
		return nil, err
	}
	return &IncreaseStreamRetentionPeriodOutput{}, nil
}

// setRetention implements both retention operations; increase tells which one is called.
func (s *Service) setRetention(ctx context.Context, hours *int64, arn, name *string, increase bool) error {
	var v awserr.Validator
	// AWS answers a value below 1 with a ValidationException (kinesalite's tests).
	v.Int("retentionPeriodHours", hours, true, 1, awserr.NoMax)
	r, err := streamOf(ctx, &v, name, arn)
	if err != nil {
		return err
	}
	h := *hours
	m, err := s.update(ctx, r, func(m *streamMeta) error {
		if err := s.requireActive(m); err != nil {
			return err
		}
		switch {
		case h < minRetentionHours:
			return awserr.Newf(awserr.InvalidArgument, "Minimum allowed retention period is %d hours. Requested retention period (%d hours) is too short.", minRetentionHours, h)
		case h > maxRetentionHours:
			return awserr.Newf(awserr.InvalidArgument, "Maximum allowed retention period is %d hours. Requested retention period (%d hours) is too long.", maxRetentionHours, h)
		case increase && h < int64(m.RetentionHours):
			return awserr.Newf(awserr.InvalidArgument, "Requested retention period (%d hours) for stream %s can not be shorter than existing retention period (%d hours). Use DecreaseRetentionPeriod API.", h, m.Name, m.RetentionHours)
		case !increase && h > int64(m.RetentionHours):
			return awserr.Newf(awserr.InvalidArgument, "Requested retention period (%d hours) for stream %s can not be longer than existing retention period (%d hours). Use IncreaseRetentionPeriod API.", h, m.Name, m.RetentionHours)
		}
		m.RetentionHours = int(h)
		return nil
	})
	if err != nil {
		return err
	}
	// The metadata is the truth; a failure here is reported and a retry re-applies it. A
	// closed shard whose log is already gone has nothing left to keep. A concurrent change
	// may apply its period before this one lands on the logs, so after applying, re-read:
	// whoever applied a period that is no longer the stored one applies the stored one, and
	// the logs end with the period the metadata holds.
	for {
		for _, sh := range m.Shards {
			err := s.store.SetLogMaxAge(ctx, m.logName(sh.Index), s.retention(m))
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("stream %s: set retention of %s: %w", m.Name, shardID(sh.Index), err)
			}
		}
		now, _, err := s.load(ctx, r)
		if err != nil {
			return err
		}
		if now.RetentionHours == m.RetentionHours {
			return nil
		}
		m = now
	}
}
