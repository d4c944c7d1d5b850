package server

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/freshet/freshet/internal/awsproto"
)

// BenchmarkSubscribeStream measures the event-stream writer end to end over HTTP/1.1, h2c
// and h2 over TLS: a stand-in subscription hands out events of 100 records of 1 KiB (about 140 KB
// of JSON each), and a client decodes the frames. Bytes are record data.
func BenchmarkSubscribeStream(b *testing.B) {
	cert, _, err := SelfSignedCertificate("", nil, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert.Leaf)
	for _, proto := range []string{"HTTP/1.1", "h2c", "h2 TLS"} {
		b.Run(proto, func(b *testing.B) {
			data := make([]string, 100)
			for i := range data {
				data[i] = strings.Repeat("x", 1024)
			}
			sub := newFakeSub(nil)
			sub.endless = testEvent("49", data...)
			cfg := Config{}
			if proto == "h2 TLS" {
				cfg.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
			}
			_, url := newStreamServer(b, cfg, sub, nil)
			var p http.Protocols
			p.SetHTTP1(proto == "HTTP/1.1")
			p.SetUnencryptedHTTP2(proto == "h2c")
			p.SetHTTP2(proto == "h2 TLS")
			tr := &http.Transport{Protocols: &p, TLSClientConfig: &tls.Config{RootCAs: pool}}
			if proto == "h2 TLS" {
				url = "https" + strings.TrimPrefix(url, "http")
			}
			defer tr.CloseIdleConnections()
			res, err := (&http.Client{Transport: tr}).Do(subscribeRequest(b, b.Context(), url))
			if err != nil {
				b.Fatal(err)
			}
			defer res.Body.Close()
			if (res.ProtoMajor == 2) != (proto != "HTTP/1.1") {
				b.Fatalf("answered over %s", res.Proto)
			}
			var buf []byte
			if _, buf, err = awsproto.ReadEventMessage(res.Body, buf); err != nil { // initial-response
				b.Fatal(err)
			}
			b.SetBytes(100 * 1024)
			b.ReportAllocs()
			for b.Loop() {
				var m awsproto.EventMessage
				if m, buf, err = awsproto.ReadEventMessage(res.Body, buf); err != nil || len(m.Payload) < 100*1024 {
					b.Fatalf("%d-byte event: %v", len(m.Payload), err)
				}
			}
		})
	}
}
