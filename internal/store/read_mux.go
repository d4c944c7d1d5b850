package store

import (
	"errors"
	"strconv"
	"sync"

	"github.com/nats-io/nats.go"
)

var errClosed = errors.New("store closed")

// readMux routes the answers of every Read to its caller through one long-lived
// subscription on "<prefix>.*", instead of a subscription per Read: creating and removing
// one costs more than an empty read itself. Each Read registers a token, asks for its
// answer on "<prefix>.<token>", and waits until the answer's last message (a status: end
// of batch, not found, no responders) has arrived.
type readMux struct {
	prefix string

	mu     sync.Mutex
	n      uint64 // last token issued
	reads  map[string]*pendingRead
	closed bool
}

// pendingRead collects one answer. msgs and err are written under readMux.mu before done
// is closed, and only read after it is.
type pendingRead struct {
	msgs []*nats.Msg
	err  error
	done chan struct{}
}

func (m *readMux) start(nc *nats.Conn) error {
	m.prefix = nc.NewInbox()
	m.reads = map[string]*pendingRead{}
	sub, err := nc.Subscribe(m.prefix+".*", m.dispatch)
	if err != nil {
		return err
	}
	// dispatch never blocks, so the queue stays short; without limits a burst of large
	// answers is never dropped as a slow consumer, which would lose a Read's messages.
	return sub.SetPendingLimits(-1, -1)
}

// dispatch runs on the subscription's goroutine: it only appends, so it cannot stall other
// reads' answers. Messages for a token no longer registered (its Read gave up) are dropped.
func (m *readMux) dispatch(msg *nats.Msg) {
	token := msg.Subject[len(m.prefix)+1:]
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.reads[token]
	if r == nil {
		return
	}
	r.msgs = append(r.msgs, msg)
	if msg.Header.Get("Status") != "" {
		delete(m.reads, token)
		close(r.done)
	}
}

// register returns a new token, the subject its answer goes to, and where it is collected.
// The caller must forget the token when it stops waiting.
func (m *readMux) register() (token, reply string, r *pendingRead, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return "", "", nil, errClosed
	}
	m.n++
	token = strconv.FormatUint(m.n, 36)
	r = &pendingRead{done: make(chan struct{})}
	m.reads[token] = r
	return token, m.prefix + "." + token, r, nil
}

func (m *readMux) forget(token string) {
	m.mu.Lock()
	delete(m.reads, token)
	m.mu.Unlock()
}

// close fails every waiting read and every later one.
func (m *readMux) close() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	for token, r := range m.reads {
		r.err = errClosed
		close(r.done)
		delete(m.reads, token)
	}
}
