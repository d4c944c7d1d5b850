package firehose

// AppendDelimiterToRecord
//
// Behavior:
//   - Appends a newline to every record, so that the records of an object are one per line
//     (AWS concatenates them without a delimiter otherwise). It runs last, after Lambda and
//     partition-key extraction, as AWS orders processors.
//   - It takes no parameters (any is InvalidArgumentException).

import "context"

type appendDelimiterStage struct{}

func newAppendDelimiter(_ StreamInfo, p Processor) (Stage, error) {
	if _, err := params(p); err != nil {
		return nil, err
	}
	return appendDelimiterStage{}, nil
}

func (appendDelimiterStage) Process(_ context.Context, b *Batch) error {
	for i := range b.Records {
		d := b.Records[i].Data
		b.Records[i].Data = append(d[:len(d):len(d)], '\n')
	}
	return nil
}
