package kinesis

// EnableEnhancedMonitoring
//
// Behavior:
//   - Not implemented yet.

import "context"

type EnableEnhancedMonitoringInput struct{}

type EnableEnhancedMonitoringOutput struct{}

func (s *Service) EnableEnhancedMonitoring(ctx context.Context, in *EnableEnhancedMonitoringInput) (*EnableEnhancedMonitoringOutput, error) {
	return nil, errNotImplemented("EnableEnhancedMonitoring")
}
