package firehose

import "context"

// HTTPClient is how the service reaches Lambda functions and HTTP endpoint destinations.
// The firehose package never imports net/http (a house rule for services): the one
// implementation, internal/httpout, is handed in through Options.HTTP by cmd/freshet.
type HTTPClient interface {
	// Post sends body to url with the given headers and returns the response as it came:
	// any status, redirects not followed. An error means no response was received.
	Post(ctx context.Context, url string, header map[string]string, body []byte) (*HTTPResponse, error)
}

// HTTPResponse is an answer to Post.
type HTTPResponse struct {
	Status int
	// Header holds the first value of each response header, by canonical name
	// (Content-Type, X-Amz-Function-Error).
	Header map[string]string
	Body   []byte
}
