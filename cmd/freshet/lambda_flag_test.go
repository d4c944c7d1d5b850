package main

import (
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestLambdaEndpointFlag: --lambda-endpoint ARN=URL is repeatable, a URL alone serves every
// ARN, and the variable takes a comma-separated list.
func TestLambdaEndpointFlag(t *testing.T) {
	arn := "arn:aws:lambda:us-east-1:000000000000:function:f"
	c, _, err := parseArgs([]string{"--lambda-endpoint", arn + "=http://127.0.0.1:3001", "--lambda-endpoint", "http://127.0.0.1:3002"},
		func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{arn: "http://127.0.0.1:3001", "*": "http://127.0.0.1:3002"}
	if diff := cmp.Diff(want, c.LambdaEndpoints); diff != "" {
		t.Errorf("flags (-want +got):\n%s", diff)
	}
	env := map[string]string{"FRESHET_LAMBDA_ENDPOINT": arn + "=http://a:1,http://b:2"}
	c, _, err = parseArgs(nil, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want = map[string]string{arn: "http://a:1", "*": "http://b:2"}
	if diff := cmp.Diff(want, c.LambdaEndpoints); diff != "" {
		t.Errorf("variable (-want +got):\n%s", diff)
	}
	if _, _, err := parseArgs([]string{"--lambda-endpoint", arn + "=ftp://x"}, func(string) string { return "" }, io.Discard); err == nil {
		t.Error("an ftp URL was accepted")
	}
}
