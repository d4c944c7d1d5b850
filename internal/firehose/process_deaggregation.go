package firehose

// RecordDeAggregation
//
// Behavior:
//   - Splits each record into sub-records before any other processor runs. KPL aggregated
//     records (kpl.go) are split into their user records first; then SubRecordType JSON
//     splits concatenated (or newline-separated) JSON values, and DELIMITED splits at
//     Delimiter, given base64-encoded as AWS takes it (an empty last piece is dropped).
//   - A record of more than 500 sub-records, or one that is not JSON under SubRecordType
//     JSON, goes whole to the error output as processing-failed.
//   - Sub-records keep their record's arrival time and partition keys; their ids are the
//     record's id with ".<n>" appended, so that Lambda sees unique record ids.
//
// Differences from AWS:
//   - The error codes of records that cannot be split (RecordDeAggregation.*) are Freshet's.

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"strconv"

	"github.com/freshet/freshet/internal/awserr"
)

const (
	subRecordJSON      = "JSON"
	subRecordDelimited = "DELIMITED"
	// maxSubRecords is AWS's limit of sub-records per record.
	maxSubRecords = 500
)

type deAggregationStage struct {
	typ       string
	delimiter []byte
}

func newDeAggregation(_ StreamInfo, p Processor) (Stage, error) {
	ps, err := params(p, "SubRecordType", "Delimiter")
	if err != nil {
		return nil, err
	}
	st := deAggregationStage{typ: ps["SubRecordType"]}
	switch st.typ {
	case subRecordJSON:
		if _, ok := ps["Delimiter"]; ok {
			return nil, awserr.New(awserr.InvalidArgument, "Delimiter can only be specified when SubRecordType is DELIMITED.")
		}
	case subRecordDelimited:
		d, err := base64.StdEncoding.DecodeString(ps["Delimiter"])
		if err != nil || len(d) == 0 {
			return nil, awserr.New(awserr.InvalidArgument, "Delimiter must be a non-empty base64-encoded string when SubRecordType is DELIMITED.")
		}
		st.delimiter = d
	default:
		return nil, awserr.New(awserr.InvalidArgument, "SubRecordType must be JSON or DELIMITED for RecordDeAggregation.")
	}
	return st, nil
}

func (d deAggregationStage) Process(_ context.Context, b *Batch) error {
	out := make([]DeliveryRecord, 0, len(b.Records))
	for _, r := range b.Records {
		var parts [][]byte
		if subs, ok := deaggregateKPL(r.Data); ok {
			for _, s := range subs {
				parts = append(parts, s.Data)
			}
		} else {
			parts = [][]byte{r.Data}
		}
		var pieces [][]byte
		code, msg := "", ""
		for _, p := range parts {
			ps, bad := d.split(p)
			if bad != "" {
				code, msg = "RecordDeAggregation.JsonParsingFailed", bad
				break
			}
			pieces = append(pieces, ps...)
		}
		if code == "" && len(pieces) > maxSubRecords {
			code, msg = "RecordDeAggregation.TooManySubRecords", "The record has more than 500 sub-records."
		}
		if code != "" {
			b.Failed = append(b.Failed, FailedRecord{Record: r, ErrorCode: code, ErrorMessage: msg})
			continue
		}
		for i, p := range pieces {
			sub := r
			sub.Data = p
			if len(pieces) > 1 {
				sub.ID = r.ID + "." + strconv.Itoa(i)
			}
			out = append(out, sub)
		}
	}
	b.Records = out
	return nil
}

// split splits one record's data; a record it cannot split gives the error document's
// message.
func (d deAggregationStage) split(data []byte) ([][]byte, string) {
	if d.typ == subRecordDelimited {
		ps := bytes.Split(data, d.delimiter)
		if len(ps) > 1 && len(ps[len(ps)-1]) == 0 {
			ps = ps[:len(ps)-1]
		}
		return ps, ""
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var out [][]byte
	for {
		var v json.RawMessage
		err := dec.Decode(&v)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, "The record is not a sequence of JSON values: " + err.Error()
		}
		out = append(out, []byte(v))
	}
	if len(out) == 0 {
		return nil, "The record holds no JSON value."
	}
	return out, ""
}
