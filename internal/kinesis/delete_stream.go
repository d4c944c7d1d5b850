package kinesis

// DeleteStream
//
// Behavior:
//   - Deletes a stream named by StreamName or StreamARN: it reads DELETING for
//     --state-delay (then is gone; with no delay it is gone when the call returns), and its
//     shard logs are deleted with their data. A name can be reused once the stream is gone;
//     the new stream never sees the old one's records (logs are named by the stream id).
//   - A CREATING or UPDATING stream can be deleted (AWS lets a CREATING stream be deleted);
//     deleting a stream that is already DELETING succeeds without changing anything.
//   - A deletion interrupted by a restart is completed the next time the stream is read.
//   - A stream with registered consumers (consumer.go) is refused with AWS's
//     ResourceInUseException text unless EnforceConsumerDeletion is true; then its consumers
//     go with it (their subscriptions end with ResourceNotFoundException).
//
// Differences from AWS:
//   - The "can’t delete" text is spelled with U+2019, as two of four copies of AWS's
//     message seen in the wild show it (the others show an ASCII apostrophe).
//   - Deleting an already DELETING stream succeeding is Freshet's choice (not verified).

import (
	"context"
	"errors"

	"github.com/freshet/freshet/internal/awserr"
)

// errUnchanged aborts an update whose request needs no change; the operation succeeds.
var errUnchanged = errors.New("no change needed")

type DeleteStreamInput struct {
	EnforceConsumerDeletion *bool   `json:"EnforceConsumerDeletion,omitempty"`
	StreamARN               *string `json:"StreamARN,omitempty"`
	StreamName              *string `json:"StreamName,omitempty"`
}

type DeleteStreamOutput struct{}

func (s *Service) DeleteStream(ctx context.Context, in *DeleteStreamInput) (*DeleteStreamOutput, error) {
	var v awserr.Validator
	r, err := streamOf(ctx, &v, in.StreamName, in.StreamARN)
	if err != nil {
		return nil, err
	}
	now := s.now()
	deleting := false
	if _, err := s.update(ctx, r, func(m *streamMeta) error {
		if deleting = m.Status == statusDeleting; deleting {
			return errUnchanged
		}
		if len(m.liveConsumers(now)) > 0 && (in.EnforceConsumerDeletion == nil || !*in.EnforceConsumerDeletion) {
			return awserr.Newf(awserr.ResourceInUse, "DeleteStream can’t delete %s:%s because there are consumers associated with this data stream. To delete %s anyway, set the EnforceConsumerDeletion parameter to true to force the deletion of all the consumers that are associated with it.", m.Account, m.Name, m.Name)
		}
		m.Status, m.StatusUntil = statusDeleting, now.Add(s.opts.StateDelay).UnixMilli()
		return nil
	}); err != nil && !errors.Is(err, errUnchanged) {
		return nil, err
	}
	if deleting {
		return &DeleteStreamOutput{}, nil
	}
	// Reading a stream whose deletion time has passed completes the deletion.
	finish := func(ctx context.Context) {
		if _, _, err := s.load(ctx, r); err != nil && !awserr.IsCode(err, awserr.ResourceNotFound) {
			s.log.Warn("finish stream deletion", "stream", r.Name, "err", err)
		}
	}
	if s.opts.StateDelay > 0 {
		s.after(s.opts.StateDelay, finish)
	} else {
		finish(ctx)
	}
	return &DeleteStreamOutput{}, nil
}
