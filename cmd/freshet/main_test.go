package main

import (
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var defaults = Config{
	Listen:     "127.0.0.1:4567",
	DataDir:    "./freshet-data",
	Region:     "us-east-1",
	AccountID:  "000000000000",
	LogLevel:   "info",
	ShardLimit: 500,

	AutoscaleInterval:   5 * time.Second,
	AutoscaleSplitAt:    0.8,
	AutoscaleMergeBelow: 0.1,
	AutoscaleMergeAfter: 5 * time.Minute,

	S3Region: "us-east-1",
}

func TestParseArgs(t *testing.T) {
	with := func(f func(*Config)) Config {
		c := defaults
		f(&c)
		return c
	}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want Config
	}{
		{"defaults", nil, nil, defaults},
		{"--listen", []string{"--listen", "0.0.0.0:9000"}, nil, with(func(c *Config) { c.Listen = "0.0.0.0:9000" })},
		{"FRESHET_LISTEN", nil, map[string]string{"FRESHET_LISTEN": "[::1]:0"}, with(func(c *Config) { c.Listen = "[::1]:0" })},
		{"--data-dir", []string{"--data-dir=/var/lib/freshet"}, nil, with(func(c *Config) { c.DataDir = "/var/lib/freshet" })},
		{"FRESHET_DATA_DIR", nil, map[string]string{"FRESHET_DATA_DIR": "/data"}, with(func(c *Config) { c.DataDir = "/data" })},
		{"--memory", []string{"--memory"}, nil, with(func(c *Config) { c.Memory = true })},
		{"FRESHET_MEMORY", nil, map[string]string{"FRESHET_MEMORY": "1"}, with(func(c *Config) { c.Memory = true })},
		{"--sync always", []string{"--sync", "always"}, nil, with(func(c *Config) { c.SyncAlways = true })},
		{"--sync default", []string{"--sync=default"}, nil, defaults},
		{"--sync interval", []string{"--sync", "1s"}, nil, with(func(c *Config) { c.SyncInterval = time.Second })},
		{"FRESHET_SYNC", nil, map[string]string{"FRESHET_SYNC": "always"}, with(func(c *Config) { c.SyncAlways = true })},
		{"--region", []string{"-region", "eu-west-1"}, nil, with(func(c *Config) { c.Region = "eu-west-1" })},
		{"FRESHET_REGION", nil, map[string]string{"FRESHET_REGION": "ap-south-1"}, with(func(c *Config) { c.Region = "ap-south-1" })},
		{"--account-id", []string{"--account-id", "123456789012"}, nil, with(func(c *Config) { c.AccountID = "123456789012" })},
		{"FRESHET_ACCOUNT_ID", nil, map[string]string{"FRESHET_ACCOUNT_ID": "210987654321"}, with(func(c *Config) { c.AccountID = "210987654321" })},
		{"--log-level", []string{"--log-level", "debug"}, nil, with(func(c *Config) { c.LogLevel = "debug" })},
		{"FRESHET_LOG_LEVEL", nil, map[string]string{"FRESHET_LOG_LEVEL": "WARN"}, with(func(c *Config) { c.LogLevel = "WARN" })},
		{"--state-delay", []string{"--state-delay", "500ms"}, nil, with(func(c *Config) { c.StateDelay = 500 * time.Millisecond })},
		{"FRESHET_STATE_DELAY", nil, map[string]string{"FRESHET_STATE_DELAY": "2s"}, with(func(c *Config) { c.StateDelay = 2 * time.Second })},
		{"--shard-limit", []string{"--shard-limit", "10"}, nil, with(func(c *Config) { c.ShardLimit = 10 })},
		{"FRESHET_SHARD_LIMIT", nil, map[string]string{"FRESHET_SHARD_LIMIT": "20"}, with(func(c *Config) { c.ShardLimit = 20 })},
		{"--enforce-limits", []string{"--enforce-limits"}, nil, with(func(c *Config) { c.EnforceLimits = true })},
		{"FRESHET_ENFORCE_LIMITS", nil, map[string]string{"FRESHET_ENFORCE_LIMITS": "true"}, with(func(c *Config) { c.EnforceLimits = true })},
		{"--autoscale-interval", []string{"--autoscale-interval", "-1s"}, nil, with(func(c *Config) { c.AutoscaleInterval = -time.Second })},
		{"FRESHET_AUTOSCALE_INTERVAL", nil, map[string]string{"FRESHET_AUTOSCALE_INTERVAL": "1s"}, with(func(c *Config) { c.AutoscaleInterval = time.Second })},
		{"--autoscale-split-at", []string{"--autoscale-split-at", "0.5"}, nil, with(func(c *Config) { c.AutoscaleSplitAt = 0.5 })},
		{"FRESHET_AUTOSCALE_SPLIT_AT", nil, map[string]string{"FRESHET_AUTOSCALE_SPLIT_AT": "0.9"}, with(func(c *Config) { c.AutoscaleSplitAt = 0.9 })},
		{"--autoscale-merge-below", []string{"--autoscale-merge-below", "0.2"}, nil, with(func(c *Config) { c.AutoscaleMergeBelow = 0.2 })},
		{"FRESHET_AUTOSCALE_MERGE_BELOW", nil, map[string]string{"FRESHET_AUTOSCALE_MERGE_BELOW": "0.05"}, with(func(c *Config) { c.AutoscaleMergeBelow = 0.05 })},
		{"--autoscale-merge-after", []string{"--autoscale-merge-after", "1m"}, nil, with(func(c *Config) { c.AutoscaleMergeAfter = time.Minute })},
		{"FRESHET_AUTOSCALE_MERGE_AFTER", nil, map[string]string{"FRESHET_AUTOSCALE_MERGE_AFTER": "10m"}, with(func(c *Config) { c.AutoscaleMergeAfter = 10 * time.Minute })},
		{"flags win over the environment",
			[]string{"--listen", "127.0.0.1:1", "--shard-limit", "3", "--memory=false", "--state-delay", "1s"},
			map[string]string{"FRESHET_LISTEN": "127.0.0.1:2", "FRESHET_SHARD_LIMIT": "4", "FRESHET_MEMORY": "true", "FRESHET_STATE_DELAY": "x", "FRESHET_REGION": "eu-north-1"},
			with(func(c *Config) {
				c.Listen = "127.0.0.1:1"
				c.ShardLimit = 3
				c.StateDelay = time.Second
				c.Region = "eu-north-1"
			})},
		{"empty variables are unset", nil, map[string]string{"FRESHET_LISTEN": "", "FRESHET_SHARD_LIMIT": ""}, defaults},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, version, err := parseArgs(tt.args, func(k string) string { return tt.env[k] }, io.Discard)
			if err != nil {
				t.Fatalf("parseArgs(%q, %v): %v", tt.args, tt.env, err)
			}
			if version {
				t.Errorf("version requested")
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("parseArgs(%q, %v) mismatch (-want +got):\n%s", tt.args, tt.env, diff)
			}
		})
	}
}

func TestParseArgsErrors(t *testing.T) {
	tests := []struct {
		args []string
		env  map[string]string
		want string // in the error
	}{
		{[]string{"--nope"}, nil, "flag provided but not defined: -nope"},
		{[]string{"extra"}, nil, `unexpected argument "extra"`},
		{[]string{"--listen", "4567"}, nil, `--listen "4567"`},
		{nil, map[string]string{"FRESHET_LISTEN": "localhost"}, `--listen "localhost"`},
		{[]string{"--account-id", "12345678901"}, nil, "must be 12 digits"},
		{nil, map[string]string{"FRESHET_ACCOUNT_ID": "12345678901a"}, "must be 12 digits"},
		{[]string{"--region", ""}, nil, "--region must not be empty"},
		{[]string{"--sync", "sometimes"}, nil, `invalid value "sometimes" for flag -sync: want default, always or a positive duration`},
		{[]string{"--sync", "0s"}, nil, `invalid value "0s" for flag -sync`},
		{nil, map[string]string{"FRESHET_SYNC": "-1s"}, `FRESHET_SYNC="-1s"`},
		{[]string{"--region", "us.east"}, nil, `--region "us.east": letters, digits, '-' and '_' only`},
		{[]string{"--log-level", "loud"}, nil, `--log-level "loud"`},
		{nil, map[string]string{"FRESHET_LOG_LEVEL": "verbose"}, `--log-level "verbose"`},
		{[]string{"--state-delay", "soon"}, nil, `invalid value "soon" for flag -state-delay`},
		{[]string{"--state-delay", "-1s"}, nil, "--state-delay must not be negative"},
		{nil, map[string]string{"FRESHET_STATE_DELAY": "soon"}, `FRESHET_STATE_DELAY="soon"`},
		{[]string{"--shard-limit", "many"}, nil, `invalid value "many" for flag -shard-limit`},
		{[]string{"--shard-limit", "0"}, nil, "--shard-limit must be at least 1"},
		{nil, map[string]string{"FRESHET_SHARD_LIMIT": "many"}, `FRESHET_SHARD_LIMIT="many"`},
		{nil, map[string]string{"FRESHET_SHARD_LIMIT": "-3"}, "--shard-limit must be at least 1"},
		{[]string{"--memory=maybe"}, nil, `invalid boolean value "maybe" for -memory`},
		{nil, map[string]string{"FRESHET_MEMORY": "maybe"}, `FRESHET_MEMORY="maybe"`},
		{nil, map[string]string{"FRESHET_ENFORCE_LIMITS": "yes"}, `FRESHET_ENFORCE_LIMITS="yes"`},
		{[]string{"--autoscale-split-at", "0"}, nil, "--autoscale-merge-below and --autoscale-split-at must be above 0, merge below split"},
		{[]string{"--autoscale-merge-below", "0.9"}, nil, "--autoscale-merge-below and --autoscale-split-at must be above 0, merge below split"},
		{[]string{"--autoscale-merge-below", "0"}, nil, "--autoscale-merge-below and --autoscale-split-at must be above 0, merge below split"},
		{[]string{"--autoscale-merge-after", "0s"}, nil, "--autoscale-merge-after must be positive"},
		{nil, map[string]string{"FRESHET_AUTOSCALE_SPLIT_AT": "lots"}, `FRESHET_AUTOSCALE_SPLIT_AT="lots"`},
	}
	for _, tt := range tests {
		_, _, err := parseArgs(tt.args, func(k string) string { return tt.env[k] }, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("parseArgs(%q, %v) = %v, want an error containing %q", tt.args, tt.env, err, tt.want)
		}
	}
}

func TestParseArgsVersion(t *testing.T) {
	// --version needs nothing else to be valid.
	_, version, err := parseArgs([]string{"--version"}, func(string) string { return "" }, io.Discard)
	if err != nil || !version {
		t.Errorf("parseArgs(--version) = %v, %v; want version, no error", version, err)
	}
	_, version, err = parseArgs(nil, func(string) string { return "" }, io.Discard)
	if err != nil || version {
		t.Errorf("parseArgs() = %v, %v; want no version", version, err)
	}
}

// TestREADMEDocumentsEveryFlag: the README's command-line table names every flag and its
// variable, and nothing else.
func TestREADMEDocumentsEveryFlag(t *testing.T) {
	var usage strings.Builder
	if _, _, err := parseArgs([]string{"-h"}, func(string) string { return "" }, &usage); err == nil {
		t.Fatal("-h: no error")
	}
	var flags []string
	for _, m := range regexp.MustCompile(`(?m)^  -([a-z0-9-]+)`).FindAllStringSubmatch(usage.String(), -1) {
		flags = append(flags, m[1])
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var documented []string
	for _, m := range regexp.MustCompile("(?m)^\\| `--([a-z0-9-]+)` \\| (?:`(FRESHET_[A-Z0-9_]+)`)? *\\|").FindAllStringSubmatch(string(readme), -1) {
		documented = append(documented, m[1])
		want := ""
		if m[1] != "version" {
			want = "FRESHET_" + strings.ToUpper(strings.ReplaceAll(m[1], "-", "_"))
		}
		if m[2] != want {
			t.Errorf("README: --%s is documented with variable %q, want %q", m[1], m[2], want)
		}
	}
	if len(flags) < 10 {
		t.Fatalf("found only flags %q in the usage text:\n%s", flags, usage.String())
	}
	slices.Sort(flags)
	slices.Sort(documented)
	if diff := cmp.Diff(flags, documented); diff != "" {
		t.Errorf("flags (-) vs README table (+):\n%s", diff)
	}
}
