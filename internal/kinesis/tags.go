package kinesis

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/freshet/freshet/internal/awserr"
)

// checkTags validates a tag map's size (1..200 entries), key lengths (1..128) and value
// lengths (0..256), as AWS's model does.
func checkTags(v *awserr.Validator, path string, tags map[string]string, present bool) {
	if !present {
		return
	}
	v.List(path, len(tags), true, false, 1, 200, renderMap(tags))
	for _, k := range sortedKeys(tags) {
		kk := k
		v.Str(path+".member.key", &kk, true, 1, 128, nil)
		vv := tags[k]
		v.Str(path+".member.value", &vv, false, 0, 256, nil)
	}
}

// checkTagChars rejects characters AWS does not allow in tag keys and values.
func checkTagChars(tags map[string]string) error {
	ok := func(s string) bool {
		for _, c := range s {
			if !unicode.IsLetter(c) && !unicode.IsDigit(c) && !unicode.IsSpace(c) && !strings.ContainsRune("_./=+-%@:", c) {
				return false
			}
		}
		return true
	}
	for k, val := range tags {
		if !ok(k) || !ok(val) {
			return awserr.New(awserr.InvalidArgument, "Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @.")
		}
	}
	return nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func renderMap(m map[string]string) string {
	parts := make([]string, 0, len(m))
	for _, k := range sortedKeys(m) {
		parts = append(parts, fmt.Sprintf("%s=%s", k, m[k]))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}
