// Package servertest serves a server on a loopback port for the length of a test, as
// net/http/httptest does for handlers.
package servertest

import (
	"context"
	"net"
	"testing"
	"time"
)

// Server is what Serve runs: a *server.Server (an interface, so that the server package's
// own tests can use it too).
type Server interface {
	Serve(net.Listener) error
	Shutdown(context.Context) error
}

// Serve serves srv on a loopback port until the test ends, then shuts it down and checks
// it stopped cleanly; it returns the server's address (host:port). Cleanups registered
// before it run after the shutdown.
func Serve(t testing.TB, srv Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return ln.Addr().String()
}
