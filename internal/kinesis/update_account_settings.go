package kinesis

// UpdateAccountSettings
//
// Behavior:
//   - Not implemented yet.

import "context"

type UpdateAccountSettingsInput struct{}

type UpdateAccountSettingsOutput struct{}

func (s *Service) UpdateAccountSettings(ctx context.Context, in *UpdateAccountSettingsInput) (*UpdateAccountSettingsOutput, error) {
	return nil, errNotImplemented("UpdateAccountSettings")
}
