package kinesis

// Consumer tags: TagResource, UntagResource and ListTagsForResource on a consumer ARN, and
// RegisterStreamConsumer's Tags. They live with the consumer in its stream's metadata.

import (
	"context"
	"strings"

	"github.com/freshet/freshet/internal/awserr"
)

// consumerResource reads a ResourceARN that names a consumer.
func consumerResource(arn string) (consumerRef, bool) {
	if !strings.Contains(arn, "/consumer/") {
		return consumerRef{}, false
	}
	c, err := parseConsumerARN(arn)
	return c, err == nil
}

// tagConsumer adds or overwrites a consumer's tags (at most 50 in all).
func (s *Service) tagConsumer(ctx context.Context, c consumerRef, tags map[string]string) error {
	if err := checkTagChars(tags); err != nil {
		return err
	}
	return s.updateConsumer(ctx, c, func(m *streamMeta, cm *consumerMeta) error {
		n := len(cm.Tags)
		for k := range tags {
			if _, ok := cm.Tags[k]; !ok {
				n++
			}
		}
		if n > maxTags {
			return awserr.Newf(awserr.InvalidArgument, "Failed to add tags to consumer %s of stream %s under account %s because a given consumer cannot have more than %d tags associated with it.", cm.Name, m.Name, m.Account, maxTags)
		}
		if cm.Tags == nil {
			cm.Tags = make(map[string]string, len(tags))
		}
		for k, v := range tags {
			cm.Tags[k] = v
		}
		return nil
	})
}

// untagConsumer removes tags from a consumer; absent keys are ignored.
func (s *Service) untagConsumer(ctx context.Context, c consumerRef, keys []string) error {
	if err := checkTagKeyChars(keys); err != nil {
		return err
	}
	return s.updateConsumer(ctx, c, func(_ *streamMeta, cm *consumerMeta) error {
		for _, k := range keys {
			delete(cm.Tags, k)
		}
		return nil
	})
}

// consumerTags lists a consumer's tags sorted by key.
func (s *Service) consumerTags(ctx context.Context, c consumerRef) ([]Tag, error) {
	_, cm, err := s.loadConsumer(ctx, c)
	if err != nil {
		return nil, err
	}
	return tagList(cm.Tags, ""), nil
}

// updateConsumer applies fn to an existing consumer with compare-and-set.
func (s *Service) updateConsumer(ctx context.Context, c consumerRef, fn func(m *streamMeta, cm *consumerMeta) error) error {
	now := s.now()
	_, err := s.update(ctx, c.stream, func(m *streamMeta) error {
		cm, err := c.find(m, now)
		if err != nil {
			return err
		}
		return fn(m, cm)
	})
	return err
}
