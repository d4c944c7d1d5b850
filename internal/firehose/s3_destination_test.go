package firehose

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestS3DestinationPartitionFailures: records whose partition keys are missing, or make the
// evaluated prefix longer than 512 characters, go to the error output; the others are
// delivered one object per partition.
func TestS3DestinationPartitionFailures(t *testing.T) {
	root := t.TempDir()
	on := true
	str := func(s string) *string { return &s }
	at := time.Date(2026, 11, 26, 8, 30, 15, 0, time.UTC)
	d := &s3Destination{
		objects: DirStore{Root: root},
		now:     func() time.Time { return at },
		dynamic: true,
		cfg: &ExtendedS3DestinationConfiguration{
			BucketARN: str("arn:aws:s3:::b"), Prefix: str("k=!{partitionKeyFromQuery:k}/"),
			ErrorOutputPrefix:                str("err/!{firehose:error-output-type}/"),
			DynamicPartitioningConfiguration: &DynamicPartitioningConfiguration{Enabled: &on},
		},
	}
	key := func(v string) map[string]string { return map[string]string{"partitionKeyFromQuery:k": v} }
	b := &Batch{Stream: StreamInfo{Name: "s", Version: "1"}, Records: []DeliveryRecord{
		{Data: []byte("a1,"), Arrival: at, Keys: key("a")},
		{Data: []byte("nokey"), Arrival: at},
		{Data: []byte("b1"), Arrival: at, Keys: key("b")},
		{Data: []byte("long"), Arrival: at, Keys: key(strings.Repeat("x", 600))},
		{Data: []byte("a2"), Arrival: at, Keys: key("a")},
	}}
	if err := d.Deliver(t.Context(), b); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	err := filepath.WalkDir(filepath.Join(root, "b"), func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(filepath.Join(root, "b"), p)
		got[strings.SplitN(filepath.ToSlash(rel), "/", 2)[0]] += string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got["k=a"] != "a1,a2" || got["k=b"] != "b1" || len(got) != 3 {
		t.Fatalf("objects by first key segment: %q", got)
	}
	var raw []string
	for _, line := range strings.Split(strings.TrimSpace(got["err"]), "\n") {
		var doc errorDoc
		if err := json.Unmarshal([]byte(line), &doc); err != nil {
			t.Fatal(err)
		}
		raw = append(raw, doc.RawData)
	}
	if strings.Join(raw, " ") != "bm9rZXk= bG9uZw==" { // nokey, long
		t.Errorf("error documents hold %v", raw)
	}
}
