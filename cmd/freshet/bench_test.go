package main

import (
	"io"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/freshet/freshet/internal/bench"
)

// TestParseBenchArgs: flags shape the run, credentials and the region come from the AWS_*
// variables, and --compare takes its files as arguments.
func TestParseBenchArgs(t *testing.T) {
	env := map[string]string{"AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_DEFAULT_REGION": "eu-west-1"}
	m, err := parseBenchArgs([]string{"--endpoint", "http://h:1", "--shards", "8", "--size", "1024", "--duration", "2s", "--phases", "put,drain", "--efo"},
		func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := bench.Config{Endpoint: "http://h:1", Region: "eu-west-1", AccessKey: "AKID", SecretKey: "secret", Shards: 8, Producers: 4,
		Batch: 500, Size: 1024, Duration: 2 * time.Second, LatencyRate: 200, LatencyDuration: 10 * time.Second,
		Phases: []string{"put", "drain"}, EFO: true}
	if diff := cmp.Diff(want, m.cfg); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}
	m, err = parseBenchArgs([]string{"--compare", "a.json", "b.json"}, func(string) string { return "" }, io.Discard)
	if err != nil || !cmp.Equal(m.compare, []string{"a.json", "b.json"}) || m.baseline != "parse-only" || m.reference != "freshet" {
		t.Errorf("--compare: %+v, %v", m, err)
	}
	if _, err := parseBenchArgs([]string{"stray"}, func(string) string { return "" }, io.Discard); err == nil {
		t.Error("a stray argument was accepted")
	}
}
