package kinesis

// DescribeAccountSettings
//
// Behavior:
//   - Not implemented yet.

import "context"

type DescribeAccountSettingsInput struct{}

type DescribeAccountSettingsOutput struct{}

func (s *Service) DescribeAccountSettings(ctx context.Context, in *DescribeAccountSettingsInput) (*DescribeAccountSettingsOutput, error) {
	return nil, errNotImplemented("DescribeAccountSettings")
}
