package kinesis

// The NextToken of ListShards and ListStreams: opaque to clients (base64 of a small JSON
// value), it says where the next page starts and when it was issued, so that it can expire
// after 300 s as AWS's does.

import (
	"encoding/base64"
	"encoding/json"
	"time"

	"github.com/freshet/freshet/internal/awserr"
)

// nextTokenTTL is how long a NextToken can be used.
const nextTokenTTL = 300 * time.Second

// pageToken is the decoded content of a NextToken.
type pageToken struct {
	Account string `json:"a"`
	Region  string `json:"r"`
	// Stream and StreamID name the stream incarnation being paged (ListShards only).
	Stream   string `json:"s,omitempty"`
	StreamID string `json:"i,omitempty"`
	// After is the last item returned: a shard id or a stream name.
	After string `json:"k"`
	// Filter is the ListShards ShardFilter the listing started with.
	Filter   *tokenFilter `json:"f,omitempty"`
	IssuedMs int64        `json:"t"`
}

type tokenFilter struct {
	Type        string `json:"t"`
	ShardID     string `json:"s,omitempty"`
	TimestampMs int64  `json:"ms,omitempty"`
}

func (t *pageToken) encode() string {
	b, _ := json.Marshal(t) // a struct of strings and ints always marshals
	return base64.StdEncoding.EncodeToString(b)
}

// decodePageToken reads a NextToken, failing as AWS does on a malformed or expired one.
func decodePageToken(s string, now time.Time) (*pageToken, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	t := new(pageToken)
	if err != nil || json.Unmarshal(b, t) != nil || t.IssuedMs == 0 {
		return nil, awserr.New(awserr.InvalidArgument, "Invalid NextToken.")
	}
	if now.Sub(time.UnixMilli(t.IssuedMs)) > nextTokenTTL {
		return nil, awserr.New(awserr.ExpiredNextToken, "The NextToken has expired. Tokens are valid for 300 seconds.")
	}
	return t, nil
}
