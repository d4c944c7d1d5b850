package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/freshet/freshet/internal/server"
)

func TestTLSFlags(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := server.SelfSignedCertificate(dir, nil, time.Now()); err != nil {
		t.Fatal(err)
	}
	cert, key := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	parse := func(args []string, env map[string]string) (Config, error) {
		c, _, err := parseArgs(args, func(k string) string { return env[k] }, io.Discard)
		return c, err
	}
	c, err := parse([]string{"--tls-cert", cert, "--tls-key", key}, nil)
	if err != nil || c.TLSCert != cert || c.TLSKey != key || c.TLS {
		t.Errorf("--tls-cert and --tls-key: %+v, %v", c, err)
	}
	c, err = parse(nil, map[string]string{"FRESHET_TLS_CERT": cert, "FRESHET_TLS_KEY": key})
	if err != nil || c.TLSCert != cert || c.TLSKey != key {
		t.Errorf("FRESHET_TLS_CERT and FRESHET_TLS_KEY: %+v, %v", c, err)
	}
	c, err = parse(nil, map[string]string{"FRESHET_TLS": "true"})
	if err != nil || !c.TLS {
		t.Errorf("FRESHET_TLS=true: %+v, %v", c, err)
	}
	for _, tt := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--tls-cert", cert}, nil, "--tls-cert and --tls-key go together"},
		{nil, map[string]string{"FRESHET_TLS_KEY": key}, "--tls-cert and --tls-key go together"},
		{[]string{"--tls", "--tls-cert", cert, "--tls-key", key}, nil, "--tls generates a certificate: give --tls or --tls-cert and --tls-key, not both"},
		{[]string{"--tls-cert", cert + ".missing", "--tls-key", key}, nil, `--tls-cert "` + cert + `.missing"`},
		{[]string{"--tls-cert", key, "--tls-key", cert}, nil, `--tls-cert "` + key + `", --tls-key "` + cert + `"`},
		{nil, map[string]string{"FRESHET_TLS": "maybe"}, `FRESHET_TLS="maybe"`},
	} {
		if _, err := parse(tt.args, tt.env); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("parseArgs(%q, %v) = %v, want an error containing %q", tt.args, tt.env, err, tt.want)
		}
	}
}

// TestRunTLS: with --tls the process writes its self-signed certificate under the data
// directory, and serves HTTP/2 over TLS to a client trusting that file, and cleartext on
// the same port.
func TestRunTLS(t *testing.T) {
	dataDir := t.TempDir()
	cfg, _, err := parseArgs([]string{"--listen", "127.0.0.1:0", "--data-dir", dataDir, "--tls", "--autoscale-interval", "-1s"},
		func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- run(ctx, cfg, io.Discard, ready) }()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("run: %v", err)
	}
	pem, err := os.ReadFile(filepath.Join(dataDir, "tls", "cert.pem"))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatal("no certificate in cert.pem")
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}
	defer tr.CloseIdleConnections()
	for _, url := range []string{"https://" + addr + "/healthz", "https://localhost:" + addr[strings.LastIndex(addr, ":")+1:] + "/healthz", "http://" + addr + "/healthz"} {
		res, err := (&http.Client{Transport: tr}).Get(url)
		if err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		wantMajor := 2
		if strings.HasPrefix(url, "http:") {
			wantMajor = 1
		}
		if res.StatusCode != 200 || string(b) != "ok\n" || res.ProtoMajor != wantMajor {
			t.Errorf("GET %s: HTTP/%d %d %q", url, res.ProtoMajor, res.StatusCode, b)
		}
	}
	tr.CloseIdleConnections()
	cancel()
	if err := <-done; err != nil {
		t.Errorf("run: %v", err)
	}
}
