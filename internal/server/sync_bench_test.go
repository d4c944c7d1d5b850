package server

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/freshet/freshet/internal/kinesis"
	"github.com/freshet/freshet/internal/store"
)

// BenchmarkPutRecordsDurability is PutRecords of 500 records of 100 bytes into a 4-shard
// stream on a file-backed engine, from 1 and from 16 concurrent clients, with the engine's
// default background fsync and with --sync always (an fsync before every acknowledgement).
// records/s is what a client sees; the README's Durability section quotes it.
func BenchmarkPutRecordsDurability(b *testing.B) {
	for _, mode := range []struct {
		name string
		o    store.Options
	}{{"default", store.Options{}}, {"always", store.Options{SyncAlways: true}}} {
		for _, clients := range []int{1, 16} {
			b.Run(fmt.Sprintf("sync=%s/clients=%d", mode.name, clients), func(b *testing.B) {
				o := mode.o
				o.DataDir = b.TempDir()
				st, err := store.Open(context.Background(), o)
				if err != nil {
					b.Fatal(err)
				}
				defer st.Close()
				k, err := kinesis.New(context.Background(), kinesis.Options{Store: st})
				if err != nil {
					b.Fatal(err)
				}
				defer k.Close()
				srv := New(Config{Kinesis: k})
				w := httptest.NewRecorder()
				srv.ServeHTTP(w, fuzzRequest(createStream, []byte(`{"StreamName":"bench","ShardCount":4}`)))
				if w.Code != 200 {
					b.Fatalf("CreateStream: %d %s", w.Code, w.Body)
				}
				body := putRecordsBody(500, 100)
				b.SetBytes(int64(len(body)))
				b.SetParallelism(clients) // × GOMAXPROCS goroutines
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						w := httptest.NewRecorder()
						srv.ServeHTTP(w, fuzzRequest("Kinesis_20131202.PutRecords", body))
						if w.Code != 200 {
							b.Errorf("PutRecords: %d %s", w.Code, w.Body)
							return
						}
					}
				})
				b.ReportMetric(float64(b.N)*500/b.Elapsed().Seconds(), "records/s")
			})
		}
	}
}
