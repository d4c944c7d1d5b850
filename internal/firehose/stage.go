package firehose

import (
	"context"
	"slices"

	"github.com/freshet/freshet/internal/awserr"
)

// Stage is one processing step of a delivery stream (a configured Processor): it rewrites
// b.Records in place (transform, split, drop, set partition Keys) and moves the records it
// cannot handle to b.Failed. An error means the whole batch is retried later.
type Stage interface {
	Process(ctx context.Context, b *Batch) error
}

// StageFactory builds the stage of one configured processor for a delivery stream. A
// configuration it cannot accept is a client-visible *awserr.Error (InvalidArgument), so
// that CreateDeliveryStream and UpdateDestination refuse it.
type StageFactory func(info StreamInfo, p Processor) (Stage, error)

// DefaultStages returns the processor types Freshet implements, by ProcessorType; the
// Lambda processor invokes functions through o.HTTP and o.LambdaEndpoints.
func DefaultStages(o Options) map[string]StageFactory {
	return map[string]StageFactory{
		procDeAggregation:   newDeAggregation,
		procLambda:          lambdaStages(o),
		procMetadata:        newMetadataExtraction,
		procAppendDelimiter: newAppendDelimiter,
	}
}

// stageOrder is the order in which AWS applies processors, whatever the configuration's
// order: de-aggregation, decompression and CloudWatch Logs extraction, Lambda, partition-key
// extraction, then the delimiter.
var stageOrder = processorTypes

// stages builds a destination's processing pipeline (nil when processing is off).
func (s *Service) stages(info StreamInfo, pc *ProcessingConfiguration) ([]Stage, error) {
	if pc == nil || pc.Enabled == nil || !*pc.Enabled {
		return nil, nil
	}
	procs := slices.Clone(pc.Processors)
	slices.SortStableFunc(procs, func(a, b Processor) int {
		return slices.Index(stageOrder, deref0(a.Type)) - slices.Index(stageOrder, deref0(b.Type))
	})
	out := make([]Stage, 0, len(procs))
	for _, p := range procs {
		f, ok := s.opts.Stages[deref0(p.Type)]
		if !ok {
			return nil, awserr.Newf(awserr.InvalidArgument, "Processor type %s is not supported by Freshet.", deref0(p.Type))
		}
		st, err := f(info, p)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}
