package kinesis

// GetResourcePolicy
//
// Behavior:
//   - Not implemented yet.

import "context"

type GetResourcePolicyInput struct{}

type GetResourcePolicyOutput struct{}

func (s *Service) GetResourcePolicy(ctx context.Context, in *GetResourcePolicyInput) (*GetResourcePolicyOutput, error) {
	return nil, errNotImplemented("GetResourcePolicy")
}
