package kinesis

// DescribeLimits
//
// Behavior:
//   - Not implemented yet.

import "context"

type DescribeLimitsInput struct{}

type DescribeLimitsOutput struct{}

func (s *Service) DescribeLimits(ctx context.Context, in *DescribeLimitsInput) (*DescribeLimitsOutput, error) {
	return nil, errNotImplemented("DescribeLimits")
}
