package kinesis

import (
	"testing"

	"github.com/freshet/freshet/internal/auth"
	"github.com/freshet/freshet/internal/awserr"
	"github.com/freshet/freshet/internal/store"
)

func TestUpdateStreamModeOnDemandLimit(t *testing.T) {
	st, err := store.Open(t.Context(), store.Options{Memory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	s, err := New(t.Context(), Options{Store: st, OnDemandStreamLimit: 1, AutoscaleInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	ctx := auth.WithScope(t.Context(), auth.Scope{Account: "000000000000", Region: "us-east-1"})
	create := func(name, mode string) {
		t.Helper()
		if _, err := s.CreateStream(ctx, &CreateStreamInput{StreamName: &name, StreamModeDetails: &StreamModeDetails{StreamMode: &mode}}); err != nil {
			t.Fatal(err)
		}
	}
	setMode := func(name, mode string) error {
		arn := streamARN("us-east-1", "000000000000", name)
		_, err := s.UpdateStreamMode(ctx, &UpdateStreamModeInput{StreamARN: &arn, StreamModeDetails: &StreamModeDetails{StreamMode: &mode}})
		return err
	}
	create("a", modeOnDemand)
	create("b", modeProvisioned)
	err = setMode("b", modeOnDemand)
	want := "This request would exceed the on-demand stream count limit for the account 000000000000 in us-east-1. Current on-demand stream count for the account: 1. Limit: 1."
	if e, ok := awserr.As(err); !ok || e.Code != awserr.LimitExceeded || e.Message != want {
		t.Fatalf("got %v, want LimitExceededException: %s", err, want)
	}
	// Asking an on-demand stream for ON_DEMAND again is not a new on-demand stream.
	if err := setMode("a", modeOnDemand); err != nil {
		t.Fatalf("same mode at the limit: %v", err)
	}
	if err := setMode("a", modeProvisioned); err != nil {
		t.Fatal(err)
	}
	if err := setMode("b", modeOnDemand); err != nil {
		t.Fatalf("after freeing the on-demand slot: %v", err)
	}
}
