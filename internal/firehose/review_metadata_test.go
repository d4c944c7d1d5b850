package firehose

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestReviewMetadataQueryThatNeverEnds: a MetadataExtractionQuery that runs forever (a
// client's choice at CreateDeliveryStream) fails its record, to the error output, instead of
// holding the delivery loop (and a core) for good.
func TestReviewMetadataQueryThatNeverEnds(t *testing.T) {
	st, err := newMetadataExtraction(StreamInfo{}, proc(procMetadata, "MetadataExtractionQuery", "def f: f; {k: f}", "JsonParsingEngine", "JQ-1.6"))
	if err != nil {
		t.Fatal(err)
	}
	b := &Batch{Records: []DeliveryRecord{{ID: "1", Data: []byte(`{}`)}}}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- st.Process(ctx, b) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(60 * time.Second):
		cancel()
		<-done
		t.Fatal("the query still ran after a minute")
	}
	if len(b.Records) != 0 || len(b.Failed) != 1 || b.Failed[0].ErrorCode != metadataFailed || !strings.Contains(b.Failed[0].ErrorMessage, "MetadataExtractionQuery") {
		t.Errorf("records %d, failed %+v", len(b.Records), b.Failed)
	}
}
