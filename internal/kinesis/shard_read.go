package kinesis

// The one shard reader GetRecords and SubscribeToShard share: one batched engine read from a
// position, decoded into wire records.

import (
	"context"
	"fmt"
	"time"

	"github.com/freshet/freshet/internal/store"
)

// shardRead is what one engine read of a shard returned.
type shardRead struct {
	Records []Record
	// Next is the position after the last record returned, or after the last batch read
	// when every record of it was returned.
	Next uint64
	// Bytes counts the data and partition keys returned.
	Bytes int
	// Batches and Seen count the engine messages read and the records they held.
	Batches, Seen int
	// behindMs is the arrival of the first record not returned (0 when caught up).
	behindMs int64
}

// millisBehind is MillisBehindLatest at now: 0 when the read reached the end of the shard,
// else how long ago the first record not returned arrived (at least 1).
func (r *shardRead) millisBehind(now time.Time) int64 {
	if r.behindMs == 0 {
		return 0
	}
	return max(now.UnixMilli()-r.behindMs, 1)
}

// readShard reads shard sh of m from position from: at most limit records and, after the
// first, maxBytes of data and partition keys, from at most batches engine messages. A
// missing log is store.ErrNotFound.
func (s *Service) readShard(ctx context.Context, m *streamMeta, sh *shardMeta, from uint64, limit, maxBytes, batches int) (*shardRead, error) {
	seq, _ := splitPosition(from)
	res, err := s.store.Read(ctx, m.logName(sh.Index), store.ReadRequest{From: max(seq, 1), Max: batches, MaxBytes: maxBytes})
	if err != nil {
		return nil, err
	}
	decoded := make([]*batch, len(res.Msgs))
	out := &shardRead{Next: from, Batches: len(res.Msgs)}
	for i, msg := range res.Msgs {
		if decoded[i], err = decodeBatch(msg.Data); err != nil {
			return nil, fmt.Errorf("read %s: %w", m.logName(sh.Index), err)
		}
		out.Seen += len(decoded[i].Records)
	}
	out.Records = make([]Record, 0, min(limit, out.Seen))
read:
	for k, msg := range res.Msgs {
		b := decoded[k]
		var seqs []string // sequence numbers of the batch's records from the first returned on
		for i, rec := range b.Records {
			pos := position(msg.Seq, i)
			if pos < from {
				continue
			}
			size := len(rec.Data) + len(rec.PartitionKey)
			if len(out.Records) == limit || (len(out.Records) > 0 && out.Bytes+size > maxBytes) {
				out.behindMs = b.ArrivalMs
				break read
			}
			out.Bytes += size
			if seqs == nil {
				seqs = recordSeq(sh, msg.Seq, i, b.ArrivalMs).Strings(len(b.Records) - i)
			}
			out.Records = append(out.Records, wireRecord(seqs[len(seqs)-len(b.Records)+i], b, rec))
			out.Next = pos + 1
		}
		out.Next = position(msg.Seq+1, 0)
	}
	if out.behindMs == 0 && res.Pending > 0 && len(decoded) > 0 {
		// The first unread record is in a batch not read; it arrived after the last one read.
		out.behindMs = decoded[len(decoded)-1].ArrivalMs
	}
	return out, nil
}
