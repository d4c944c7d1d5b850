package firehose

// The processor types Freshet implements (DefaultStages) and what they share: reading a
// processor's parameters.

import (
	"strconv"

	"github.com/freshet/freshet/internal/awserr"
)

const (
	procDeAggregation   = "RecordDeAggregation"
	procLambda          = "Lambda"
	procMetadata        = "MetadataExtraction"
	procAppendDelimiter = "AppendDelimiterToRecord"
)

// params returns a processor's parameters by name. A parameter the processor type does not
// take, or one given twice, is InvalidArgumentException.
func params(p Processor, allowed ...string) (map[string]string, error) {
	out := map[string]string{}
	for _, pp := range p.Parameters {
		name := deref0(pp.ParameterName)
		ok := false
		for _, a := range allowed {
			ok = ok || a == name
		}
		if !ok {
			return nil, awserr.Newf(awserr.InvalidArgument, "Processor type %s does not support parameter %s.", deref0(p.Type), name)
		}
		if _, dup := out[name]; dup {
			return nil, awserr.Newf(awserr.InvalidArgument, "Parameter %s is specified more than once for processor type %s.", name, deref0(p.Type))
		}
		out[name] = deref0(pp.ParameterValue)
	}
	return out, nil
}

// intParam reads an integer parameter in [lo, hi], def when it is absent.
func intParam(ps map[string]string, name string, def, lo, hi int) (int, error) {
	v, ok := ps[name]
	if !ok {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, awserr.Newf(awserr.InvalidArgument, "Processor parameter %s must be an integer between %d and %d, got %q.", name, lo, hi, v)
	}
	return n, nil
}
