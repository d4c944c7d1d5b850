package kinesis

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/freshet/freshet/internal/awserr"
)

// Tag limits from AWS's model and documentation.
const (
	tagKeyMax   = 128
	tagValueMax = 256
	tagListMax  = 50 // TagKeyList, ListTagsForStream Limit
)

// checkTags validates a tag map's size (1..200 entries), key lengths (1..128) and value
// lengths (0..256), rendered as AWS's validator renders map constraints.
func checkTags(v *awserr.Validator, path string, tags map[string]string, present bool) {
	if !present {
		return
	}
	rendered := renderMap(tags)
	v.List(path, len(tags), true, false, 1, 200, rendered)
	badKey, badValue := false, false
	for k, val := range tags {
		if n := utf8.RuneCountInString(k); n < 1 || n > tagKeyMax {
			badKey = true
		}
		if utf8.RuneCountInString(val) > tagValueMax {
			badValue = true
		}
	}
	if badKey {
		v.Constraint(rendered, path, "Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]")
	}
	if badValue {
		v.Constraint(rendered, path, "Map value must satisfy constraint: [Member must have length less than or equal to 256, Member must have length greater than or equal to 0]")
	}
}

// checkTagKeys validates a required TagKeyList (1..50 keys of 1..128 characters).
func checkTagKeys(v *awserr.Validator, path string, keys []string) {
	if keys == nil {
		v.Null(path)
		return
	}
	rendered := "[" + joinCapped(keys) + "]"
	v.List(path, len(keys), true, true, 1, tagListMax, rendered)
	for _, k := range keys {
		if n := utf8.RuneCountInString(k); n < 1 || n > tagKeyMax {
			v.Constraint(rendered, path, "Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]")
			return
		}
	}
}

// tagCharsOK reports whether s holds only characters AWS allows in tags: Unicode letters
// and digits, the space, and _ . / = + - % @ :. Tabs and newlines are not allowed.
func tagCharsOK(s string) bool {
	for _, c := range s {
		if !unicode.IsLetter(c) && !unicode.IsDigit(c) && !strings.ContainsRune(" _./=+-%@:", c) {
			return false
		}
	}
	return true
}

var errTagChars = awserr.New(awserr.InvalidArgument, "Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @ :.")

// checkTagChars rejects characters AWS does not allow in tag keys and values.
func checkTagChars(tags map[string]string) error {
	for k, val := range tags {
		if !tagCharsOK(k) || !tagCharsOK(val) {
			return errTagChars
		}
	}
	return nil
}

// checkTagKeyChars is checkTagChars for a list of keys.
func checkTagKeyChars(keys []string) error {
	for _, k := range keys {
		if !tagCharsOK(k) {
			return errTagChars
		}
	}
	return nil
}

// checkTagPercent rejects '%', which passes the character check above but which AWS then
// refuses with a second message; action is "add tags to" or "remove tags from".
func checkTagPercent(action string, r streamRef, texts ...string) error {
	for _, t := range texts {
		if strings.Contains(t, "%") {
			return awserr.Newf(awserr.InvalidArgument, "Failed to %s stream %s under account %s because some tags contained illegal characters. The allowed characters are Unicode letters, white-spaces, '_',',','/','=','+','-','@',':'.", action, r.Name, r.Account)
		}
	}
	return nil
}

// tooManyTags is AWS's answer when a stream would end up with more than maxTags tags.
func tooManyTags(r streamRef) error {
	return awserr.Newf(awserr.InvalidArgument, "Failed to add tags to stream %s under account %s because a given stream cannot have more than %d tags associated with it.", r.Name, r.Account, maxTags)
}

// mergeTags adds tags to m, failing if the stream would hold more than maxTags.
func mergeTags(m *streamMeta, r streamRef, tags map[string]string) error {
	n := len(m.Tags)
	for k := range tags {
		if _, ok := m.Tags[k]; !ok {
			n++
		}
	}
	if n > maxTags {
		return tooManyTags(r)
	}
	if m.Tags == nil {
		m.Tags = make(map[string]string, len(tags))
	}
	for k, val := range tags {
		m.Tags[k] = val
	}
	return nil
}

// Tag is one key-value pair as ListTagsForStream and ListTagsForResource return it.
type Tag struct {
	Key   string  `json:"Key"`
	Value *string `json:"Value,omitempty"`
}

// tagList returns tags sorted by key, starting after the key after (all when empty).
func tagList(tags map[string]string, after string) []Tag {
	out := []Tag{}
	for _, k := range sortedKeys(tags) {
		if after != "" && k <= after {
			continue
		}
		val := tags[k]
		out = append(out, Tag{Key: k, Value: &val})
	}
	return out
}

// tagTexts lists every key and value of tags, for the '%' check.
func tagTexts(tags map[string]string) []string {
	out := make([]string, 0, 2*len(tags))
	for k, val := range tags {
		out = append(out, k, val)
	}
	return out
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
	keys := sortedKeys(m)
	parts := make([]string, 0, min(len(keys), maxRenderedRecords+1))
	for _, k := range keys[:min(len(keys), maxRenderedRecords)] {
		parts = append(parts, fmt.Sprintf("%s=%s", k, m[k]))
	}
	if len(keys) > maxRenderedRecords {
		parts = append(parts, "...")
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// joinCapped joins a list as AWS renders it in a ValidationException, but only its first
// maxRenderedRecords members and then "...": a 16 MiB body of millions of tag keys must not
// become a message of tens of MiB (AWS prints every member).
func joinCapped(items []string) string {
	if len(items) <= maxRenderedRecords {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:maxRenderedRecords], ", ") + ", ..."
}
