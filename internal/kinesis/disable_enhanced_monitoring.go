package kinesis

// DisableEnhancedMonitoring
//
// Behavior:
//   - Not implemented yet.

import "context"

type DisableEnhancedMonitoringInput struct{}

type DisableEnhancedMonitoringOutput struct{}

func (s *Service) DisableEnhancedMonitoring(ctx context.Context, in *DisableEnhancedMonitoringInput) (*DisableEnhancedMonitoringOutput, error) {
	return nil, errNotImplemented("DisableEnhancedMonitoring")
}
