// Package bench is Freshet's load tool: it runs the standard Kinesis scenario (concurrent
// PutRecords producers, a verifying drain from TRIM_HORIZON, put-to-read latency) against
// any Kinesis endpoint with SigV4-signed requests, and serves the parse-only baseline the
// figures are compared with.
package bench

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Config is one benchmark run. The zero value of a field means its default.
type Config struct {
	Endpoint  string // base URL, e.g. http://127.0.0.1:4567
	Region    string // signing region (default us-east-1)
	AccessKey string // credentials (default: static test credentials)
	SecretKey string
	Session   string // session token, if any

	Shards    int           // shards of the stream created (default 4)
	Producers int           // concurrent PutRecords producers (default 4)
	Batch     int           // records per PutRecords (default 500)
	Size      int           // bytes of data per record (default 100, at least HeaderSize)
	Duration  time.Duration // how long the producers run (default 15s)
	Rate      int           // total records/s the producers aim at (0: as fast as they can)

	// Phases to run, in order, from "put", "drain", "latency" (default all three). Without
	// "put" the drain reads an empty stream.
	Phases []string
	// LatencyRate and LatencyDuration shape the latency phase (default 200 records/s, 10s).
	LatencyRate     int
	LatencyDuration time.Duration
	// EFO measures put-to-read latency with SubscribeToShard (a registered consumer) instead
	// of polling GetRecords.
	EFO bool
	// PID, when not 0, is the server's process on this machine: its memory is sampled.
	PID int
	// Label names the target in the report (default: the endpoint).
	Label string
	// StartupMs, when not 0, is how soon the server answered its first request after it
	// was started, as the caller measured it; it is only reported.
	StartupMs float64
}

// HeaderSize is the smallest record: every record starts with the run id, the producer, its
// counter and the send time, so that what is read back can be checked and timed.
const HeaderSize = 24

func (c *Config) defaults() error {
	if c.Endpoint == "" {
		return errors.New("an endpoint is required")
	}
	c.Endpoint = strings.TrimSuffix(c.Endpoint, "/")
	if !strings.HasPrefix(c.Endpoint, "http://") && !strings.HasPrefix(c.Endpoint, "https://") {
		c.Endpoint = "http://" + c.Endpoint
	}
	if c.Region == "" {
		c.Region = "us-east-1"
	}
	if c.AccessKey == "" {
		c.AccessKey, c.SecretKey = "AKIDFRESHETBENCH", "freshet-bench-secret"
	}
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&c.Shards, 4)
	def(&c.Producers, 4)
	def(&c.Batch, 500)
	def(&c.Size, 100)
	def(&c.LatencyRate, 200)
	if c.Duration == 0 {
		c.Duration = 15 * time.Second
	}
	if c.LatencyDuration == 0 {
		c.LatencyDuration = 10 * time.Second
	}
	if len(c.Phases) == 0 {
		c.Phases = []string{"put", "drain", "latency"}
	}
	if c.Label == "" {
		c.Label = c.Endpoint
	}
	switch {
	case c.Shards < 1 || c.Producers < 1 || c.Batch < 1 || c.Rate < 0 || c.LatencyRate < 1:
		return errors.New("shards, producers, batch and latency rate must be at least 1, rate at least 0")
	case c.Batch > 500:
		return errors.New("batch: at most 500 records per PutRecords")
	case c.Size < HeaderSize:
		return fmt.Errorf("size: at least %d bytes (the record header)", HeaderSize)
	case c.Duration < 0 || c.LatencyDuration < 0:
		return errors.New("durations must be positive")
	}
	for _, p := range c.Phases {
		if p != "put" && p != "drain" && p != "latency" {
			return fmt.Errorf("unknown phase %q (want put, drain, latency)", p)
		}
	}
	return nil
}

func (c *Config) has(phase string) bool {
	for _, p := range c.Phases {
		if p == phase {
			return true
		}
	}
	return false
}

// Result is what a run measured; Run fills the parts of the phases it ran.
type Result struct {
	Label     string  `json:"label"`
	Endpoint  string  `json:"endpoint"`
	Stream    string  `json:"stream"`
	Shards    int     `json:"shards"`
	Producers int     `json:"producers"`
	Batch     int     `json:"batch"`
	Size      int     `json:"size"`
	CreateSec float64 `json:"create_seconds"` // CreateStream until ACTIVE
	StartupMs float64 `json:"startup_ms,omitempty"`

	Put     *PutResult     `json:"put,omitempty"`
	Drain   *DrainResult   `json:"drain,omitempty"`
	Latency *LatencyResult `json:"latency,omitempty"`
	Memory  *MemoryResult  `json:"memory,omitempty"`
}

// PutResult is the producers' phase.
type PutResult struct {
	Seconds       float64   `json:"seconds"`
	Calls         int64     `json:"calls"`
	Records       int64     `json:"records"` // acknowledged
	RecordsPerSec float64   `json:"records_per_sec"`
	MiBPerSec     float64   `json:"mib_per_sec"` // record data acknowledged
	CallLatency   Quantiles `json:"call_latency_ms"`
	Errors        int64     `json:"errors"`    // calls or records that failed otherwise
	Throttles     int64     `json:"throttles"` // records refused for throughput
}

// DrainResult is the readers' phase and its verification.
type DrainResult struct {
	Seconds       float64 `json:"seconds"`
	Calls         int64   `json:"calls"`
	Records       int64   `json:"records"`
	RecordsPerSec float64 `json:"records_per_sec"`
	MiBPerSec     float64 `json:"mib_per_sec"`
	Throttles     int64   `json:"throttles"`
	Errors        int64   `json:"errors"`
	Verify        Verify  `json:"verify"`
}

// Verify compares what was read with what was acknowledged.
type Verify struct {
	OK         bool  `json:"ok"`
	Expected   int64 `json:"expected"`     // acknowledged records
	Uncertain  int64 `json:"uncertain"`    // records of calls whose outcome is unknown
	Missing    int64 `json:"missing"`      // acknowledged, not read
	Unexpected int64 `json:"unexpected"`   // read, never acknowledged nor uncertain
	Duplicates int64 `json:"duplicates"`   // read more than once
	Corrupt    int64 `json:"corrupt"`      // content differs from what was sent
	OutOfOrder int64 `json:"out_of_order"` // a producer's records out of order in a shard
}

// LatencyResult is put-to-read latency.
type LatencyResult struct {
	Mode      string    `json:"mode"` // "polling" or "efo"
	Sent      int64     `json:"sent"`
	Received  int64     `json:"received"`
	Latency   Quantiles `json:"latency_ms"`
	Errors    int64     `json:"errors"`
	Throttles int64     `json:"throttles"`
}

// Quantiles of a latency distribution, in milliseconds.
type Quantiles struct {
	P50 float64 `json:"p50"`
	P90 float64 `json:"p90"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

// Output is where a run reports: Progress (stderr) gets the live display, updated in place
// when Terminal is set, else one plain line at a time.
type Output struct {
	Progress io.Writer
	Terminal bool
}

// Run creates a uniquely named stream, runs the configured phases on it, deletes it, and
// returns the measurements. A verification failure is reported in the result, not as an
// error; an error means the run could not be carried out.
func Run(ctx context.Context, cfg Config, out Output) (*Result, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	if out.Progress == nil {
		out.Progress = io.Discard
	}
	c := newClient(cfg)
	p := newProgress(out)
	var rid [8]byte
	rand.Read(rid[:])
	stream := "freshet-bench-" + time.Now().UTC().Format("20060102-150405") + "-" + hex.EncodeToString(rid[:3])
	res := &Result{Label: cfg.Label, Endpoint: cfg.Endpoint, Stream: stream, Shards: cfg.Shards,
		Producers: cfg.Producers, Batch: cfg.Batch, Size: cfg.Size, StartupMs: cfg.StartupMs}
	var mem *memorySampler
	if cfg.PID != 0 {
		var err error
		if mem, err = startMemory(cfg.PID); err != nil {
			return nil, err
		}
		defer mem.stop()
	}

	p.line("creating stream %s with %d shards at %s", stream, cfg.Shards, cfg.Endpoint)
	t0 := time.Now()
	if err := c.createStream(ctx, stream, cfg.Shards); err != nil {
		return nil, err
	}
	defer func() {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if err := c.deleteStream(dctx, stream); err != nil {
			p.line("delete stream %s: %v", stream, err)
		}
	}()
	if err := c.waitActive(ctx, stream); err != nil {
		return nil, err
	}
	res.CreateSec = time.Since(t0).Seconds()
	p.line("stream ACTIVE after %.2f s", res.CreateSec)
	if mem != nil {
		mem.markCreated()
	}

	run := &runState{cfg: cfg, c: c, p: p, stream: stream, runID: binary.BigEndian.Uint32(rid[4:])}
	if cfg.has("put") {
		mem.startPhase("put")
		r, err := run.put(ctx)
		if err != nil {
			return nil, err
		}
		res.Put = r
	}
	if cfg.has("drain") {
		mem.startPhase("drain")
		r, err := run.drain(ctx)
		if err != nil {
			return nil, err
		}
		res.Drain = r
	}
	if cfg.has("latency") {
		mem.startPhase("latency")
		var r *LatencyResult
		var err error
		if cfg.EFO {
			r, err = run.latencyEFO(ctx)
		} else {
			r, err = run.latencyPolling(ctx)
		}
		if err != nil {
			return nil, err
		}
		res.Latency = r
	}
	if mem != nil {
		res.Memory = mem.result()
	}
	return res, nil
}

// runState is what the phases of one run share.
type runState struct {
	cfg    Config
	c      *client
	p      *progress
	stream string
	runID  uint32
	// producers' records, filled by put and checked by drain
	prods []*producer
}
