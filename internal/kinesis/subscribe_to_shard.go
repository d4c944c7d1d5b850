// SubscribeToShard
//
// Behavior:
//   - (to be written by the enhanced fan-out work; this file fixes the contract between the
//     service and the server's event-stream writer)
package kinesis

import (
	"context"
	"errors"

	"github.com/freshet/freshet/internal/awsproto"
)

type SubscribeToShardInput struct {
	ConsumerARN      *string           `json:"ConsumerARN"`
	ShardId          *string           `json:"ShardId"`
	StartingPosition *StartingPosition `json:"StartingPosition"`
}

type StartingPosition struct {
	SequenceNumber *string        `json:"SequenceNumber,omitempty"`
	Timestamp      *awsproto.Time `json:"Timestamp,omitempty"`
	Type           *string        `json:"Type"`
}

// SubscribeToShardEvent is the payload of one SubscribeToShardEvent event-stream message.
type SubscribeToShardEvent struct {
	ChildShards                []ChildShard `json:"ChildShards,omitempty"`
	ContinuationSequenceNumber string       `json:"ContinuationSequenceNumber"`
	MillisBehindLatest         int64        `json:"MillisBehindLatest"`
	Records                    []Record     `json:"Records"`
}

// Subscription is an open SubscribeToShard. The server writes the initial-response event,
// then one event per Next until Next returns an error.
type Subscription struct{}

// SubscribeToShard validates the request and opens a subscription. Its errors are ordinary
// error answers: nothing has been streamed yet.
func (s *Service) SubscribeToShard(ctx context.Context, in *SubscribeToShardInput) (*Subscription, error) {
	return nil, errors.New("SubscribeToShard: not implemented")
}

// Next blocks until the next event: records, or a heartbeat after 5 s without any. It
// returns io.EOF when the subscription is over (after 5 minutes, or after the event carrying
// a closed shard's ChildShards), an *awserr.Error that the server sends as an exception
// event and then ends the stream, or ctx's error when the client went away. Next is never
// called again after it returned an error.
func (sub *Subscription) Next(ctx context.Context) (*SubscribeToShardEvent, error) {
	return nil, errors.New("SubscribeToShard: not implemented")
}

// Close releases the subscription (its engine watch and its ResourceInUse lease). The
// server calls it exactly once, whatever Next returned.
func (sub *Subscription) Close() {}
