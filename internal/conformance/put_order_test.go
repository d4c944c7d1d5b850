package conformance

import (
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/smithy-go"
)

func putSeq(t *testing.T, s *string) *big.Int {
	t.Helper()
	n, ok := new(big.Int).SetString(aws.ToString(s), 10)
	if !ok {
		t.Fatalf("sequence number %q is not a decimal integer", aws.ToString(s))
	}
	return n
}

// putReadShard reads a shard from its trim horizon to its current end.
func putReadShard(t *testing.T, e *env, stream, shard string) []types.Record {
	t.Helper()
	ctx := t.Context()
	it, err := e.Client.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String(stream), ShardId: aws.String(shard), ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
	if err != nil {
		t.Fatal(err)
	}
	var out []types.Record
	iter := it.ShardIterator
	for iter != nil {
		res, err := e.Client.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: iter})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, res.Records...)
		if len(res.Records) == 0 && aws.ToInt64(res.MillisBehindLatest) == 0 {
			break
		}
		iter = res.NextShardIterator
	}
	return out
}

// Eight producers write concurrently to a 3-shard stream. Every producer sees, per shard,
// sequence numbers rising in the order its records were acknowledged (within a request in
// request order, across requests in the order of the answers), and reading the shards back
// returns each producer's records in that order.
func TestPutRecordsOrderUnderConcurrentProducers(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	const (
		shards    = 3
		producers = 8
		requests  = 10
		perReq    = 40
		perSingle = 5 // records sent one PutRecord at a time in every fifth round
	)
	e.createStream(t, "order", shards)
	client := e.Client
	var wg sync.WaitGroup
	errs := make(chan error, producers)
	for p := range producers {
		wg.Go(func() {
			last := map[string]*big.Int{}
			n := 0
			for r := range requests {
				single := r%5 == 4
				entries := make([]types.PutRecordsRequestEntry, perReq)
				if single {
					entries = entries[:perSingle]
				}
				for i := range entries {
					entries[i] = types.PutRecordsRequestEntry{
						PartitionKey: aws.String(fmt.Sprintf("p%d-k%d", p, n%17)),
						Data:         fmt.Appendf(nil, "%d/%d", p, n),
					}
					n++
				}
				var out *kinesis.PutRecordsOutput
				var err error
				if single {
					for i := range entries {
						one, err := client.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("order"), PartitionKey: entries[i].PartitionKey, Data: entries[i].Data})
						if err != nil {
							errs <- err
							return
						}
						if out == nil {
							out = &kinesis.PutRecordsOutput{FailedRecordCount: aws.Int32(0)}
						}
						out.Records = append(out.Records, types.PutRecordsResultEntry{ShardId: one.ShardId, SequenceNumber: one.SequenceNumber})
					}
				} else if out, err = client.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("order"), Records: entries}); err != nil {
					errs <- err
					return
				}
				if *out.FailedRecordCount != 0 {
					errs <- fmt.Errorf("producer %d: %d records failed", p, *out.FailedRecordCount)
					return
				}
				for i, rec := range out.Records {
					seq, ok := new(big.Int).SetString(aws.ToString(rec.SequenceNumber), 10)
					if !ok {
						errs <- fmt.Errorf("bad sequence number %q", aws.ToString(rec.SequenceNumber))
						return
					}
					shard := aws.ToString(rec.ShardId)
					if prev := last[shard]; prev != nil && seq.Cmp(prev) <= 0 {
						errs <- fmt.Errorf("producer %d request %d record %d: %s on %s not above %s", p, r, i, seq, shard, prev)
						return
					}
					last[shard] = seq
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	total := 0
	for i := range shards {
		shard := fmt.Sprintf("shardId-%012d", i)
		recs := putReadShard(t, e, "order", shard)
		total += len(recs)
		next := map[int]int{} // per producer: the smallest counter not yet seen on this shard
		var prev *big.Int
		for _, r := range recs {
			seq := putSeq(t, r.SequenceNumber)
			if prev != nil && seq.Cmp(prev) <= 0 {
				t.Fatalf("%s: read back %s after %s", shard, seq, prev)
			}
			prev = seq
			p, c, _ := strings.Cut(string(r.Data), "/")
			pi, _ := strconv.Atoi(p)
			ci, _ := strconv.Atoi(c)
			if ci < next[pi] {
				t.Fatalf("%s: producer %d record %d read after a later one", shard, pi, ci)
			}
			next[pi] = ci + 1
		}
	}
	if want := producers * (requests/5*perSingle + (requests-requests/5)*perReq); total != want {
		t.Fatalf("read back %d records, want %d", total, want)
	}
}

// Deleting a stream while producers write to it: every producer ends with
// ResourceNotFoundException; no request fails otherwise and no record fails internally.
func TestPutRecordsDeleteUnderProducers(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	e.createStream(t, "doomed", 4)
	client := e.Client
	const producers = 6
	var written atomic.Int64
	started := make(chan struct{}, producers)
	errs := make(chan error, producers)
	var wg sync.WaitGroup
	for p := range producers {
		wg.Go(func() {
			for i := 0; ; i++ {
				var err error
				if p%2 == 0 {
					var out *kinesis.PutRecordsOutput
					out, err = client.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("doomed"), Records: putEntries(50, 20)})
					if err == nil && *out.FailedRecordCount != 0 {
						errs <- fmt.Errorf("producer %d: %d records failed: %s", p, *out.FailedRecordCount, aws.ToString(out.Records[0].ErrorCode))
						return
					}
				} else {
					_, err = client.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("doomed"), PartitionKey: aws.String(strconv.Itoa(i)), Data: []byte("x")})
				}
				if err != nil {
					errs <- err
					return
				}
				if i == 2 {
					started <- struct{}{}
				}
				written.Add(1)
			}
		})
	}
	for range producers {
		<-started
	}
	if _, err := e.Client.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("doomed")}); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "ResourceNotFoundException" || ae.ErrorMessage() != "Stream doomed under account 000000000000 not found." {
			t.Errorf("producer ended with %v, want ResourceNotFoundException", err)
		}
	}
	if written.Load() < producers*3 {
		t.Fatalf("only %d writes before the delete", written.Load())
	}
}
