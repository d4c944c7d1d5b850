package kinesis

// DeleteResourcePolicy
//
// Behavior:
//   - Removes the resource policy of the stream a stream ResourceARN names; removing a
//     policy that is not there succeeds. GetResourcePolicy then answers "{}".
//   - A stream that is not ACTIVE: ResourceInUseException.
//
// Differences from AWS:
//   - Consumer ARNs are not implemented: ResourceNotFoundException.

import (
	"context"

	"github.com/freshet/freshet/internal/awserr"
)

type DeleteResourcePolicyInput struct {
	ResourceARN *string `json:"ResourceARN"`
}

type DeleteResourcePolicyOutput struct{}

func (s *Service) DeleteResourcePolicy(ctx context.Context, in *DeleteResourcePolicyInput) (*DeleteResourcePolicyOutput, error) {
	var v awserr.Validator
	checkResourceARN(&v, in.ResourceARN)
	if err := v.Err(); err != nil {
		return nil, err
	}
	r, err := resourceStream(*in.ResourceARN)
	if err != nil {
		return nil, err
	}
	_, err = s.update(ctx, r, func(m *streamMeta) error {
		if err := s.requireActive(m); err != nil {
			return err
		}
		m.Policy = ""
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DeleteResourcePolicyOutput{}, nil
}
