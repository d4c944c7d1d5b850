package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"

	"github.com/freshet/freshet/internal/bench"
)

// benchMode is what `freshet bench` was asked to do.
type benchMode struct {
	cfg       bench.Config
	json      bool
	parseOnly string   // address to serve the parse-only baseline on
	compare   []string // result files to print side by side
	baseline  string
	reference string
}

// parseBenchArgs reads `freshet bench` flags; credentials and the default region come from
// the AWS_* environment variables, so that a run against AWS signs with real ones.
func parseBenchArgs(args []string, getenv func(string) string, stderr io.Writer) (benchMode, error) {
	var m benchMode
	c := &m.cfg
	fs := flag.NewFlagSet("freshet bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: freshet bench [flags]                      run the standard scenario against --endpoint")
		fmt.Fprintln(stderr, "       freshet bench --serve-parse-only ADDR      serve the parse-only baseline")
		fmt.Fprintln(stderr, "       freshet bench --compare FILE.json...       print --json results side by side")
		fs.PrintDefaults()
	}
	region := getenv("AWS_REGION")
	if region == "" {
		region = getenv("AWS_DEFAULT_REGION")
	}
	if region == "" {
		region = "us-east-1"
	}
	fs.StringVar(&c.Endpoint, "endpoint", "http://127.0.0.1:4567", "Kinesis endpoint URL")
	fs.StringVar(&c.Region, "region", region, "signing region (default $AWS_REGION)")
	fs.IntVar(&c.Shards, "shards", 4, "shards of the stream the run creates")
	fs.IntVar(&c.Producers, "producers", 4, "concurrent PutRecords producers")
	fs.IntVar(&c.Batch, "batch", 500, "records per PutRecords")
	fs.IntVar(&c.Size, "size", 100, fmt.Sprintf("bytes of data per record (at least %d)", bench.HeaderSize))
	fs.DurationVar(&c.Duration, "duration", 15*time.Second, "how long the producers run")
	fs.IntVar(&c.Rate, "rate", 0, "total records/s the producers aim at (0: as fast as they can)")
	fs.IntVar(&c.LatencyRate, "latency-rate", 200, "records/s of the latency phase's producer")
	fs.DurationVar(&c.LatencyDuration, "latency-duration", 10*time.Second, "how long the latency phase runs")
	phases := fs.String("phases", "put,drain,latency", "phases to run, in order")
	fs.BoolVar(&c.EFO, "efo", false, "measure latency with SubscribeToShard instead of polling GetRecords")
	fs.IntVar(&c.PID, "pid", 0, "the server's process id on this machine, to sample its memory")
	fs.StringVar(&c.Label, "label", "", "name of the target in the report (default: the endpoint)")
	fs.Float64Var(&c.StartupMs, "startup-ms", 0, "how soon the server answered its first request, measured by the caller (reported only)")
	fs.BoolVar(&m.json, "json", false, "print the result as JSON instead of a table")
	fs.StringVar(&m.parseOnly, "serve-parse-only", "", "serve the parse-only baseline on this host:port instead of running")
	compare := fs.Bool("compare", false, "print the --json result files named as arguments side by side")
	fs.StringVar(&m.baseline, "baseline", "parse-only", "with --compare: the label whose put rate is 100%")
	fs.StringVar(&m.reference, "reference", "freshet", "with --compare: the label the others are compared with")
	if err := fs.Parse(args); err != nil {
		return m, err
	}
	if *compare {
		if fs.NArg() == 0 {
			return m, errors.New("--compare: name the result files")
		}
		m.compare = fs.Args()
		return m, nil
	}
	if fs.NArg() > 0 {
		return m, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	c.Phases = strings.Split(*phases, ",")
	c.AccessKey, c.SecretKey, c.Session = getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY"), getenv("AWS_SESSION_TOKEN")
	return m, nil
}

// benchMain runs `freshet bench` and returns the exit code: 1 when the run failed or what
// was read back did not match what was written.
func benchMain(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer, stderr *os.File) int {
	m, err := parseBenchArgs(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "freshet bench:", err)
		return 2
	}
	switch {
	case m.compare != nil:
		rs, err := bench.ReadResults(m.compare)
		if err == nil {
			err = bench.WriteComparison(stdout, rs, m.baseline, m.reference)
		}
		if err != nil {
			fmt.Fprintln(stderr, "freshet bench:", err)
			return 1
		}
		return 0
	case m.parseOnly != "":
		ln, err := net.Listen("tcp", m.parseOnly)
		if err != nil {
			fmt.Fprintln(stderr, "freshet bench:", err)
			return 1
		}
		fmt.Fprintln(stderr, "parse-only baseline listening on", ln.Addr())
		if err := bench.ServeParseOnly(ctx, ln); err != nil {
			fmt.Fprintln(stderr, "freshet bench:", err)
			return 1
		}
		return 0
	}
	terminal := false
	if fi, err := stderr.Stat(); err == nil {
		terminal = fi.Mode()&os.ModeCharDevice != 0
	}
	res, err := bench.Run(ctx, m.cfg, bench.Output{Progress: stderr, Terminal: terminal})
	if err != nil {
		fmt.Fprintln(stderr, "freshet bench:", err)
		return 1
	}
	if m.json {
		err = bench.WriteJSON(stdout, res)
	} else {
		err = bench.WriteTable(stdout, res)
	}
	if err != nil {
		fmt.Fprintln(stderr, "freshet bench:", err)
		return 1
	}
	if res.Drain != nil && !res.Drain.Verify.OK {
		return 1
	}
	return 0
}
