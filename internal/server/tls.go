package server

// TLS on the one port: when Config.TLS is set, each connection's first byte says whether it
// is a TLS handshake (0x16, a handshake record) or cleartext HTTP/1.1 or h2c, so https://
// and http:// endpoints share the port. TLS connections negotiate h2 or http/1.1 by ALPN, or,
// offering no ALPN, are told apart by the HTTP/2 preface.

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"
)

// sniffTimeout bounds the wait for a connection's first byte (as ReadHeaderTimeout bounds
// a request's header).
const sniffTimeout = 30 * time.Second

// tlsRecordHandshake is the first byte of a TLS ClientHello record.
const tlsRecordHandshake = 0x16

// serverTLSConfig completes a TLS configuration for the port: ALPN offers h2, then
// http/1.1; TLS 1.2 at least (HTTP/2 requires it).
func serverTLSConfig(c *tls.Config) *tls.Config {
	c = c.Clone()
	if len(c.NextProtos) == 0 {
		c.NextProtos = []string{"h2", "http/1.1"}
	}
	if c.MinVersion < tls.VersionTLS12 {
		c.MinVersion = tls.VersionTLS12
	}
	return c
}

// sniffListener accepts TLS and cleartext connections on one listener. A background loop
// accepts; a goroutine per new connection waits for its first byte, so a client that sends
// nothing holds only its own goroutine (until sniffTimeout), never Accept.
type sniffListener struct {
	net.Listener
	tls     *tls.Config
	conns   chan net.Conn
	errs    chan error
	ctx     context.Context // done once Close was called
	cancel  context.CancelFunc
	wg      sync.WaitGroup // the accept loop and the sniffers
	closeMu sync.Once
}

func newSniffListener(ln net.Listener, c *tls.Config) *sniffListener {
	ctx, cancel := context.WithCancel(context.Background())
	l := &sniffListener{Listener: ln, tls: c, conns: make(chan net.Conn), errs: make(chan error), ctx: ctx, cancel: cancel}
	l.wg.Add(1)
	go l.acceptLoop()
	return l
}

// Accept returns the next sniffed connection, or the inner listener's error.
func (l *sniffListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case err := <-l.errs:
		return nil, err
	case <-l.ctx.Done():
		return nil, net.ErrClosed
	}
}

// Close closes the inner listener and waits for the accept loop and the sniffers, which it
// interrupts; connections not yet handed out are closed.
func (l *sniffListener) Close() error {
	var err error
	l.closeMu.Do(func() {
		l.cancel()
		err = l.Listener.Close()
		l.wg.Wait()
	})
	return err
}

func (l *sniffListener) acceptLoop() {
	defer l.wg.Done()
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			// Hand the error to Accept: http.Server retries a temporary one (after a
			// pause, so this loop waits here meanwhile) and stops on any other.
			select {
			case l.errs <- err:
			case <-l.ctx.Done():
				return
			}
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		l.wg.Add(1)
		go l.sniff(c)
	}
}

// sniff waits for c's first byte and hands c to Accept, after the TLS handshake if it
// starts one.
func (l *sniffListener) sniff(c net.Conn) {
	defer l.wg.Done()
	_ = c.SetReadDeadline(time.Now().Add(sniffTimeout))
	stop := context.AfterFunc(l.ctx, func() { _ = c.SetReadDeadline(time.Now()) })
	conn, err := l.open(c)
	if !stop() || err != nil {
		c.Close() // closing, or the client sent nothing (or no handshake) in time
		return
	}
	_ = c.SetReadDeadline(time.Time{})
	select {
	case l.conns <- conn:
	case <-l.ctx.Done():
		c.Close()
	}
}

// open reads c's first byte. Cleartext is handed out with that byte given back. A TLS
// handshake is completed here: when ALPN chose a protocol the *tls.Conn goes to
// http.Server, which serves h2 or HTTP/1.1 by it; without ALPN the client may well speak
// HTTP/2 (the Java SDK v2's Netty client assumes it over TLS by default), which http.Server
// recognises only on a connection it does not see as TLS, by the HTTP/2 preface. So such a
// connection is handed out as a plain net.Conn.
func (l *sniffListener) open(c net.Conn) (net.Conn, error) {
	var first [1]byte
	if _, err := c.Read(first[:]); err != nil {
		return nil, err
	}
	var conn net.Conn = &peekedConn{Conn: c, first: first[0], peeked: true}
	if first[0] != tlsRecordHandshake {
		return conn, nil
	}
	tc := tls.Server(conn, l.tls)
	if err := tc.Handshake(); err != nil {
		return nil, err
	}
	if tc.ConnectionState().NegotiatedProtocol == "" {
		return struct{ net.Conn }{tc}, nil
	}
	return tc, nil
}

// peekedConn gives back the byte read to sniff the connection before the rest.
type peekedConn struct {
	net.Conn
	first  byte
	peeked bool
}

func (c *peekedConn) Read(p []byte) (int, error) {
	if c.peeked && len(p) > 0 {
		c.peeked = false
		p[0] = c.first
		return 1, nil
	}
	return c.Conn.Read(p)
}

// Self-signed certificate files under a data directory, for clients to trust.
const (
	certFile = "cert.pem"
	keyFile  = "key.pem"
)

// SelfSignedCertificate returns a certificate for --tls: ECDSA P-256, valid for a year,
// naming localhost, 127.0.0.1, ::1 and hosts (names or IP addresses). With dir set it is
// kept in dir/cert.pem and dir/key.pem and reused while it is valid for a month more and
// names every host, so that clients trust it once; certPath is then dir/cert.pem.
func SelfSignedCertificate(dir string, hosts []string, now time.Time) (cert tls.Certificate, certPath string, err error) {
	hosts = append([]string{"localhost", "127.0.0.1", "::1"}, hosts...)
	if dir != "" {
		certPath = filepath.Join(dir, certFile)
		if cert, err := tls.LoadX509KeyPair(certPath, filepath.Join(dir, keyFile)); err == nil && covers(cert.Leaf, hosts, now) {
			return cert, certPath, nil
		}
	}
	certPEM, keyPEM, err := newSelfSigned(hosts, now)
	if err != nil {
		return tls.Certificate{}, "", err
	}
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return tls.Certificate{}, "", err
		}
		if err := writeFileAtomic(filepath.Join(dir, keyFile), keyPEM, 0o600); err != nil {
			return tls.Certificate{}, "", err
		}
		if err := writeFileAtomic(certPath, certPEM, 0o644); err != nil {
			return tls.Certificate{}, "", err
		}
	}
	cert, err = tls.X509KeyPair(certPEM, keyPEM)
	return cert, certPath, err
}

// covers reports whether leaf is valid for a month from now and names every host.
func covers(leaf *x509.Certificate, hosts []string, now time.Time) bool {
	if leaf == nil || now.Before(leaf.NotBefore) || now.AddDate(0, 1, 0).After(leaf.NotAfter) {
		return false
	}
	for _, h := range hosts {
		if leaf.VerifyHostname(h) != nil {
			return false
		}
	}
	return true
}

func newSelfSigned(hosts []string, now time.Time) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{Organization: []string{"Freshet"}, CommonName: "freshet self-signed"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(1, 0, 0),
		// Its own issuer: a CA certificate, so that trust stores that want one accept it.
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			if !ip.IsUnspecified() && !slices.ContainsFunc(tmpl.IPAddresses, ip.Equal) {
				tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
			}
		} else if h != "" && !slices.Contains(tmpl.DNSNames, h) {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("create certificate: %w", err)
	}
	kb, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kb}), nil
}

// writeFileAtomic writes a file whole or not at all.
func writeFileAtomic(path string, b []byte, perm os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
