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
	l := newSniffListener(inner, &tls.Config{})
	defer l.Close()
	silent, err := net.Dial("tcp", inner.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	for _, first := range []byte{'P', 0x16} {
		c, err := net.Dial("tcp", inner.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := c.Write([]byte{first, 'x'}); err != nil {
			t.Fatal(err)
		}
		got, err := l.Accept()
		if err != nil {
			t.Fatal(err)
		}
		defer got.Close()
		_, isTLS := got.(*tls.Conn)
		if isTLS != (first == 0x16) {
			t.Errorf("first byte %#x: handed out a %T", first, got)
		}
		if !isTLS {
			b := make([]byte, 2)
			if _, err := io.ReadFull(got, b); err != nil || string(b) != "Px" {
				t.Errorf("read %q, %v; want the bytes sent", b, err)
			}
		}
	}
}
