package kinesis

// DisableEnhancedMonitoring
//
// Behavior:
//   - Removes shard-level metrics (ALL removes every one) from an ACTIVE stream named by
//     StreamName or StreamARN, in one compare-and-set; answers as EnableEnhancedMonitoring.
//   - A stream that is not ACTIVE: ResourceInUseException.
//
// Differences from AWS:
//   - No CloudWatch metrics exist to stop; the change is immediate (no UPDATING period).

import "context"

type DisableEnhancedMonitoringInput struct {
	ShardLevelMetrics []string `json:"ShardLevelMetrics"`
	StreamARN         *string  `json:"StreamARN,omitempty"`
	StreamName        *string  `json:"StreamName,omitempty"`
}

type DisableEnhancedMonitoringOutput = EnhancedMonitoringOutput

func (s *Service) DisableEnhancedMonitoring(ctx context.Context, in *DisableEnhancedMonitoringInput) (*DisableEnhancedMonitoringOutput, error) {
	return s.changeMetrics(ctx, in.ShardLevelMetrics, in.StreamName, in.StreamARN, false)
}
