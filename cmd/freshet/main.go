// Command freshet runs the Freshet server: Kinesis-compatible APIs on one port over an
// embedded NATS JetStream engine.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/freshet/freshet/internal/auth"
	"github.com/freshet/freshet/internal/firehose"
	"github.com/freshet/freshet/internal/httpout"
	"github.com/freshet/freshet/internal/kinesis"
	"github.com/freshet/freshet/internal/server"
	"github.com/freshet/freshet/internal/store"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// Config is everything the command line and environment decide.
type Config struct {
	Listen  string
	DataDir string
	Memory  bool
	// Sync: the engine fsyncs every write before acknowledging it (SyncAlways), or in the
	// background every SyncInterval (0: the engine's default, 2 minutes). See --sync.
	SyncAlways    bool
	SyncInterval  time.Duration
	Region        string
	AccountID     string
	LogLevel      string
	StateDelay    time.Duration
	ShardLimit    int
	EnforceLimits bool
	// On-demand autoscaling policy (see docs/DESIGN.md).
	AutoscaleInterval   time.Duration
	AutoscaleSplitAt    float64
	AutoscaleMergeBelow float64
	AutoscaleMergeAfter time.Duration
	// Firehose S3 destinations write to S3Endpoint when it is set (signed with S3Region and
	// the keys, path-style addressing with S3PathStyle), else under <data-dir>/s3.
	S3Endpoint, S3Region, S3AccessKey, S3SecretKey string
	S3PathStyle                                    bool
	// Auth is a credentials file (--auth): when set, every request's SigV4 signature is
	// verified against its keys.
	Auth string
	// The port also serves TLS with the certificate TLSCert and key TLSKey (PEM files), or
	// with TLS a self-signed one, kept under <data-dir>/tls unless Memory.
	TLS             bool
	TLSCert, TLSKey string
	// LambdaEndpoints maps Lambda function ARNs used by Firehose processors to base URLs
	// speaking the Lambda Invoke API ("*": every other ARN). See --lambda-endpoint.
	LambdaEndpoints map[string]string
}

// Validate reports the first setting that cannot work.
func (c *Config) Validate() error {
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		return fmt.Errorf("--listen %q: %w", c.Listen, err)
	}
	if len(c.AccountID) != 12 || strings.Trim(c.AccountID, "0123456789") != "" {
		return fmt.Errorf("--account-id %q: must be 12 digits", c.AccountID)
	}
	if c.Region == "" {
		return errors.New("--region must not be empty")
	}
	if !auth.ValidRegion(c.Region) {
		return fmt.Errorf("--region %q: letters, digits, '-' and '_' only", c.Region)
	}
	if c.SyncInterval < 0 {
		return errors.New("--sync interval must be positive")
	}
	if c.StateDelay < 0 {
		return errors.New("--state-delay must not be negative")
	}
	if c.AutoscaleSplitAt <= 0 || c.AutoscaleMergeBelow <= 0 || c.AutoscaleMergeBelow >= c.AutoscaleSplitAt {
		return errors.New("--autoscale-merge-below and --autoscale-split-at must be above 0, merge below split")
	}
	if c.AutoscaleMergeAfter <= 0 {
		return errors.New("--autoscale-merge-after must be positive")
	}
	if c.S3Endpoint != "" && !strings.HasPrefix(c.S3Endpoint, "http://") && !strings.HasPrefix(c.S3Endpoint, "https://") {
		return fmt.Errorf("--s3-endpoint %q: want an http:// or https:// URL", c.S3Endpoint)
	}
	if c.ShardLimit < 1 {
		return errors.New("--shard-limit must be at least 1")
	}
	var l slog.Level
	if err := l.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return fmt.Errorf("--log-level %q: want debug, info, warn or error", c.LogLevel)
	}
	if c.Auth != "" {
		if _, err := auth.LoadCredentials(c.Auth); err != nil {
			return fmt.Errorf("--auth %q: %w", c.Auth, err)
		}
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return errors.New("--tls-cert and --tls-key go together")
	}
	if c.TLS && c.TLSCert != "" {
		return errors.New("--tls generates a certificate: give --tls or --tls-cert and --tls-key, not both")
	}
	if c.TLSCert != "" {
		if _, err := tls.LoadX509KeyPair(c.TLSCert, c.TLSKey); err != nil {
			return fmt.Errorf("--tls-cert %q, --tls-key %q: %w", c.TLSCert, c.TLSKey, err)
		}
	}
	return nil
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "bench" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := benchMain(ctx, os.Args[2:], os.Getenv, os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	cfg, showVersion, err := parseArgs(os.Args[1:], os.Getenv, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "freshet:", err)
		os.Exit(2)
	}
	if showVersion {
		fmt.Println("freshet", version)
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg, os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, "freshet:", err)
		os.Exit(1)
	}
}

// parseArgs reads flags, falling back to FRESHET_* environment variables, then defaults. A
// flag wins over its variable; a variable is parsed like its flag, and a bad value of
// either is an error.
func parseArgs(args []string, getenv func(string) string, stderr io.Writer) (Config, bool, error) {
	var c Config
	fs := flag.NewFlagSet("freshet", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.Listen, "listen", "127.0.0.1:4567", "host:port to serve on (FRESHET_LISTEN)")
	fs.StringVar(&c.DataDir, "data-dir", "./freshet-data", "directory for the engine's files (FRESHET_DATA_DIR)")
	fs.BoolVar(&c.Memory, "memory", false, "keep everything in memory, nothing on disk (FRESHET_MEMORY)")
	fs.Func("sync", "when the engine fsyncs: default (in the background every 2m), always (before acknowledging each write), or a duration (in the background at that interval) (FRESHET_SYNC)", c.setSync)
	fs.StringVar(&c.Region, "region", "us-east-1", "region for requests whose credential names none (FRESHET_REGION)")
	fs.StringVar(&c.AccountID, "account-id", "000000000000", "account for access keys that are not 12-digit account ids (FRESHET_ACCOUNT_ID)")
	fs.StringVar(&c.LogLevel, "log-level", "info", "debug, info, warn or error (FRESHET_LOG_LEVEL)")
	fs.DurationVar(&c.StateDelay, "state-delay", 0, "how long streams stay CREATING, UPDATING or DELETING (FRESHET_STATE_DELAY)")
	fs.IntVar(&c.ShardLimit, "shard-limit", 500, "shards per account and region (FRESHET_SHARD_LIMIT)")
	fs.BoolVar(&c.EnforceLimits, "enforce-limits", false, "enforce AWS's per-shard throughput limits (FRESHET_ENFORCE_LIMITS)")
	fs.StringVar(&c.S3Endpoint, "s3-endpoint", "", "S3-compatible endpoint URL Firehose delivers to; empty: the directory <data-dir>/s3 (FRESHET_S3_ENDPOINT)")
	fs.StringVar(&c.S3Region, "s3-region", "us-east-1", "region that signs requests to --s3-endpoint (FRESHET_S3_REGION)")
	fs.StringVar(&c.S3AccessKey, "s3-access-key", "", "access key for --s3-endpoint (FRESHET_S3_ACCESS_KEY, else AWS_ACCESS_KEY_ID)")
	fs.StringVar(&c.S3SecretKey, "s3-secret-key", "", "secret key for --s3-endpoint (FRESHET_S3_SECRET_KEY, else AWS_SECRET_ACCESS_KEY)")
	fs.BoolVar(&c.S3PathStyle, "s3-path-style", false, "address buckets as <endpoint>/<bucket> (FRESHET_S3_PATH_STYLE)")
	fs.Func("lambda-endpoint", "ARN=URL: Firehose invokes Lambda function ARN at URL, a Lambda Invoke API endpoint; a URL alone serves every ARN; repeatable, or comma-separated (FRESHET_LAMBDA_ENDPOINT)", c.addLambdaEndpoints)
	fs.StringVar(&c.Auth, "auth", "", "credentials file (JSON lines); when set, SigV4 signatures are verified against it (FRESHET_AUTH)")
	fs.BoolVar(&c.TLS, "tls", false, "also serve TLS on the port, with a self-signed certificate kept in <data-dir>/tls (FRESHET_TLS)")
	fs.StringVar(&c.TLSCert, "tls-cert", "", "also serve TLS on the port with this PEM certificate file; needs --tls-key (FRESHET_TLS_CERT)")
	fs.StringVar(&c.TLSKey, "tls-key", "", "PEM private key file of --tls-cert (FRESHET_TLS_KEY)")
	fs.DurationVar(&c.AutoscaleInterval, "autoscale-interval", 5*time.Second, "how often ON_DEMAND streams are rescaled; negative turns it off (FRESHET_AUTOSCALE_INTERVAL)")
	fs.Float64Var(&c.AutoscaleSplitAt, "autoscale-split-at", 0.8, "split an ON_DEMAND shard writing above this fraction of the per-shard limit (FRESHET_AUTOSCALE_SPLIT_AT)")
	fs.Float64Var(&c.AutoscaleMergeBelow, "autoscale-merge-below", 0.1, "merge adjacent ON_DEMAND shards writing below this fraction of the limit (FRESHET_AUTOSCALE_MERGE_BELOW)")
	fs.DurationVar(&c.AutoscaleMergeAfter, "autoscale-merge-after", 5*time.Minute, "how long ON_DEMAND shards must stay below --autoscale-merge-below before they merge (FRESHET_AUTOSCALE_MERGE_AFTER)")
	showVersion := fs.Bool("version", false, "print the version and exit")
	if err := fs.Parse(args); err != nil {
		return Config{}, false, err
	}
	if fs.NArg() > 0 {
		return Config{}, false, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *showVersion {
		return c, true, nil
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		name := "FRESHET_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		v := getenv(name)
		if err != nil || set[f.Name] || v == "" || f.Name == "version" {
			return
		}
		if e := fs.Set(f.Name, v); e != nil {
			err = fmt.Errorf("%s=%q: %w", name, v, e)
		}
	})
	if err != nil {
		return Config{}, false, err
	}
	if c.S3AccessKey == "" && c.S3SecretKey == "" {
		c.S3AccessKey, c.S3SecretKey = getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY")
	}
	return c, false, c.Validate()
}

// addLambdaEndpoints parses a --lambda-endpoint value: ARN=URL or URL, comma-separated.
func (c *Config) addLambdaEndpoints(v string) error {
	for _, item := range strings.Split(v, ",") {
		arn, u, ok := strings.Cut(item, "=")
		if !ok || !strings.HasPrefix(arn, "arn:") {
			arn, u = "*", item
		}
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			return fmt.Errorf("%q: want ARN=URL or URL, with an http:// or https:// URL", item)
		}
		if c.LambdaEndpoints == nil {
			c.LambdaEndpoints = map[string]string{}
		}
		c.LambdaEndpoints[arn] = u
	}
	return nil
}

// setSync parses a --sync value.
func (c *Config) setSync(v string) error {
	switch v {
	case "default":
		c.SyncAlways, c.SyncInterval = false, 0
	case "always":
		c.SyncAlways, c.SyncInterval = true, 0
	default:
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return errors.New("want default, always or a positive duration")
		}
		c.SyncAlways, c.SyncInterval = false, d
	}
	return nil
}

// run serves until ctx is done, then shuts down cleanly: in-flight requests finish, the
// engine flushes. If ready is not nil it receives the listening address.
func run(ctx context.Context, cfg Config, logOut io.Writer, ready chan<- string) error {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	log := slog.New(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: level}))
	var creds *auth.Credentials // nil: signatures are not verified
	if cfg.Auth != "" {
		c, err := auth.LoadCredentials(cfg.Auth)
		if err != nil {
			return fmt.Errorf("--auth %q: %w", cfg.Auth, err)
		}
		creds = c
		log.Info("verifying SigV4 signatures", "keys", creds.Len())
	}

	st, err := store.Open(ctx, store.Options{DataDir: cfg.DataDir, Memory: cfg.Memory, Logger: log,
		SyncAlways: cfg.SyncAlways, SyncInterval: cfg.SyncInterval})
	if err != nil {
		return err
	}
	defer st.Close()
	k, err := kinesis.New(ctx, kinesis.Options{
		Store:               st,
		StateDelay:          cfg.StateDelay,
		ShardLimit:          cfg.ShardLimit,
		EnforceLimits:       cfg.EnforceLimits,
		AutoscaleInterval:   cfg.AutoscaleInterval,
		AutoscaleSplitAt:    cfg.AutoscaleSplitAt,
		AutoscaleMergeBelow: cfg.AutoscaleMergeBelow,
		AutoscaleMergeAfter: cfg.AutoscaleMergeAfter,
		Logger:              log,
	})
	if err != nil {
		return err
	}
	defer k.Close()
	var objects firehose.ObjectStore = firehose.DirStore{Root: filepath.Join(cfg.DataDir, "s3")}
	if cfg.S3Endpoint != "" {
		objects = firehose.NewS3Store(firehose.S3Options{Endpoint: cfg.S3Endpoint, Region: cfg.S3Region,
			AccessKey: cfg.S3AccessKey, SecretKey: cfg.S3SecretKey, PathStyle: cfg.S3PathStyle})
	}
	fh := firehose.New(firehose.Options{Store: st, Objects: objects, StateDelay: cfg.StateDelay, Logger: log,
		HTTP: httpout.New(), LambdaEndpoints: cfg.LambdaEndpoints, Kinesis: k})
	if err := fh.Start(ctx); err != nil {
		return err
	}
	defer func() { // after the server has stopped: deliver what is buffered
		flushCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		fh.Close(flushCtx)
	}()
	tlsCfg, err := tlsConfig(cfg, log)
	if err != nil {
		return err
	}
	srv := server.New(server.Config{Kinesis: k, Firehose: fh, Account: cfg.AccountID, Region: cfg.Region, Credentials: creds, TLS: tlsCfg, Logger: log})
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return err
	}
	log.Info("freshet listening", "addr", ln.Addr().String(), "version", version, "data_dir", cfg.DataDir, "memory", cfg.Memory, "sync_always", cfg.SyncAlways)
	if ready != nil {
		ready <- ln.Addr().String()
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return <-errc
}

// tlsConfig is the TLS that --tls or --tls-cert and --tls-key ask for (nil: none).
func tlsConfig(cfg Config, log *slog.Logger) (*tls.Config, error) {
	var cert tls.Certificate
	switch {
	case cfg.TLSCert != "":
		var err error
		if cert, err = tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey); err != nil {
			return nil, fmt.Errorf("--tls-cert %q, --tls-key %q: %w", cfg.TLSCert, cfg.TLSKey, err)
		}
		log.Info("serving TLS", "cert", cfg.TLSCert)
	case cfg.TLS:
		dir := filepath.Join(cfg.DataDir, "tls")
		if cfg.Memory {
			dir = "" // nothing on disk: clients cannot trust it, only skip verification
		}
		host, _, _ := net.SplitHostPort(cfg.Listen)
		c, path, err := server.SelfSignedCertificate(dir, []string{host}, time.Now())
		if err != nil {
			return nil, fmt.Errorf("--tls: %w", err)
		}
		cert = c
		log.Info("serving TLS with a self-signed certificate", "cert", path)
	default:
		return nil, nil
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}}, nil
}
