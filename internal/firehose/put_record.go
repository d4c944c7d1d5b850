package firehose

// PutRecord
//
// Behavior:
//   - Appends one record (0..1,000 KiB) to the delivery stream's engine log and answers its
//     RecordId once the engine has stored it; the delivery loop takes it from there.
//   - Encrypted is true while server-side encryption is enabled.
//   - A stream that is not ACTIVE is ResourceNotFoundException; a KinesisStreamAsSource
//     stream refuses direct puts (InvalidArgumentException).
//
// Differences from AWS:
//   - No throughput limits (AWS throttles with ServiceUnavailableException).
//   - RecordIds are 16 characters; AWS's are longer. Both are opaque.

import (
	"context"
	"errors"
	"fmt"

	"github.com/freshet/freshet/internal/awserr"
	"github.com/freshet/freshet/internal/store"
)

type Record struct {
	Data []byte `json:"Data"`
}

type PutRecordInput struct {
	DeliveryStreamName *string `json:"DeliveryStreamName"`
	Record             *Record `json:"Record"`
}

type PutRecordOutput struct {
	Encrypted *bool  `json:"Encrypted,omitempty"`
	RecordId  string `json:"RecordId"`
}

// maxRecordBytes is the largest record (the model's Data maximum, 1,000 KiB).
const maxRecordBytes = 1024000

func (s *Service) PutRecord(ctx context.Context, in *PutRecordInput) (*PutRecordOutput, error) {
	var v awserr.Validator
	checkName(&v, "deliveryStreamName", in.DeliveryStreamName, true)
	if in.Record == nil {
		v.Null("record")
	} else {
		v.Blob("record.data", in.Record.Data, true, 0, maxRecordBytes)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	m, err := s.writable(ctx, *in.DeliveryStreamName)
	if err != nil {
		return nil, err
	}
	seq, err := s.appendRecords(ctx, m, [][]byte{in.Record.Data})
	if err != nil {
		return nil, err
	}
	return &PutRecordOutput{RecordId: recordID(seq, 0), Encrypted: encrypted(m)}, nil
}

// writable loads a delivery stream that takes direct puts.
func (s *Service) writable(ctx context.Context, name string) (*streamMeta, error) {
	r := refOf(ctx, name)
	m, _, err := s.load(ctx, r)
	if err != nil {
		return nil, err
	}
	if m.status(s.now()) != statusActive {
		return nil, r.notFound()
	}
	if m.Type != typeDirectPut {
		return nil, awserr.Newf(awserr.InvalidArgument, "This operation is not permitted on %s delivery stream type.", m.Type)
	}
	return m, nil
}

// appendRecords writes the records of one request as one engine message and wakes the
// delivery loop. It returns the message's sequence number.
func (s *Service) appendRecords(ctx context.Context, m *streamMeta, data [][]byte) (uint64, error) {
	seq, err := s.store.Append(ctx, m.logName(), encodeBatch(s.now(), data))
	if errors.Is(err, store.ErrNotFound) {
		return 0, streamRef{m.Account, m.Region, m.Name}.notFound() // deleted meanwhile
	}
	if err != nil {
		return 0, fmt.Errorf("put to delivery stream %s: %w", m.Name, err)
	}
	s.wakeLoop(m.ID)
	return seq, nil
}

func encrypted(m *streamMeta) *bool {
	on := m.Encryption != nil && m.Encryption.Status == "ENABLED"
	return &on
}
