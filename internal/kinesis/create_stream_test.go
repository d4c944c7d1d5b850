package kinesis

import (
	"math"
	"testing"

	"github.com/freshet/freshet/internal/auth"
	"github.com/freshet/freshet/internal/awserr"
)

// TestCreateStreamHugeShardCount asks for more shards than an int can add to the account's
// open shards: the shard limit refuses it (it once wrapped around and passed the check).
func TestCreateStreamHugeShardCount(t *testing.T) {
	s, r := reshardService(t, nil, modeProvisioned)
	ctx := auth.WithScope(t.Context(), auth.Scope{Account: r.Account, Region: r.Region})
	n := int64(math.MaxInt64)
	_, err := s.CreateStream(ctx, &CreateStreamInput{StreamName: reshardPtr("huge"), ShardCount: &n})
	if !awserr.IsCode(err, awserr.LimitExceeded) {
		t.Fatalf("got %v, want LimitExceededException", err)
	}
}
