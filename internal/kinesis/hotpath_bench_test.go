package kinesis

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"github.com/freshet/freshet/internal/auth"
	"github.com/freshet/freshet/internal/hashkey"
	"github.com/freshet/freshet/internal/store"
)

// The write and read paths piece by piece, for profiles and benchstat:
//
//	go test ./internal/kinesis -run '^$' -bench 'Hot' -benchtime 2s -count 6

// cpuPerOp reports the process's CPU time (user and system, GC included) per iteration
// when the returned function runs: on a shared machine the wall time per operation swings
// with the other load, the CPU time much less.
func cpuPerOp(b *testing.B) func() {
	start := cpuNow()
	return func() { b.ReportMetric(float64(cpuNow()-start)/float64(b.N), "cpu-ns/op") }
}

func cpuNow() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// hotRecords is n records of size bytes with 16-character random partition keys.
func hotRecords(n, size int) []record {
	recs := make([]record, n)
	for i := range recs {
		recs[i] = record{PartitionKey: fmt.Sprintf("%016x", rand.Uint64()), Data: make([]byte, size)}
	}
	return recs
}

// BenchmarkHotDecodePutRecords decodes a PutRecords body of 500 records of 100 bytes
// with 16-character partition keys (the fast path).
func BenchmarkHotDecodePutRecords(b *testing.B) {
	body := []byte(`{"StreamName":"bench","Records":[`)
	for i, r := range hotRecords(500, 100) {
		if i > 0 {
			body = append(body, ',')
		}
		body = fmt.Appendf(body, `{"Data":"%s","PartitionKey":"%s"}`, base64.StdEncoding.EncodeToString(r.Data), r.PartitionKey)
	}
	body = append(body, "]}"...)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	defer cpuPerOp(b)()
	for b.Loop() {
		var in PutRecordsInput
		if !in.DecodeJSONFast(body) {
			b.Fatal("fast path refused the body")
		}
	}
}

// BenchmarkHotRoute hashes and routes the 500 partition keys of one PutRecords on a
// 4-shard stream.
func BenchmarkHotRoute(b *testing.B) {
	m := &streamMeta{Shards: make([]shardMeta, 4)}
	for i, r := range hashkey.Full.Split(4) {
		m.Shards[i] = shardMeta{Index: i, StartHash: r.Start.String(), EndHash: r.End.String()}
	}
	rt := newRouter(m)
	recs := hotRecords(500, 0)
	b.ReportAllocs()
	defer cpuPerOp(b)()
	for b.Loop() {
		for _, r := range recs {
			if rt.route(hashkey.FromPartitionKey(r.PartitionKey)) < 0 {
				b.Fatal("no shard")
			}
		}
	}
}

// BenchmarkHotAppendBatch encodes one shard's batch of 500 records of 100 bytes.
func BenchmarkHotAppendBatch(b *testing.B) {
	bt := &batch{ArrivalMs: time.Now().UnixMilli(), Records: hotRecords(500, 100)}
	buf := appendBatch(nil, bt)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	defer cpuPerOp(b)()
	for b.Loop() {
		buf = appendBatch(buf[:0], bt)
	}
}

// BenchmarkHotDecodeBatch decodes one stored batch of 500 records of 100 bytes.
func BenchmarkHotDecodeBatch(b *testing.B) {
	buf := appendBatch(nil, &batch{ArrivalMs: time.Now().UnixMilli(), Records: hotRecords(500, 100)})
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	defer cpuPerOp(b)()
	for b.Loop() {
		if _, err := decodeBatch(buf); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHotSequenceNumbers renders the sequence numbers of a 500-record batch, as the
// answer to a PutRecords does.
func BenchmarkHotSequenceNumbers(b *testing.B) {
	sh := &shardMeta{Index: 3, CreatedMs: time.Now().UnixMilli()}
	arrival := time.Now().UnixMilli()
	b.ReportAllocs()
	defer cpuPerOp(b)()
	for b.Loop() {
		if seqs := recordSeq(sh, 123456, 0, arrival).Strings(500); len(seqs) != 500 {
			b.Fatal(len(seqs))
		}
	}
}

// BenchmarkHotSequenceNumber renders one sequence number, as a GetRecords answer does for
// each record.
func BenchmarkHotSequenceNumber(b *testing.B) {
	n := recordSeq(&shardMeta{Index: 3, CreatedMs: time.Now().UnixMilli()}, 123456, 7, time.Now().UnixMilli())
	b.ReportAllocs()
	defer cpuPerOp(b)()
	for b.Loop() {
		_ = n.String()
	}
}

// BenchmarkHotEncodePutRecords renders the answer to a 500-record PutRecords.
func BenchmarkHotEncodePutRecords(b *testing.B) {
	sh := &shardMeta{Index: 3, CreatedMs: time.Now().UnixMilli()}
	out := &PutRecordsOutput{EncryptionType: "NONE", Records: make([]PutRecordsResultEntry, 500)}
	for i := range out.Records {
		out.Records[i] = PutRecordsResultEntry{SequenceNumber: recordSeq(sh, 123456, i, time.Now().UnixMilli()).String(), ShardId: shardID(3)}
	}
	b.ReportAllocs()
	defer cpuPerOp(b)()
	for b.Loop() {
		if _, err := out.AppendJSON(nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHotEncodeGetRecords renders a GetRecords answer of 10000 records of 100 bytes
// (20 batches of 500).
func BenchmarkHotEncodeGetRecords(b *testing.B) {
	sh := &shardMeta{Index: 3, CreatedMs: time.Now().UnixMilli()}
	it := "AAAAAAAAAAEx" + fmt.Sprintf("%0200x", 1)
	out := &GetRecordsOutput{NextShardIterator: &it}
	recs := hotRecords(500, 100)
	for q := range 20 {
		bt := &batch{ArrivalMs: time.Now().UnixMilli() + int64(q), Records: recs}
		for i, r := range recs {
			out.Records = append(out.Records, wireRecord(recordSeq(sh, uint64(q+1), i, bt.ArrivalMs).String(), bt, r))
		}
	}
	b.ReportAllocs()
	defer cpuPerOp(b)()
	for b.Loop() {
		if _, err := out.AppendJSON(nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(out.Records)*b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkHotPutRecordsService is one decoded PutRecords of 500 records of 100 bytes to a
// stream of 4 or 500 shards on the memory engine: validation, routing, batching, the
// engine's acknowledged appends (4, or about 370 of one or two records) and the answer's
// sequence numbers (no HTTP, no JSON).
func BenchmarkHotPutRecordsService(b *testing.B) {
	for _, shards := range []int64{4, 500} {
		b.Run(fmt.Sprintf("shards=%d", shards), func(b *testing.B) {
			st, err := store.Open(b.Context(), store.Options{Memory: true})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { st.Close() })
			s, err := New(b.Context(), Options{Store: st, ShardLimit: 1000})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(s.Close)
			ctx := auth.WithScope(b.Context(), auth.Scope{Account: "000000000000", Region: "us-east-1"})
			name := "hot"
			if _, err := s.CreateStream(ctx, &CreateStreamInput{StreamName: &name, ShardCount: &shards}); err != nil {
				b.Fatal(err)
			}
			in := &PutRecordsInput{StreamName: &name}
			for _, r := range hotRecords(500, 100) {
				in.Records = append(in.Records, PutRecordsRequestEntry{PartitionKey: &r.PartitionKey, Data: r.Data})
			}
			b.SetBytes(500 * 100)
			b.ReportAllocs()
			defer cpuPerOp(b)()
			for b.Loop() {
				out, err := s.PutRecords(ctx, in)
				if err != nil || out.FailedRecordCount != 0 {
					b.Fatalf("PutRecords: %v", err)
				}
			}
			b.ReportMetric(float64(500*b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

// BenchmarkHotGetRecordsHistory reads 500 records from the middle of a shard that holds
// 500 or 1,000,000 records before them: a read costs what it returns, not what the shard
// holds.
func BenchmarkHotGetRecordsHistory(b *testing.B) {
	for _, puts := range []int{1, 2000} {
		b.Run(fmt.Sprintf("history=%d", puts*500), func(b *testing.B) {
			ctx, s, _ := grService(b, puts, 500, 100)
			name := "s"
			pk := "k"
			tail := make([]PutRecordsRequestEntry, 500)
			for i := range tail {
				tail[i] = PutRecordsRequestEntry{PartitionKey: &pk, Data: make([]byte, 100)}
			}
			put, err := s.PutRecords(ctx, &PutRecordsInput{StreamName: &name, Records: tail})
			if err != nil {
				b.Fatal(err)
			}
			typ, shard := iterAtSequence, "0"
			gsi, err := s.GetShardIterator(ctx, &GetShardIteratorInput{StreamName: &name, ShardId: &shard, ShardIteratorType: &typ,
				StartingSequenceNumber: &put.Records[0].SequenceNumber})
			if err != nil {
				b.Fatal(err)
			}
			limit := int64(500)
			b.ReportAllocs()
			defer cpuPerOp(b)()
			for b.Loop() {
				out, err := s.GetRecords(ctx, &GetRecordsInput{ShardIterator: &gsi.ShardIterator, Limit: &limit})
				if err != nil || len(out.Records) != 500 {
					b.Fatalf("GetRecords: %d records, %v", len(out.Records), err)
				}
			}
		})
	}
}
