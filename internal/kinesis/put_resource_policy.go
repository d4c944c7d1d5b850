package kinesis

// PutResourcePolicy
//
// Behavior:
//   - Attaches (or replaces) the resource policy of the stream a stream ResourceARN names;
//     it is kept in the stream's metadata and returned by GetResourcePolicy.
//   - Policy must be a JSON object: anything else is InvalidArgumentException.
//   - A stream that is not ACTIVE: ResourceInUseException.
//
// Differences from AWS:
//   - The policy is stored, never enforced, and not checked against the IAM policy grammar.
//   - Consumer ARNs are not implemented: ResourceNotFoundException.
//   - The invalid-policy message is Freshet's own; AWS's text is unknown.

import (
	"context"
	"encoding/json"

	"github.com/freshet/freshet/internal/awserr"
)

type PutResourcePolicyInput struct {
	Policy      *string `json:"Policy"`
	ResourceARN *string `json:"ResourceARN"`
}

type PutResourcePolicyOutput struct{}

func (s *Service) PutResourcePolicy(ctx context.Context, in *PutResourcePolicyInput) (*PutResourcePolicyOutput, error) {
	var v awserr.Validator
	v.Str("policy", in.Policy, true, 0, 0, nil)
	checkResourceARN(&v, in.ResourceARN)
	if err := v.Err(); err != nil {
		return nil, err
	}
	r, err := resourceStream(*in.ResourceARN)
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(*in.Policy), &doc); err != nil || doc == nil {
		return nil, awserr.New(awserr.InvalidArgument, "Policy is not a valid JSON document.")
	}
	_, err = s.update(ctx, r, func(m *streamMeta) error {
		if err := s.requireActive(m); err != nil {
			return err
		}
		m.Policy = *in.Policy
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &PutResourcePolicyOutput{}, nil
}

// checkResourceARN validates the ResourceARN of the resource-policy operations.
func checkResourceARN(v *awserr.Validator, arn *string) {
	v.Str("resourceARN", arn, true, 1, 2048, resourceARNPat)
}
