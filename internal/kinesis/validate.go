package kinesis

import (
	"context"

	"github.com/freshet/freshet/internal/awserr"
)

// Patterns and limits shared by many operations, from AWS's model.
var (
	namePattern      = awserr.NewPattern("[a-zA-Z0-9_.-]+")
	streamARNPat     = awserr.NewPattern(`arn:aws.*:kinesis:.*:\d{12}:stream/\S+`)
	resourceARNPat   = awserr.NewPattern(`arn:aws.*:kinesis:.*:\d{12}:.*stream/\S+`)
	hashKeyPattern   = awserr.NewPattern(`0|([1-9]\d{0,38})`)
	seqNumPattern    = awserr.NewPattern(`0|([1-9]\d{0,128})`)
	streamModes      = []string{modeProvisioned, modeOnDemand}
	defaultRetention = 24
)

// checkStreamName and checkStreamARN check the StreamName / StreamARN pair most operations
// take (members are checked in alphabetical order by the caller, which calls each where it
// belongs).
func checkStreamName(v *awserr.Validator, name *string) {
	v.Str("streamName", name, false, 1, 128, namePattern)
}

func checkStreamARN(v *awserr.Validator, arn *string) {
	v.Str("streamARN", arn, false, 1, 2048, streamARNPat)
}

// streamOf finishes an operation's validation with its StreamARN and StreamName members
// (the last ones AWS checks when they close the member list) and resolves the stream they
// name.
func streamOf(ctx context.Context, v *awserr.Validator, name, arn *string) (streamRef, error) {
	checkStreamARN(v, arn)
	checkStreamName(v, name)
	if err := v.Err(); err != nil {
		return streamRef{}, err
	}
	return ref(ctx, name, arn)
}
