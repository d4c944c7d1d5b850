package kinesis

import "testing"

// TestFastDecodeBlobEdges: Data text that the base64 decoder would half-accept (it skips
// raw newlines, which JSON forbids) or that needs unescaping is left to encoding/json; what
// the fast path accepts, encoding/json decodes the same (checkFastDecode).
func TestFastDecodeBlobEdges(t *testing.T) {
	for _, c := range []struct {
		data string
		fast bool
	}{
		{"QUJD", true},
		{"QQ==", true},
		{"QUI=", true},
		{"", true},
		{"QUJD\nQUJD", false},       // a raw newline: invalid JSON
		{"QU\rJDQUJD\n\n\n", false}, // raw carriage returns and newlines
		{"QUJD\\nQUJD", false},      // an escaped newline: encoding/json skips it after unescaping
		{"QUJ\\/", false},           // an escaped slash
		{"QQ==QUJD", false},         // padding in the middle
		{"QUJ", false},              // not a multiple of 4
		{"QUJD\x00", false},
		{"QUJDé", false},
	} {
		body := []byte(`{"StreamName":"s","Records":[{"Data":"` + c.data + `","PartitionKey":"k"}]}`)
		if got := checkFastDecode(t, body); got != c.fast {
			t.Errorf("%q: fast path took it: %v, want %v", c.data, got, c.fast)
		}
	}
}
