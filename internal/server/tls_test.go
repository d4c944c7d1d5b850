package server

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestSelfSignedCertificate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tls")
	now := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
	cert, path, err := SelfSignedCertificate(dir, []string{"freshet.test", "10.1.2.3", "0.0.0.0", "", "localhost", "::1"}, now)
	if err != nil {
		t.Fatal(err)
	}
	if path != filepath.Join(dir, "cert.pem") {
		t.Errorf("certificate path %s", path)
	}
	leaf := cert.Leaf
	var ips []string
	for _, ip := range leaf.IPAddresses {
		ips = append(ips, ip.String())
	}
	sort.Strings(ips)
	got := map[string]any{"dns": leaf.DNSNames, "ips": ips, "ca": leaf.IsCA, "notAfter": leaf.NotAfter, "ext": leaf.ExtKeyUsage}
	want := map[string]any{"dns": []string{"localhost", "freshet.test"}, "ips": []string{"10.1.2.3", "127.0.0.1", "::1"}, "ca": true,
		"notAfter": now.AddDate(1, 0, 0), "ext": []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("certificate (-want +got):\n%s", diff)
	}
	if k, ok := leaf.PublicKey.(*ecdsa.PublicKey); !ok || k.Curve != elliptic.P256() {
		t.Errorf("public key %T, want ECDSA P-256", leaf.PublicKey)
	}
	// It verifies against itself as the only root, for each name.
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	for _, h := range []string{"localhost", "127.0.0.1", "::1", "freshet.test", "10.1.2.3"} {
		if _, err := leaf.Verify(x509.VerifyOptions{DNSName: h, Roots: pool, CurrentTime: now}); err != nil {
			t.Errorf("verify for %s: %v", h, err)
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, "key.pem")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("key file: %v %v, want mode 0600", fi.Mode(), err)
	}

	// Restarts reuse it while it still covers the hosts for a month...
	again, _, err := SelfSignedCertificate(dir, []string{"freshet.test"}, now.AddDate(0, 10, 0))
	if err != nil || !again.Leaf.Equal(leaf) {
		t.Errorf("restart with the same hosts: a new certificate (%v)", err)
	}
	// ...and replace it for a new host or near its end.
	for name, tc := range map[string]struct {
		hosts []string
		now   time.Time
	}{
		"new host":         {[]string{"other.test"}, now},
		"near end":         {[]string{"freshet.test"}, now.AddDate(0, 11, 2)},
		"before its start": {[]string{"freshet.test"}, now.Add(-2 * time.Hour)},
		"empty host":       {nil, now},
	} {
		dir := t.TempDir()
		if _, _, err := SelfSignedCertificate(dir, []string{"freshet.test"}, now); err != nil {
			t.Fatal(err)
		}
		first, _ := tls.LoadX509KeyPair(filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem"))
		c, _, err := SelfSignedCertificate(dir, tc.hosts, tc.now)
		if err != nil {
			t.Fatal(err)
		}
		reused := c.Leaf.Equal(first.Leaf)
		if want := name == "empty host"; reused != want {
			t.Errorf("%s: reused %v, want %v", name, reused, want)
		}
	}

	// Without a directory it lives in memory only.
	if _, path, err := SelfSignedCertificate("", nil, now); err != nil || path != "" {
		t.Errorf("in memory: path %q, %v", path, err)
	}
}

// TestSniffListenerClose: Close interrupts connections still being sniffed (a client that
// sent nothing) and returns without waiting for them to time out.
func TestSniffListenerClose(t *testing.T) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := newSniffListener(inner, &tls.Config{})
	c, err := net.Dial("tcp", inner.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(30 * time.Second)) // a guard: Close must end it first
	if _, err := c.Read(make([]byte, 1)); err != io.EOF && !errors.Is(err, net.ErrClosed) && !isReset(err) {
		t.Errorf("silent client after Close: %v, want its connection closed", err)
	}
	if _, err := l.Accept(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Accept after Close: %v, want net.ErrClosed", err)
	}
}

func isReset(err error) bool {
	var ne *net.OpError
	return errors.As(err, &ne) && !ne.Timeout()
}

// TestSniffListenerRoutes: a connection starting with a TLS handshake is handed out as a
// *tls.Conn, any other as is, with its first byte still to read; a silent client does not
// hold up the next one.
func TestSniffListenerRoutes(t *testing.T) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cert, _, err := SelfSignedCertificate("", nil, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	l := newSniffListener(inner, serverTLSConfig(&tls.Config{Certificates: []tls.Certificate{cert}}))
	defer l.Close()
	silent, err := net.Dial("tcp", inner.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()

	c, err := net.Dial("tcp", inner.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte("Px")); err != nil {
		t.Fatal(err)
	}
	got, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer got.Close()
	if _, isTLS := got.(*tls.Conn); isTLS {
		t.Errorf("cleartext handed out as %T", got)
	}
	b := make([]byte, 2)
	if _, err := io.ReadFull(got, b); err != nil || string(b) != "Px" {
		t.Errorf("read %q, %v; want the bytes sent", b, err)
	}

	// A TLS client that negotiates h2 by ALPN gets a *tls.Conn (http.Server serves h2 by
	// it); one that offers no ALPN (the Java SDK's default) a plain connection, so that
	// http.Server tells HTTP/2 from HTTP/1.1 by the preface.
	for _, alpn := range [][]string{{"h2"}, nil} {
		raw, err := net.Dial("tcp", inner.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		tc := tls.Client(raw, &tls.Config{InsecureSkipVerify: true, NextProtos: alpn})
		handshake := make(chan error, 1)
		go func() { handshake <- tc.Handshake() }()
		got, err := l.Accept()
		if err != nil {
			t.Fatal(err)
		}
		defer got.Close()
		if err := <-handshake; err != nil {
			t.Fatalf("ALPN %v: handshake: %v", alpn, err)
		}
		if _, isTLS := got.(*tls.Conn); isTLS != (alpn != nil) {
			t.Errorf("ALPN %v: handed out a %T", alpn, got)
		}
		go tc.Write([]byte("hi"))
		b := make([]byte, 2)
		if _, err := io.ReadFull(got, b); err != nil || string(b) != "hi" {
			t.Errorf("ALPN %v: read %q, %v; want the bytes sent", alpn, b, err)
		}
	}
}
