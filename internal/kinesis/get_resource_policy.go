package kinesis

// GetResourcePolicy
//
// Behavior:
//   - Returns the resource policy of the stream a stream ResourceARN names, as stored;
//     "{}" when none is attached (as AWS answers).
//
// Differences from AWS:
//   - Consumer ARNs are not implemented: ResourceNotFoundException.

import (
	"context"

	"github.com/freshet/freshet/internal/awserr"
)

type GetResourcePolicyInput struct {
	ResourceARN *string `json:"ResourceARN"`
}

type GetResourcePolicyOutput struct {
	Policy string `json:"Policy"`
}

func (s *Service) GetResourcePolicy(ctx context.Context, in *GetResourcePolicyInput) (*GetResourcePolicyOutput, error) {
	var v awserr.Validator
	checkResourceARN(&v, in.ResourceARN)
	if err := v.Err(); err != nil {
		return nil, err
	}
	r, err := resourceStream(*in.ResourceARN)
	if err != nil {
		return nil, err
	}
	m, _, err := s.load(ctx, r)
	if err != nil {
		return nil, err
	}
	if m.Policy == "" {
		return &GetResourcePolicyOutput{Policy: "{}"}, nil
	}
	return &GetResourcePolicyOutput{Policy: m.Policy}, nil
}
