// Package httpout sends the HTTP requests Firehose makes to the outside world (Lambda
// invocations, HTTP endpoint deliveries), so that the firehose package itself never
// imports net/http: it implements firehose.HTTPClient.
package httpout

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/freshet/freshet/internal/firehose"
)

// maxResponse bounds the response body read (Lambda answers up to 6 MB; an HTTP endpoint's
// answer must be under 1 MiB).
const maxResponse = 8 << 20

// Client implements firehose.HTTPClient over net/http. Redirects are not followed: AWS
// does not follow them either, and a 3xx answer counts as a failure.
type Client struct {
	hc *http.Client
}

// New returns a Client. Timeouts come from each request's context. It asks for no
// compressed answers (no Accept-Encoding), as Firehose does not.
func New() *Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DisableCompression = true
	return &Client{hc: &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Post sends one POST request and reads the whole answer.
func (c *Client) Post(ctx context.Context, url string, header map[string]string, body []byte) (*firehose.HTTPResponse, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("post %s: %w", url, err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("post %s: %w", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return nil, fmt.Errorf("read answer of %s: %w", url, err)
	}
	out := &firehose.HTTPResponse{Status: resp.StatusCode, Header: make(map[string]string, len(resp.Header)), Body: b}
	for k, v := range resp.Header {
		if len(v) > 0 {
			out.Header[k] = v[0]
		}
	}
	return out, nil
}
