package kinesis

// DeleteResourcePolicy
//
// Behavior:
//   - Not implemented yet.

import "context"

type DeleteResourcePolicyInput struct{}

type DeleteResourcePolicyOutput struct{}

func (s *Service) DeleteResourcePolicy(ctx context.Context, in *DeleteResourcePolicyInput) (*DeleteResourcePolicyOutput, error) {
	return nil, errNotImplemented("DeleteResourcePolicy")
}
