package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// latencyEFO measures put-to-read latency with enhanced fan-out: a registered consumer and
// one SubscribeToShard per shard from LATEST, through the AWS SDK for Go v2 (the event
// stream is what the SDK does; a lean client would prove nothing about SDK users).
func (r *runState) latencyEFO(ctx context.Context) (*LatencyResult, error) {
	cfg := r.cfg
	// One client per event stream: the SDK's event-stream decoder is shared by a client's
	// streams, and two streams decoding at once race (smithy-go v1.28.9, seen with -race).
	newSDK := func() *kinesis.Client {
		return kinesis.New(kinesis.Options{
			Region:       cfg.Region,
			BaseEndpoint: aws.String(cfg.Endpoint),
			Credentials:  credentials.NewStaticCredentialsProvider(cfg.AccessKey, cfg.SecretKey, cfg.Session),
			HTTPClient:   &http.Client{Transport: BufferedBody{Base: http.DefaultTransport.(*http.Transport).Clone()}},
		})
	}
	sdk := newSDK()
	sum, err := sdk.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(r.stream)})
	if err != nil {
		return nil, err
	}
	reg, err := sdk.RegisterStreamConsumer(ctx, &kinesis.RegisterStreamConsumerInput{
		StreamARN: sum.StreamDescriptionSummary.StreamARN, ConsumerName: aws.String("freshet-bench")})
	if err != nil {
		return nil, err
	}
	consumer := reg.Consumer.ConsumerARN
	defer func() {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		_, _ = sdk.DeregisterStreamConsumer(dctx, &kinesis.DeregisterStreamConsumerInput{ConsumerARN: consumer})
	}()
	for wait := 10 * time.Millisecond; ; wait = min(wait*3/2, time.Second) {
		d, err := sdk.DescribeStreamConsumer(ctx, &kinesis.DescribeStreamConsumerInput{ConsumerARN: consumer})
		if err != nil {
			return nil, err
		}
		if d.ConsumerDescription.ConsumerStatus == types.ConsumerStatusActive {
			break
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
	}
	shards, err := r.c.listShards(ctx, r.stream)
	if err != nil {
		return nil, err
	}
	l := r.newLatencyRun()
	r.p.line("latency: 1 producer at %d records/s for %s, %d SubscribeToShard streams", cfg.LatencyRate, cfg.LatencyDuration, len(shards))
	subCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	for _, sh := range shards {
		out, err := newSDK().SubscribeToShard(subCtx, &kinesis.SubscribeToShardInput{ConsumerARN: consumer, ShardId: aws.String(sh.ShardId),
			StartingPosition: &types.StartingPosition{Type: types.ShardIteratorTypeLatest}})
		if err != nil {
			cancel()
			wg.Wait()
			return nil, fmt.Errorf("SubscribeToShard %s: %w", sh.ShardId, err)
		}
		stream := out.GetStream()
		wg.Go(func() {
			defer stream.Close()
			for ev := range stream.Events() {
				now := time.Now()
				e, ok := ev.(*types.SubscribeToShardEventStreamMemberSubscribeToShardEvent)
				if !ok {
					continue
				}
				for _, rec := range e.Value.Records {
					if h, ok := decodeRawHeader(rec.Data); ok {
						l.observe(h, now)
					}
				}
			}
			if err := stream.Err(); err != nil && subCtx.Err() == nil {
				l.errors.Add(1)
				r.p.line("SubscribeToShard %s: %v", sh.ShardId, err)
			}
		})
	}
	l.produce(ctx)
	l.finish(ctx)
	cancel()
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return l.result("efo"), nil
}

// BufferedBody hands the transport its own copy of each request body, for Go SDK clients
// of a local server (the bench's, and the tests'). smithy-go closes the body once response
// headers arrive; when the transport has not yet read its EOF (a fast local server), it
// drops the connection, so the SDK fails to read a 200 answer and, for SubscribeToShard,
// the event stream is cut ("use of closed network connection", aws/aws-sdk-go-v2#2737).
type BufferedBody struct{ Base http.RoundTripper }

func (t BufferedBody) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil && r.Body != http.NoBody {
		b, err := io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil {
			return nil, err
		}
		r = r.Clone(r.Context())
		r.Body = io.NopCloser(bytes.NewReader(b))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	}
	return t.Base.RoundTrip(r)
}
