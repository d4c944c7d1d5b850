package firehose

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// ObjectStore is where S3 destinations write objects: a local directory (DirStore) or an
// S3-compatible endpoint (S3Store).
type ObjectStore interface {
	PutObject(ctx context.Context, bucket, key string, body []byte) error
}

// DirStore keeps each bucket as a directory under Root: object <key> of bucket <b> is the
// file <Root>/<b>/<key>. Bucket directories are created on first write. Objects appear
// whole (written to a temporary file, then renamed). A key segment "." or ".." (legal in
// S3, say from a partition key) is written as "%2E" or "%2E%2E", so no key leaves its
// bucket's directory.
type DirStore struct {
	Root string
}

// PutObject writes one object.
func (d DirStore) PutObject(ctx context.Context, bucket, key string, body []byte) error {
	if bucket == "" || strings.ContainsAny(bucket, `/\`) || bucket == "." || bucket == ".." {
		return fmt.Errorf("bucket name %q cannot be a directory", bucket)
	}
	segs := strings.Split(key, "/")
	for i, s := range segs {
		switch s {
		case ".":
			segs[i] = "%2E"
		case "..":
			segs[i] = "%2E%2E"
		}
	}
	dir := filepath.Join(d.Root, bucket)
	p := filepath.Join(dir, filepath.FromSlash(strings.Join(segs, "/")))
	if rel, err := filepath.Rel(dir, p); err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return fmt.Errorf("object key %q leaves bucket directory", key)
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("put %s/%s: %w", bucket, key, err)
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".firehose-*")
	if err != nil {
		return fmt.Errorf("put %s/%s: %w", bucket, key, err)
	}
	_, err = f.Write(body)
	if err == nil {
		err = f.Chmod(0o644) // CreateTemp's 0600 would hide objects from other readers of the directory
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), p)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("put %s/%s: %w", bucket, key, err)
	}
	return nil
}

// S3Options points S3Store at an S3-compatible endpoint.
type S3Options struct {
	// Endpoint is the base URL, e.g. http://127.0.0.1:7070 (empty: AWS's own endpoints).
	Endpoint string
	// Region signs the requests (default us-east-1).
	Region string
	// AccessKey and SecretKey are the credentials (both empty: anonymous).
	AccessKey, SecretKey string
	// PathStyle addresses buckets as <endpoint>/<bucket> instead of <bucket>.<host>.
	PathStyle bool
}

// S3Store writes objects through the S3 API.
type S3Store struct {
	client *s3.Client
}

// NewS3Store returns an ObjectStore for an S3-compatible endpoint.
func NewS3Store(o S3Options) *S3Store {
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	opts := s3.Options{Region: o.Region, UsePathStyle: o.PathStyle}
	if o.Endpoint != "" {
		opts.BaseEndpoint = aws.String(o.Endpoint)
	}
	if o.AccessKey != "" || o.SecretKey != "" {
		opts.Credentials = credentials.NewStaticCredentialsProvider(o.AccessKey, o.SecretKey, "")
	}
	return &S3Store{client: s3.New(opts)}
}

// PutObject writes one object.
func (s *S3Store) PutObject(ctx context.Context, bucket, key string, body []byte) error {
	_, err := s.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:        aws.String(bucket),
		Key:           aws.String(key),
		Body:          bytes.NewReader(body),
		ContentLength: aws.Int64(int64(len(body))),
	})
	if err != nil {
		return fmt.Errorf("put s3://%s/%s: %w", bucket, key, err)
	}
	return nil
}

// errNoObjectStore is the delivery error of a service configured without an ObjectStore.
var errNoObjectStore = errors.New("no object store configured for S3 destinations")
