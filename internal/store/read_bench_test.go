package store

import (
	"bytes"
	"context"
	"testing"
)

// Read's fixed cost per call, on a memory engine:
//
//	go test ./internal/store -run '^$' -bench 'BenchmarkRead(Empty|Batch|EmptyParallel)$' -benchtime 2s -count 5

// benchReadLog makes a log of n messages of 100 bytes and returns it with its name.
func benchReadLog(b *testing.B, n int) (*Store, string) {
	s := openBench(b, true)
	b.Cleanup(func() { s.Close() })
	ctx := context.Background()
	const name = "rb_1"
	if err := s.CreateLog(ctx, name, 0); err != nil {
		b.Fatal(err)
	}
	data := bytes.Repeat([]byte{'x'}, 100)
	for range n {
		if _, err := s.Append(ctx, name, data); err != nil {
			b.Fatal(err)
		}
	}
	return s, name
}

// BenchmarkReadEmpty reads at the end of a log, as an idle consumer's GetRecords does.
func BenchmarkReadEmpty(b *testing.B) {
	s, name := benchReadLog(b, 10)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		res, err := s.Read(ctx, name, ReadRequest{From: 11, Max: 100})
		if err != nil || len(res.Msgs) != 0 {
			b.Fatalf("read: %d msgs, %v", len(res.Msgs), err)
		}
	}
}

// BenchmarkReadEmptyParallel is BenchmarkReadEmpty from 8 goroutines per CPU at once.
func BenchmarkReadEmptyParallel(b *testing.B) {
	s, name := benchReadLog(b, 10)
	ctx := context.Background()
	b.ReportAllocs()
	b.SetParallelism(8)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			res, err := s.Read(ctx, name, ReadRequest{From: 11, Max: 100})
			if err != nil || len(res.Msgs) != 0 {
				b.Errorf("read: %d msgs, %v", len(res.Msgs), err)
				return
			}
		}
	})
}

// BenchmarkReadBatch reads 10 messages of 100 bytes.
func BenchmarkReadBatch(b *testing.B) {
	s, name := benchReadLog(b, 10)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		res, err := s.Read(ctx, name, ReadRequest{From: 1, Max: 10})
		if err != nil || len(res.Msgs) != 10 {
			b.Fatalf("read: %d msgs, %v", len(res.Msgs), err)
		}
	}
}
