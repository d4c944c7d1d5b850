package kinesis

// Enhanced fan-out consumers: what the four consumer operations and SubscribeToShard share.
// A consumer is part of its stream's metadata value (streamMeta.Consumers), so registering,
// deregistering and deleting the stream are compare-and-set updates of that one value, and
// a stream's consumers disappear with it.

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/freshet/freshet/internal/awserr"
	"github.com/freshet/freshet/internal/awsproto"
)

// Consumer statuses as they appear on the wire.
const (
	consumerCreating = "CREATING"
	consumerActive   = "ACTIVE"
	consumerDeleting = "DELETING"
)

const (
	// consumerLimit is how many consumers a stream may have; consumerLimitAdvantage is the
	// limit of an on-demand stream in an account with the minimum throughput billing
	// commitment ("On-demand Advantage").
	consumerLimit          = 20
	consumerLimitAdvantage = 50
	// consumersCreatingMax is how many consumers of a stream may be CREATING at once.
	consumersCreatingMax = 5
)

var consumerARNPat = awserr.NewPattern(`(arn):aws.*:kinesis:.*:\d{12}:.*stream\/[a-zA-Z0-9_.-]+\/consumer\/[a-zA-Z0-9_.-]+:[0-9]+`)

// consumerMeta is one registered consumer. Its status moves on by time alone, as a stream's
// does: CREATING reads as ACTIVE once StatusUntil has passed, and DELETING as gone.
type consumerMeta struct {
	Name        string            `json:"name"`
	CreatedMs   int64             `json:"created"`
	Status      string            `json:"status"`
	StatusUntil int64             `json:"statusUntil,omitempty"` // unix ms
	Tags        map[string]string `json:"tags,omitempty"`
}

// status is the consumer's status at now ("" once a deletion has completed).
func (c *consumerMeta) status(now time.Time) string {
	if now.UnixMilli() < c.StatusUntil {
		return c.Status
	}
	switch c.Status {
	case consumerCreating:
		return consumerActive
	case consumerDeleting:
		return ""
	}
	return c.Status
}

// createdSecs is the creation time the consumer's ARN carries.
func (c *consumerMeta) createdSecs() int64 { return c.CreatedMs / 1000 }

func consumerARN(m *streamMeta, c *consumerMeta) string {
	return m.arn() + "/consumer/" + c.Name + ":" + strconv.FormatInt(c.createdSecs(), 10)
}

// consumer returns the consumer of that name that still exists at now, or nil.
func (m *streamMeta) consumer(name string, now time.Time) *consumerMeta {
	for i := range m.Consumers {
		if c := &m.Consumers[i]; c.Name == name && c.status(now) != "" {
			return c
		}
	}
	return nil
}

// liveConsumers returns the consumers that still exist at now, in registration order.
func (m *streamMeta) liveConsumers(now time.Time) []*consumerMeta {
	var out []*consumerMeta
	for i := range m.Consumers {
		if c := &m.Consumers[i]; c.status(now) != "" {
			out = append(out, c)
		}
	}
	return out
}

// pruneConsumers drops consumers whose deletion has completed (on every consumer update).
func (m *streamMeta) pruneConsumers(now time.Time) {
	kept := m.Consumers[:0]
	for _, c := range m.Consumers {
		if c.status(now) != "" {
			kept = append(kept, c)
		}
	}
	if len(kept) == 0 {
		kept = nil
	}
	m.Consumers = kept
}

// Consumer is a consumer as RegisterStreamConsumer and ListStreamConsumers return it.
type Consumer struct {
	ConsumerARN               string        `json:"ConsumerARN"`
	ConsumerCreationTimestamp awsproto.Time `json:"ConsumerCreationTimestamp"`
	ConsumerName              string        `json:"ConsumerName"`
	ConsumerStatus            string        `json:"ConsumerStatus"`
}

// ConsumerDescription is a consumer as DescribeStreamConsumer returns it.
type ConsumerDescription struct {
	ConsumerARN               string        `json:"ConsumerARN"`
	ConsumerCreationTimestamp awsproto.Time `json:"ConsumerCreationTimestamp"`
	ConsumerName              string        `json:"ConsumerName"`
	ConsumerStatus            string        `json:"ConsumerStatus"`
	StreamARN                 string        `json:"StreamARN"`
}

func (c *consumerMeta) wire(m *streamMeta, now time.Time) Consumer {
	return Consumer{
		ConsumerARN:               consumerARN(m, c),
		ConsumerCreationTimestamp: awsproto.NewTime(timeMs(c.CreatedMs)),
		ConsumerName:              c.Name,
		ConsumerStatus:            c.status(now),
	}
}

// consumerRef names a consumer: its stream, its name and, when it came from a ConsumerARN,
// its creation time in seconds (-1 when unknown), which tells apart consumers registered
// under one name at different times.
type consumerRef struct {
	stream      streamRef
	name        string
	createdSecs int64
}

// parseConsumerARN reads arn:aws:kinesis:<region>:<account>:stream/<s>/consumer/<name>:<secs>.
func parseConsumerARN(arn string) (consumerRef, error) {
	bad := awserr.Newf(awserr.InvalidArgument, "Invalid ConsumerARN %s.", arn)
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || !strings.HasPrefix(parts[1], "aws") || parts[2] != "kinesis" {
		return consumerRef{}, bad
	}
	rest, ok := strings.CutPrefix(parts[5], "stream/")
	colon := strings.LastIndexByte(rest, ':')
	if !ok || colon < 0 {
		return consumerRef{}, bad
	}
	secs, err := strconv.ParseInt(rest[colon+1:], 10, 64)
	stream, name, found := strings.Cut(rest[:colon], "/consumer/")
	if err != nil || !found || stream == "" || name == "" || strings.Contains(stream, "/") || strings.Contains(name, "/") {
		return consumerRef{}, bad
	}
	return consumerRef{stream: streamRef{Account: parts[4], Region: parts[3], Name: stream}, name: name, createdSecs: secs}, nil
}

// consumerOf resolves the consumer an operation names by ConsumerARN, or by StreamARN and
// ConsumerName (all three may be given if they agree).
func consumerOf(consumerARN, streamARN, name *string) (consumerRef, error) {
	if consumerARN != nil {
		c, err := parseConsumerARN(*consumerARN)
		if err != nil {
			return consumerRef{}, err
		}
		if streamARN != nil && *streamARN != streamARNOf(c.stream) || name != nil && *name != c.name {
			return consumerRef{}, awserr.Newf(awserr.InvalidArgument, "ConsumerARN %s does not refer to the consumer named by StreamARN and ConsumerName.", *consumerARN)
		}
		return c, nil
	}
	if streamARN == nil || name == nil {
		return consumerRef{}, awserr.New(awserr.InvalidArgument, "Either ConsumerARN or both ConsumerName and StreamARN must be provided.")
	}
	r, err := parseStreamARN(*streamARN)
	if err != nil {
		return consumerRef{}, err
	}
	return consumerRef{stream: r, name: *name, createdSecs: -1}, nil
}

func streamARNOf(r streamRef) string { return streamARN(r.Region, r.Account, r.Name) }

// find returns the consumer c names in m, or ResourceNotFound.
func (c consumerRef) find(m *streamMeta, now time.Time) (*consumerMeta, error) {
	cm := m.consumer(c.name, now)
	if cm == nil || (c.createdSecs >= 0 && cm.createdSecs() != c.createdSecs) {
		return nil, awserr.Newf(awserr.ResourceNotFound, "Consumer %s under stream %s under account %s not found.", c.name, m.Name, m.Account)
	}
	return cm, nil
}

// loadConsumer loads a consumer's stream and finds the consumer in it.
func (s *Service) loadConsumer(ctx context.Context, c consumerRef) (*streamMeta, *consumerMeta, error) {
	m, _, err := s.load(ctx, c.stream)
	if err != nil {
		return nil, nil, err
	}
	cm, err := c.find(m, s.now())
	if err != nil {
		return nil, nil, err
	}
	return m, cm, nil
}
