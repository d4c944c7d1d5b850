package kinesis

// Shard iterators are stateless tokens shaped like AWS's: the base64 of the 8 bytes
// 00 00 00 00 00 00 00 01 followed by an AES-256-GCM sealed payload (so they start
// "AAAAAAAAAAE…", their decoded length is 8 plus a multiple of 16 and at least 152, and
// they fit the model's 512 characters). The payload names the account, region, stream, stream
// incarnation, shard and position, and when the token was issued: nothing is kept on the
// server, so a retried GetRecords may reuse its iterator, and any node sharing the engine
// (and so the sealing key) accepts it. Sealing makes tokens unforgeable: a token that does not
// open is "Invalid ShardIterator.".

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/freshet/freshet/internal/awserr"
	"github.com/freshet/freshet/internal/store"
)

const (
	// iteratorTTL is how long an iterator stays valid after it was issued.
	iteratorTTL = 5 * time.Minute
	// iteratorKeyName is the metadata key of the sealing key shared by every node.
	iteratorKeyName = "kinesis.config.iteratorkey"
	// iteratorPayloadVersion is the first byte of a sealed payload.
	iteratorPayloadVersion = 1
	// iteratorMinSealed is the shortest sealed part (after the prefix), so that a decoded
	// iterator is at least 152 bytes long as AWS's are.
	iteratorMinSealed = 144
	maxIteratorChars  = 512
)

var iteratorPrefix = [8]byte{0, 0, 0, 0, 0, 0, 0, 1}

// shardIterator is what an iterator token carries.
type shardIterator struct {
	Account, Region string
	Stream          string // stream name
	StreamID        string // stream incarnation: a recreated stream does not accept old tokens
	Shard           int
	// Position is a per-shard index (see position): the next record to return is the first
	// whose index is >= Position.
	Position uint64
	IssuedMs int64
	// PerBatch is how many records the batches the previous GetRecords read held on average
	// (0: unknown); it sizes the next engine read (see GetRecords).
	PerBatch int
}

// iteratorSealer holds the AEAD that seals iterators, loaded once on first use.
type iteratorSealer struct {
	mu   sync.Mutex
	aead cipher.AEAD
}

func newIteratorAEAD(key []byte) (cipher.AEAD, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("iterator key is %d bytes, want 32", len(key))
	}
	blk, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(blk)
}

// iteratorAEAD returns the sealing AEAD: Options.IteratorKey, else the key kept in the
// metadata bucket (created by whichever node needs it first). A failed load is retried by
// the next call.
func (s *Service) iteratorAEAD(ctx context.Context) (cipher.AEAD, error) {
	s.iters.mu.Lock()
	defer s.iters.mu.Unlock()
	if s.iters.aead != nil {
		return s.iters.aead, nil
	}
	key := s.opts.IteratorKey
	if key == nil {
		var err error
		if key, err = s.loadIteratorKey(ctx); err != nil {
			return nil, err
		}
	}
	aead, err := newIteratorAEAD(key)
	if err != nil {
		return nil, err
	}
	s.iters.aead = aead
	return aead, nil
}

func (s *Service) loadIteratorKey(ctx context.Context) ([]byte, error) {
	key, _, err := s.store.MetaGet(ctx, iteratorKeyName)
	if errors.Is(err, store.ErrNotFound) {
		key = make([]byte, 32)
		rand.Read(key)
		_, err = s.store.MetaCreate(ctx, iteratorKeyName, key)
		if errors.Is(err, store.ErrExists) { // another node won: use its key
			key, _, err = s.store.MetaGet(ctx, iteratorKeyName)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("iterator key: %w", err)
	}
	return key, nil
}

// sealIterator renders an iterator token.
func sealIterator(aead cipher.AEAD, it *shardIterator) string {
	p := make([]byte, 0, 256)
	p = append(p, iteratorPayloadVersion)
	for _, s := range []string{it.Account, it.Region, it.Stream, it.StreamID} {
		p = binary.AppendUvarint(p, uint64(len(s)))
		p = append(p, s...)
	}
	p = binary.AppendUvarint(p, uint64(it.Shard))
	p = binary.AppendUvarint(p, it.Position)
	p = binary.AppendUvarint(p, uint64(it.IssuedMs))
	p = binary.AppendUvarint(p, uint64(it.PerBatch))
	// Zero padding: the sealed part (nonce, payload, tag) fills whole 16-byte blocks.
	overhead := aead.NonceSize() + aead.Overhead()
	n := max(len(p)+overhead, iteratorMinSealed)
	n = (n + 15) / 16 * 16
	p = append(p, make([]byte, n-overhead-len(p))...)

	out := make([]byte, len(iteratorPrefix), len(iteratorPrefix)+n)
	copy(out, iteratorPrefix[:])
	nonce := make([]byte, aead.NonceSize())
	rand.Read(nonce)
	nonce[0] &= 0x3f // the token then starts "AAAAAAAAAAE", as AWS's do
	out = append(out, nonce...)
	out = aead.Seal(out, nonce, p, iteratorPrefix[:])
	return base64.StdEncoding.EncodeToString(out)
}

// errInvalidIterator is AWS's answer to an iterator it did not issue.
func errInvalidIterator() error {
	return awserr.New(awserr.InvalidArgument, "Invalid ShardIterator.")
}

// openIterator decodes an iterator token. A token wrapped in double quotes (as the AWS CLI's
// output sometimes leaves it) is accepted. Anything that is not a token issued with this key
// is errInvalidIterator.
func openIterator(aead cipher.AEAD, token string) (*shardIterator, error) {
	if len(token) >= 2 && token[0] == '"' && token[len(token)-1] == '"' {
		token = token[1 : len(token)-1]
	}
	raw, err := base64.StdEncoding.DecodeString(token)
	ns := aead.NonceSize()
	if err != nil || len(raw) < len(iteratorPrefix)+ns+aead.Overhead() || [8]byte(raw[:8]) != iteratorPrefix {
		return nil, errInvalidIterator()
	}
	raw = raw[len(iteratorPrefix):]
	p, err := aead.Open(nil, raw[:ns], raw[ns:], iteratorPrefix[:])
	if err != nil || len(p) == 0 || p[0] != iteratorPayloadVersion {
		return nil, errInvalidIterator()
	}
	p = p[1:]
	ok := true
	num := func() uint64 {
		v, n := binary.Uvarint(p)
		if n <= 0 {
			ok = false
			return 0
		}
		p = p[n:]
		return v
	}
	str := func() string {
		n := num()
		if !ok || n > uint64(len(p)) {
			ok = false
			return ""
		}
		s := string(p[:n])
		p = p[n:]
		return s
	}
	it := &shardIterator{Account: str(), Region: str(), Stream: str(), StreamID: str()}
	shard := num()
	it.Position = num()
	issued := num()
	perBatch := num()
	for _, b := range p {
		ok = ok && b == 0
	}
	if !ok || shard > 1<<31-1 || issued > 1<<62 || perBatch > 1<<batchIndexBits {
		return nil, errInvalidIterator()
	}
	it.Shard, it.IssuedMs, it.PerBatch = int(shard), int64(issued), int(perBatch)
	return it, nil
}

// amzTime renders a time the way AWS's Java services print a Date.
func amzTime(t time.Time) string { return t.UTC().Format("Mon Jan 02 15:04:05 UTC 2006") }

// expired returns AWS's ExpiredIteratorException if the iterator is older than iteratorTTL at now.
func (it *shardIterator) expired(now time.Time) error {
	if now.UnixMilli()-it.IssuedMs <= iteratorTTL.Milliseconds() {
		return nil
	}
	return awserr.Newf(awserr.ExpiredIterator,
		"Iterator expired. The iterator was created at time %s while right now it is %s which is further in the future than the tolerated delay of %d milliseconds.",
		amzTime(timeMs(it.IssuedMs)), amzTime(now), iteratorTTL.Milliseconds())
}
