package bench

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// client is a lean Kinesis JSON client: pre-built bodies, SigV4 signing, one pooled
// connection per concurrent caller, no retries (a failure is counted, not hidden).
type client struct {
	endpoint string
	region   string
	creds    aws.Credentials
	signer   *v4.Signer
	http     *http.Client
}

func newClient(cfg Config) *client {
	conns := cfg.Producers + cfg.Shards + 4
	tr := &http.Transport{
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		ForceAttemptHTTP2:   strings.HasPrefix(cfg.Endpoint, "https://"),
	}
	return &client{
		endpoint: cfg.Endpoint,
		region:   cfg.Region,
		creds:    aws.Credentials{AccessKeyID: cfg.AccessKey, SecretAccessKey: cfg.SecretKey, SessionToken: cfg.Session},
		signer:   v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }),
		http:     &http.Client{Transport: tr, Timeout: 60 * time.Second},
	}
}

// apiError is an AWS error answer.
type apiError struct {
	Status  int
	Code    string
	Message string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message)
}

// throttled reports whether err is an answer that asks the caller to slow down and retry:
// over its throughput, or a busy server (503).
func throttled(err error) bool {
	var e *apiError
	return errors.As(err, &e) && (e.Code == "ProvisionedThroughputExceededException" || e.Code == "LimitExceededException" ||
		e.Code == "ThrottlingException" || unavailable(err))
}

// unavailable reports whether err is a 503: the request may or may not have been carried out.
func unavailable(err error) bool {
	var e *apiError
	return errors.As(err, &e) && (e.Status == http.StatusServiceUnavailable || e.Code == "ServiceUnavailableException" || e.Code == "ServiceUnavailable")
}

// do sends one operation with body and returns the answer's body, read into buf (which it
// may grow) on a 200, or an *apiError.
func (c *client) do(ctx context.Context, op string, body []byte, buf *bytes.Buffer) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint+"/", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "Kinesis_20131202."+op)
	sum := sha256.Sum256(body)
	if err := c.signer.SignHTTP(ctx, c.creds, req, hex.EncodeToString(sum[:]), "kinesis", c.region, time.Now()); err != nil {
		return nil, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	buf.Reset()
	if resp.ContentLength > 0 {
		buf.Grow(int(resp.ContentLength))
	}
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		e := &apiError{Status: resp.StatusCode}
		var m map[string]any
		if json.Unmarshal(buf.Bytes(), &m) == nil {
			e.Code, _ = m["__type"].(string)
			if i := strings.LastIndexByte(e.Code, '#'); i >= 0 {
				e.Code = e.Code[i+1:]
			}
			for _, k := range []string{"message", "Message"} {
				if s, ok := m[k].(string); ok {
					e.Message = s
				}
			}
		}
		if e.Code == "" {
			e.Code = resp.Header.Get("X-Amzn-ErrorType")
			e.Message = strings.TrimSpace(buf.String())
		}
		return nil, e
	}
	return buf.Bytes(), nil
}

// call sends an operation whose input and output are small: encoding/json both ways.
func (c *client) call(ctx context.Context, op string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	b, err := c.do(ctx, op, body, &buf)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("%s answer: %w", op, err)
	}
	return nil
}

func (c *client) createStream(ctx context.Context, name string, shards int) error {
	return c.call(ctx, "CreateStream", map[string]any{"StreamName": name, "ShardCount": shards}, nil)
}

func (c *client) deleteStream(ctx context.Context, name string) error {
	return c.call(ctx, "DeleteStream", map[string]any{"StreamName": name, "EnforceConsumerDeletion": true}, nil)
}

// waitActive polls DescribeStreamSummary (DescribeStream where that is unknown) until the
// stream is ACTIVE, quickly at first and then at most once a second.
func (c *client) waitActive(ctx context.Context, name string) error {
	in := map[string]any{"StreamName": name}
	summary := true
	wait := 10 * time.Millisecond
	deadline := time.Now().Add(10 * time.Minute)
	for {
		var status string
		if summary {
			var out struct{ StreamDescriptionSummary struct{ StreamStatus string } }
			err := c.call(ctx, "DescribeStreamSummary", in, &out)
			var e *apiError
			if errors.As(err, &e) && e.Code == "UnknownOperationException" {
				summary = false
				continue
			}
			if err != nil {
				return err
			}
			status = out.StreamDescriptionSummary.StreamStatus
		} else {
			var out struct{ StreamDescription struct{ StreamStatus string } }
			if err := c.call(ctx, "DescribeStream", map[string]any{"StreamName": name, "Limit": 1}, &out); err != nil {
				return err
			}
			status = out.StreamDescription.StreamStatus
		}
		if status == "ACTIVE" {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("stream %s still %s after 10 minutes", name, status)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(wait*3/2, time.Second)
	}
}

// shard is one shard as ListShards describes it.
type shard struct {
	ShardId string
}

// listShards pages through ListShards.
func (c *client) listShards(ctx context.Context, name string) ([]shard, error) {
	var all []shard
	in := map[string]any{"StreamName": name}
	for {
		var out struct {
			Shards    []shard
			NextToken *string
		}
		if err := c.call(ctx, "ListShards", in, &out); err != nil {
			return nil, err
		}
		all = append(all, out.Shards...)
		if out.NextToken == nil {
			return all, nil
		}
		in = map[string]any{"NextToken": *out.NextToken}
	}
}

func (c *client) shardIterator(ctx context.Context, stream, shardID, typ string) (string, error) {
	var out struct{ ShardIterator string }
	err := c.call(ctx, "GetShardIterator", map[string]any{"StreamName": stream, "ShardId": shardID, "ShardIteratorType": typ}, &out)
	return out.ShardIterator, err
}
