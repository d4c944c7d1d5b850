package firehose

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/freshet/freshet/internal/kinesis"
	"github.com/freshet/freshet/internal/store"
)

// Options configures the service. Store is required; every other zero value works.
type Options struct {
	Store *store.Store
	// Objects is where S3 destinations write (nil: deliveries fail and are retried).
	Objects ObjectStore
	// Now is the clock (default time.Now). Arrival times and buffer ages use it.
	Now func() time.Time
	// StateDelay is how long a delivery stream stays CREATING or DELETING (default 0).
	StateDelay time.Duration
	// Stages are the processor types that can be configured (default DefaultStages(opts)).
	Stages map[string]StageFactory
	// Tick is how often a delivery loop looks at its buffer when nothing wakes it
	// (default 1s): it bounds how late an interval flush is, and how often a loop whose
	// clock is not the wall clock notices time has moved.
	Tick time.Duration
	// RetryMin and RetryMax bound the back-off between attempts to deliver a buffer
	// (defaults 1s and 5s: AWS retries S3 every 5 seconds).
	RetryMin, RetryMax time.Duration
	// Retention is how long records wait for delivery before they are dropped (default
	// 24h, AWS's DirectPut retention).
	Retention time.Duration
	Logger    *slog.Logger
	// HTTP sends Lambda invocations and HTTP endpoint deliveries (nil: Lambda processors
	// are refused and HTTP endpoint deliveries fail).
	HTTP HTTPClient
	// LambdaEndpoints maps a Lambda function ARN to the base URL of an endpoint speaking
	// the Lambda Invoke API; the key "*" serves every other ARN.
	LambdaEndpoints map[string]string
	// Kinesis is the Kinesis service KinesisStreamAsSource delivery streams read (nil: that
	// type is refused).
	Kinesis *kinesis.Service
}

// Service is Amazon Data Firehose over one store.
type Service struct {
	opts  Options
	store *store.Store
	log   *slog.Logger
	now   func() time.Time

	// mu guards loops: the running delivery loop of each delivery stream, by stream ID.
	mu      sync.Mutex
	loops   map[string]*loop
	closing bool
	wg      sync.WaitGroup
}

// New returns a service over the store in opts. Call Start to deliver the streams that
// already exist.
func New(opts Options) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Stages == nil {
		opts.Stages = DefaultStages(opts)
	}
	if opts.Tick <= 0 {
		opts.Tick = time.Second
	}
	if opts.RetryMin <= 0 {
		opts.RetryMin = time.Second
	}
	if opts.RetryMax < opts.RetryMin {
		opts.RetryMax = max(5*time.Second, opts.RetryMin)
	}
	if opts.Retention <= 0 {
		opts.Retention = 24 * time.Hour
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Service{opts: opts, store: opts.Store, log: opts.Logger, now: opts.Now, loops: map[string]*loop{}}
}

// Start starts a delivery loop for every delivery stream in the store (of every account
// and region), so that records acknowledged before a restart are delivered.
func (s *Service) Start(ctx context.Context) error {
	streams, err := s.list(ctx, allStreams)
	if err != nil {
		return err
	}
	for _, m := range streams {
		if m.Status != statusDeleting {
			s.startLoop(m)
		}
	}
	return nil
}

// Close flushes every delivery stream's buffer (delivering what was acknowledged, as far
// as the destinations take it before ctx ends) and stops the loops.
func (s *Service) Close(ctx context.Context) {
	s.mu.Lock()
	s.closing = true
	for _, l := range s.loops {
		l.flushAndStop()
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		s.mu.Lock()
		for _, l := range s.loops {
			l.cancel()
		}
		s.mu.Unlock()
		<-done
	}
}
