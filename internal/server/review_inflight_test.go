package server

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/freshet/freshet/internal/awsproto"
)

// TestReviewStreamWithoutLengthHoldsItsBody: a SubscribeToShard whose body came without a
// Content-Length (chunked, or HTTP/2 without the header) counts MaxBody against MaxInFlight
// only while its body is read; once read, the stream holds only what the body weighs, so a
// few such subscriptions (which last 5 minutes) cannot refuse every other request with a
// 503.
func TestReviewStreamWithoutLengthHoldsItsBody(t *testing.T) {
	for _, proto := range []string{"HTTP/1.1", "h2c"} {
		t.Run(proto, func(t *testing.T) {
			sub := newFakeSub(nil, testEvent("49"))
			_, url := newStreamServer(t, Config{MaxBody: 1 << 20, MaxInFlight: 1 << 20}, sub, nil)
			c := protocolClient(t, proto == "HTTP/1.1", proto == "h2c")
			req := subscribeRequest(t, t.Context(), url)
			req.Body, req.ContentLength = io.NopCloser(strings.NewReader(subscribeBody)), -1
			res, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			for range 2 { // the stream is open: initial response and the event
				if _, _, err := awsproto.ReadEventMessage(res.Body, nil); err != nil {
					t.Fatal(err)
				}
			}
			other, err := http.NewRequest(http.MethodPost, url, strings.NewReader(`{}`))
			if err != nil {
				t.Fatal(err)
			}
			other.Header = req.Header.Clone()
			other.Header.Set("X-Amz-Target", kinesisTarget+"NoSuchOperation")
			got := send(t, c, other)
			if got.status != http.StatusBadRequest || got.header.Get("X-Amzn-ErrorType") != "UnknownOperationException" {
				t.Errorf("a request beside the open stream: %d %s %s", got.status, got.header.Get("X-Amzn-ErrorType"), got.body)
			}
		})
	}
}
