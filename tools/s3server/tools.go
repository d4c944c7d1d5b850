//go:build tools

// Package s3server pins the S3-compatible server (versitygw) that Freshet's Firehose tests
// deliver into. It is its own module so that the server's dependencies stay out of
// Freshet's go.mod; the tests build it with
// `go build -C tools/s3server -o <dir> github.com/versity/versitygw/cmd/versitygw`.
package s3server

import _ "github.com/versity/versitygw/cmd/versitygw"
