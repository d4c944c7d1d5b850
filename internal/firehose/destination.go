package firehose

import (
	"context"
	"fmt"
	"time"
)

// Destination receives a delivery stream's buffers once they are full or old enough, after
// processing. Deliver returns nil once everything in b is stored (records, failed records,
// backup); an error makes the delivery loop retry the same batch after a back-off, so a
// destination must tolerate seeing a batch again (delivery is at-least-once).
type Destination interface {
	Deliver(ctx context.Context, b *Batch) error
}

// StreamInfo identifies the delivery stream a batch belongs to.
type StreamInfo struct {
	Name, ARN, Account, Region string
	// Version is the VersionId of the configuration the batch is delivered with.
	Version string
	// SourceKinesisStreamARN is the Kinesis stream a KinesisStreamAsSource stream reads.
	SourceKinesisStreamARN string
}

// Batch is one buffer on its way to the destination.
type Batch struct {
	Stream StreamInfo
	// Source holds the records as they arrived, before processing (for source backup).
	Source []DeliveryRecord
	// Records are the records to deliver; processing stages rewrite them.
	Records []DeliveryRecord
	// Failed are the records processing gave up on.
	Failed []FailedRecord
}

// destination returns the Destination a delivery stream is configured with.
func (s *Service) destination(m *streamMeta) (Destination, error) {
	if m.HTTP != nil {
		return &httpDestination{cfg: m.HTTP, client: s.opts.HTTP, now: s.now, retryMin: s.opts.RetryMin, retryMax: s.opts.RetryMax,
			backup: &s3Destination{objects: s.opts.Objects, cfg: m.S3, now: s.now}}, nil
	}
	if m.S3 != nil {
		return &s3Destination{objects: s.opts.Objects, cfg: m.S3, now: s.now, dynamic: dynamicPartitioning(m.S3)}, nil
	}
	return nil, fmt.Errorf("delivery stream %s has no destination Freshet can deliver to", m.Name)
}

// buffering returns a delivery stream's buffering hints: flush at size bytes or once the
// oldest buffered record is interval old, whichever comes first.
func buffering(m *streamMeta) (size int, interval time.Duration) {
	size, interval = 5<<20, 300*time.Second // AWS's defaults
	var h *BufferingHints
	if m.HTTP != nil {
		h = m.HTTP.BufferingHints
	} else if m.S3 != nil {
		h = m.S3.BufferingHints
	}
	if h != nil {
		if h.SizeInMBs != nil {
			size = int(*h.SizeInMBs) << 20
		}
		if h.IntervalInSeconds != nil {
			interval = time.Duration(*h.IntervalInSeconds) * time.Second
		}
	}
	return size, interval
}

func (m *streamMeta) info() StreamInfo {
	i := StreamInfo{Name: m.Name, ARN: m.arn(), Account: m.Account, Region: m.Region, Version: m.versionID()}
	if m.KinesisSource != nil {
		i.SourceKinesisStreamARN = deref0(m.KinesisSource.KinesisStreamARN)
	}
	return i
}
