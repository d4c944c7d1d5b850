package kinesis

// DescribeStream
//
// Behavior:
//   - Not implemented yet.

import "context"

type DescribeStreamInput struct{}

type DescribeStreamOutput struct{}

func (s *Service) DescribeStream(ctx context.Context, in *DescribeStreamInput) (*DescribeStreamOutput, error) {
	return nil, errNotImplemented("DescribeStream")
}
