// Package store is the only package that talks to NATS JetStream: it runs the embedded
// server, keeps metadata in a JetStream key-value bucket with compare-and-set updates, and
// keeps one append-only log (a JetStream stream) per shard.
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Errors the metadata and log operations return; callers test them with errors.Is.
var (
	ErrNotFound = errors.New("store: not found")
	ErrExists   = errors.New("store: already exists")
	ErrConflict = errors.New("store: revision conflict")
)

// maxMessage is the largest engine message: one PutRecords batch for one shard
// (10 MiB of records plus partition keys and framing).
const maxMessage = 16 << 20

const metaBucket = "freshet_meta"

// Options configures the engine. The zero value runs an embedded file-backed engine in
// ./freshet-data.
type Options struct {
	// DataDir holds the engine's files (default ./freshet-data).
	DataDir string
	// Memory keeps everything in memory; nothing is written to disk.
	Memory bool
	// Logger receives the engine's warnings (default: discard).
	Logger *slog.Logger
	// SyncAlways makes the engine fsync every write before acknowledging it, so that an
	// acknowledged write survives a machine crash or power loss, not only a killed process.
	SyncAlways bool
	// SyncInterval is how often the engine fsyncs in the background when SyncAlways is off
	// (default: the engine's 2 minutes). A write is acknowledged once it is in the
	// operating system's page cache, which survives a killed process.
	SyncInterval time.Duration
}

// Store is an open engine: the embedded server, the in-process connection, the metadata bucket.
type Store struct {
	srv     *server.Server
	nc      *nats.Conn
	js      jetstream.JetStream
	meta    jetstream.KeyValue
	storage jetstream.StorageType
	tmpDir  string
	log     *slog.Logger
	reads   readMux  // routes Read answers (read_mux.go)
	watches watchHub // change notifications (watch.go)

	// Recovery from write errors (repair.go).
	engine     sync.RWMutex // read-held by every engine call, write-held by a restart
	down       atomic.Bool  // JetStream did not come back from a restart
	repairNow  chan struct{}
	quit       chan struct{}
	quitOnce   sync.Once
	repairDone chan struct{} // nil without a repair loop
}

// Open starts the embedded engine and connects to it in-process.
func Open(ctx context.Context, o Options) (*Store, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Store{log: o.Logger, storage: jetstream.FileStorage, repairNow: make(chan struct{}, 1), quit: make(chan struct{})}
	dir := o.DataDir
	if dir == "" {
		dir = "freshet-data"
	}
	if o.Memory {
		s.storage = jetstream.MemoryStorage
		tmp, err := os.MkdirTemp("", "freshet-mem-")
		if err != nil {
			return nil, fmt.Errorf("engine temp dir: %w", err)
		}
		s.tmpDir, dir = tmp, tmp
	}
	if !o.Memory {
		if err := checkDataDir(dir); err != nil {
			return nil, err
		}
	}
	srv, err := server.NewServer(&server.Options{
		ServerName:         "freshet",
		DontListen:         true,
		JetStream:          true,
		StoreDir:           dir,
		MaxPayload:         maxMessage,
		MaxPending:         4 * maxMessage,
		NoSigs:             true,
		NoLog:              true,
		JetStreamMaxMemory: -1,
		JetStreamMaxStore:  -1,
		SyncAlways:         o.SyncAlways,
		SyncInterval:       o.SyncInterval,
	})
	if err != nil {
		s.cleanup()
		return nil, fmt.Errorf("engine config: %w", err)
	}
	s.srv = srv
	srv.Start()
	if !srv.ReadyForConnections(30 * time.Second) {
		s.Close()
		return nil, errors.New("engine did not start within 30s")
	}
	nc, err := nats.Connect("", nats.InProcessServer(srv), nats.MaxReconnects(-1))
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("engine connect: %w", err)
	}
	s.nc = nc
	if err := s.reads.start(nc); err != nil {
		s.Close()
		return nil, fmt.Errorf("engine read subscription: %w", err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("engine jetstream: %w", err)
	}
	s.js = js
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket:  metaBucket,
		History: 1,
		Storage: s.storage,
		// Metadata of a large stream (thousands of shards) is one value.
		MaxValueSize: maxMessage,
	})
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("metadata bucket: %w", err)
	}
	s.meta = kv
	if !o.Memory {
		// The configuration the server started JetStream with (its Start), for a restart.
		cfg := server.JetStreamConfig{StoreDir: dir, SyncInterval: o.SyncInterval, SyncAlways: o.SyncAlways,
			Strict: true, MaxMemory: -1, MaxStore: -1, CompressOK: true}
		s.repairDone = make(chan struct{})
		go s.repairLoop(cfg)
	}
	return s, nil
}

// Close drains the connection and shuts the engine down, flushing it to disk.
func (s *Store) Close() error {
	s.quitOnce.Do(func() { close(s.quit) })
	if s.repairDone != nil {
		<-s.repairDone
	}
	s.reads.close()
	if s.nc != nil {
		_ = s.nc.Drain()
		s.nc.Close()
	}
	if s.srv != nil {
		s.srv.Shutdown()
		s.srv.WaitForShutdown()
	}
	s.cleanup()
	return nil
}

func (s *Store) cleanup() {
	if s.tmpDir != "" {
		_ = os.RemoveAll(s.tmpDir)
	}
}

// checkDataDir creates the data directory if needed and checks that files can be written
// in it, so that a wrong --data-dir is a clear error at start, not an engine that never
// comes up.
func checkDataDir(dir string) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("data dir: %w", err)
	}
	if err := probe(dir, 0); err != nil {
		return fmt.Errorf("data dir %s is not writable: %w", dir, err)
	}
	return nil
}
