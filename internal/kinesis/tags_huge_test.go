package kinesis

import (
	"strconv"
	"strings"
	"testing"

	"github.com/freshet/freshet/internal/awserr"
)

// TestTagsHugeListMessage: a list of many tag keys, or a map of many tags (a 16 MiB body
// holds millions), gives a ValidationException that shows the first 1000 and "...", not
// every one; small lists are rendered whole.
func TestTagsHugeListMessage(t *testing.T) {
	keys := make([]string, 100_000)
	tags := make(map[string]string, 20_000)
	for i := range 20_000 {
		tags["k"+strconv.Itoa(i)] = ""
	}
	var v awserr.Validator
	checkTagKeys(&v, "tagKeys", keys)
	checkTags(&v, "tags", tags, true)
	msg := v.Err().Error()
	if len(msg) > 100<<10 || !strings.Contains(msg, "Value '[, , ") || !strings.Contains(msg, ", ...]' at 'tagKeys'") ||
		!strings.Contains(msg, "Value '{k0=, k1=, k10=, ") || !strings.Contains(msg, ", ...}' at 'tags'") {
		t.Fatalf("message of %d bytes: %.300s … %.300s", len(msg), msg, msg[max(0, len(msg)-300):])
	}
	v = awserr.Validator{}
	checkTagKeys(&v, "tagKeys", make([]string, 51))
	checkTags(&v, "tags", map[string]string{"": "1", "b": ""}, true)
	got := v.Err().Error()
	for _, want := range []string{
		"Value '[" + strings.Repeat(", ", 50) + "]' at 'tagKeys' failed to satisfy constraint: Member must have length less than or equal to 50",
		"Value '{=1, b=}' at 'tags' failed to satisfy constraint: Map keys must",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("small lists: %s\nwant it to contain %s", got, want)
		}
	}
}
