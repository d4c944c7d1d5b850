package kinesis

// PutResourcePolicy
//
// Behavior:
//   - Not implemented yet.

import "context"

type PutResourcePolicyInput struct{}

type PutResourcePolicyOutput struct{}

func (s *Service) PutResourcePolicy(ctx context.Context, in *PutResourcePolicyInput) (*PutResourcePolicyOutput, error) {
	return nil, errNotImplemented("PutResourcePolicy")
}
