// Package kinesis implements the semantics of Amazon Kinesis Data Streams, one file per
// operation. It knows nothing of HTTP or NATS: requests arrive decoded, state lives in the
// store, and the caller's (account, region) comes from the context.
package kinesis

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/freshet/freshet/internal/store"
)

// Options configures the service. Store is required; every other zero value works.
type Options struct {
	Store *store.Store
	// Now is the clock (default time.Now).
	Now func() time.Time
	// StateDelay is how long a stream stays CREATING, UPDATING or DELETING (default 0).
	StateDelay time.Duration
	// ShardLimit is the per-account, per-region shard limit (default 500).
	ShardLimit int
	// OnDemandStreamLimit is the per-account limit of on-demand streams (default 50).
	OnDemandStreamLimit int
	// EnforceLimits turns on AWS's per-shard throughput limits.
	EnforceLimits bool
	// IteratorKey seals shard iterators (32 bytes). Default: a key kept in the store, so
	// that iterators survive restarts and work on every node sharing the engine.
	IteratorKey []byte
	Logger      *slog.Logger
	// RetentionHour is the length of one hour of retention (default time.Hour). Tests
	// shorten it to see records expire through the engine's own age-based retention.
	RetentionHour time.Duration
	// On-demand autoscaling (autoscale.go): every AutoscaleInterval (default 5s; negative:
	// off) split shards writing above AutoscaleSplitAt (default 0.8) of the per-shard write
	// limit, merge adjacent shards below AutoscaleMergeBelow (default 0.1) of it for
	// AutoscaleMergeAfter (default 5m), keeping at least 4 open shards.
	AutoscaleInterval   time.Duration
	AutoscaleSplitAt    float64
	AutoscaleMergeBelow float64
	AutoscaleMergeAfter time.Duration
	// SubscriptionLifetime is how long a SubscribeToShard subscription lasts (default 5m);
	// SubscriptionHeartbeat is the longest an idle one waits before an empty event (default
	// 5s). Tests shorten both (subscribe_to_shard.go).
	SubscriptionLifetime  time.Duration
	SubscriptionHeartbeat time.Duration
}

// Service is Kinesis Data Streams over one store.
type Service struct {
	opts  Options
	store *store.Store
	log   *slog.Logger
	now   func() time.Time
	// iters seals and opens shard iterators (iterator.go).
	iters iteratorSealer
	// limits emulates per-shard throughput limits and tracks write rates (limits.go).
	limits *limiter
	// routers caches each stream's parsed hash ranges for the write path (write.go).
	routers routerCache
	// reshardMu lets one request at a time carry out stored reshard plans (reshard.go).
	reshardMu sync.Mutex
	// leases holds the live SubscribeToShard subscriptions per (consumer, shard).
	leases subscriptionLeases

	// bg tracks the goroutines that finish delayed state changes; Close waits for them.
	bg       sync.WaitGroup
	bgCtx    context.Context
	bgCancel context.CancelFunc
}

// New returns a service over the store in opts.
func New(ctx context.Context, opts Options) (*Service, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ShardLimit == 0 {
		opts.ShardLimit = 500
	}
	if opts.OnDemandStreamLimit == 0 {
		opts.OnDemandStreamLimit = 50
	}
	if opts.RetentionHour == 0 {
		opts.RetentionHour = time.Hour
	}
	if opts.SubscriptionLifetime == 0 {
		opts.SubscriptionLifetime = 5 * time.Minute
	}
	if opts.SubscriptionHeartbeat == 0 {
		opts.SubscriptionHeartbeat = 5 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Service{opts: opts, store: opts.Store, log: opts.Logger, now: opts.Now, limits: newLimiter(opts.EnforceLimits)}
	s.bgCtx, s.bgCancel = context.WithCancel(context.Background())
	s.startAutoscaler()
	return s, nil
}

// Close stops background work and waits for it.
func (s *Service) Close() {
	s.bgCancel()
	s.bg.Wait()
}

// after runs fn once d has passed, unless the service closes first; a state change left
// unfinished by a close is completed the next time the stream is read.
func (s *Service) after(d time.Duration, fn func(ctx context.Context)) {
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			fn(s.bgCtx)
		case <-s.bgCtx.Done():
		}
	}()
}
