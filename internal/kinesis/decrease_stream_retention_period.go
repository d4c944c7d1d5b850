package kinesis

// DecreaseStreamRetentionPeriod
//
// Behavior:
//   - Lowers the retention period of an ACTIVE stream, named by StreamName or StreamARN, to
//     RetentionPeriodHours (24..8760) and applies it to every shard log: records older than
//     the new period are dropped by the engine. Asking for the current period succeeds.
//   - A period outside 24..8760, or longer than the current one, is InvalidArgumentException
//     with AWS's texts; a stream that is not ACTIVE gives ResourceInUseException.
//
// Differences from AWS:
//   - The stream does not pass through UPDATING.

import "context"

type DecreaseStreamRetentionPeriodInput struct {
	RetentionPeriodHours *int64  `json:"RetentionPeriodHours"`
	StreamARN            *string `json:"StreamARN,omitempty"`
	StreamName           *string `json:"StreamName,omitempty"`
}

type DecreaseStreamRetentionPeriodOutput struct{}

func (s *Service) DecreaseStreamRetentionPeriod(ctx context.Context, in *DecreaseStreamRetentionPeriodInput) (*DecreaseStreamRetentionPeriodOutput, error) {
	if err := s.setRetention(ctx, in.RetentionPeriodHours, in.StreamARN, in.StreamName, false); err != nil {
		return nil, err
	}
	return &DecreaseStreamRetentionPeriodOutput{}, nil
}
