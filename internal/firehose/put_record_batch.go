package firehose

// PutRecordBatch
//
// Behavior:
//   - Appends 1..500 records (each 0..1,000 KiB, 4 MiB in all) to the delivery stream's
//     engine log as ONE engine message and answers once the engine has stored it:
//     RequestResponses in request order, each with a RecordId.
//   - Partial failure is a 200: when the engine refuses the write, every entry carries
//     ErrorCode InternalFailure and FailedPutCount counts them (one engine write per
//     request, so entries fail together).
//   - Over 4 MiB in all: InvalidArgumentException. Stream state as in PutRecord.
//
// Differences from AWS:
//   - The 4 MiB InvalidArgumentException text is Freshet's; no throttling.

import (
	"context"
	"strconv"

	"github.com/freshet/freshet/internal/awserr"
)

type PutRecordBatchInput struct {
	DeliveryStreamName *string  `json:"DeliveryStreamName"`
	Records            []Record `json:"Records"`
}

type PutRecordBatchResponseEntry struct {
	ErrorCode    *string `json:"ErrorCode,omitempty"`
	ErrorMessage *string `json:"ErrorMessage,omitempty"`
	RecordId     *string `json:"RecordId,omitempty"`
}

type PutRecordBatchOutput struct {
	Encrypted        *bool                         `json:"Encrypted,omitempty"`
	FailedPutCount   int                           `json:"FailedPutCount"`
	RequestResponses []PutRecordBatchResponseEntry `json:"RequestResponses"`
}

const (
	maxBatchRecords = 500
	maxBatchBytes   = 4 << 20
)

func (s *Service) PutRecordBatch(ctx context.Context, in *PutRecordBatchInput) (*PutRecordBatchOutput, error) {
	var v awserr.Validator
	checkName(&v, "deliveryStreamName", in.DeliveryStreamName, true)
	rendered := ""
	if n := len(in.Records); in.Records != nil && (n < 1 || n > maxBatchRecords) {
		rendered = renderRecords(n)
	}
	v.List("records", len(in.Records), in.Records != nil, true, 1, maxBatchRecords, rendered)
	total := 0
	for i, r := range in.Records {
		total += len(r.Data)
		if r.Data == nil || len(r.Data) > maxRecordBytes {
			v.Blob("records."+strconv.Itoa(i+1)+".member.data", r.Data, true, 0, maxRecordBytes)
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if total > maxBatchBytes {
		return nil, awserr.Newf(awserr.InvalidArgument, "Records size %d exceeds the limit of %d bytes per PutRecordBatch request.", total, maxBatchBytes)
	}
	m, err := s.writable(ctx, *in.DeliveryStreamName)
	if err != nil {
		return nil, err
	}
	data := make([][]byte, len(in.Records))
	for i, r := range in.Records {
		data[i] = r.Data
	}
	out := &PutRecordBatchOutput{Encrypted: encrypted(m), RequestResponses: make([]PutRecordBatchResponseEntry, len(data))}
	seq, err := s.appendRecords(ctx, m, data)
	if awserr.IsCode(err, awserr.ResourceNotFound) || ctx.Err() != nil {
		return nil, err
	}
	if err != nil {
		s.log.Error("put record batch", "stream", m.Name, "err", err)
		code, msg := awserr.InternalFailure, "Internal service failure."
		for i := range out.RequestResponses {
			out.RequestResponses[i] = PutRecordBatchResponseEntry{ErrorCode: &code, ErrorMessage: &msg}
		}
		out.FailedPutCount = len(data)
		return out, nil
	}
	for i := range out.RequestResponses {
		id := recordID(seq, i)
		out.RequestResponses[i].RecordId = &id
	}
	return out, nil
}

// renderRecords prints a record list the way AWS's validator does (at most a few entries).
func renderRecords(n int) string {
	const shown = 3
	s := "["
	for i := range min(n, shown) {
		if i > 0 {
			s += ", "
		}
		s += "Record(Data=java.nio.HeapByteBuffer)"
	}
	if n > shown {
		s += ", ..."
	}
	return s + "]"
}
