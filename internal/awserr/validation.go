package awserr

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxValidationErrors is how many constraint violations AWS lists in one message.
const maxValidationErrors = 10

// NoMin and NoMax mark a missing numeric bound in Validator.Int.
const (
	NoMin = math.MinInt64
	NoMax = math.MaxInt64
)

// Pattern is a regular expression as AWS's model spells it; it must match the whole value.
type Pattern struct {
	text string
	re   *regexp.Regexp
}

// NewPattern compiles a model pattern. The text is quoted in messages as given.
func NewPattern(text string) *Pattern {
	anchored := strings.TrimSuffix(strings.TrimPrefix(text, "^"), "$")
	return &Pattern{text: anchored, re: regexp.MustCompile(`^(?:` + anchored + `)$`)}
}

// Match reports whether s matches the whole pattern.
func (p *Pattern) Match(s string) bool { return p.re.MatchString(s) }

// Validator collects constraint violations in the order they are checked and renders them
// the way AWS's (Coral) ValidationException does:
//
//	2 validation errors detected: Value null at 'streamName' failed to satisfy constraint: Member must not be null; …
//
// Callers check members in the model's order (alphabetical for Kinesis), and for each member:
// not-null, then pattern, then minimum length, then maximum length (or range, or enum).
type Validator struct {
	errs []string
}

func (v *Validator) add(value, path, constraint string) {
	if len(v.errs) >= maxValidationErrors {
		return
	}
	v.errs = append(v.errs, fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: %s", value, path, constraint))
}

func quote(s string) string { return "'" + s + "'" }

// Constraint records a violation whose constraint text the caller builds, such as the
// "Member must satisfy constraint: [...]" AWS reports for list members and map keys.
func (v *Validator) Constraint(value, path, constraint string) {
	v.add(quote(value), path, constraint)
}

// Null records a required member that is absent.
func (v *Validator) Null(path string) { v.add("null", path, "Member must not be null") }

// Str checks a string member. min and max count Unicode characters; 0 means no bound.
func (v *Validator) Str(path string, s *string, required bool, min, max int, pat *Pattern) {
	if s == nil {
		if required {
			v.Null(path)
		}
		return
	}
	if pat != nil && !pat.Match(*s) {
		v.add(quote(*s), path, "Member must satisfy regular expression pattern: "+pat.text)
	}
	n := utf8.RuneCountInString(*s)
	if min > 0 && n < min {
		v.add(quote(*s), path, "Member must have length greater than or equal to "+strconv.Itoa(min))
	}
	if max > 0 && n > max {
		v.add(quote(*s), path, "Member must have length less than or equal to "+strconv.Itoa(max))
	}
}

// Enum checks a string member against its allowed values.
func (v *Validator) Enum(path string, s *string, required bool, values []string) {
	if s == nil {
		if required {
			v.Null(path)
		}
		return
	}
	for _, x := range values {
		if x == *s {
			return
		}
	}
	v.add(quote(*s), path, "Member must satisfy enum value set: ["+strings.Join(values, ", ")+"]")
}

// Int checks an integer member against an inclusive range (NoMin, NoMax for none).
func (v *Validator) Int(path string, n *int64, required bool, min, max int64) {
	if n == nil {
		if required {
			v.Null(path)
		}
		return
	}
	if min != NoMin && *n < min {
		v.add(quote(strconv.FormatInt(*n, 10)), path, "Member must have value greater than or equal to "+strconv.FormatInt(min, 10))
	}
	if max != NoMax && *n > max {
		v.add(quote(strconv.FormatInt(*n, 10)), path, "Member must have value less than or equal to "+strconv.FormatInt(max, 10))
	}
}

// Blob checks a binary member's length (0 means no bound).
func (v *Validator) Blob(path string, b []byte, required bool, min, max int) {
	if b == nil {
		if required {
			v.Null(path)
		}
		return
	}
	val := quote(fmt.Sprintf("java.nio.HeapByteBuffer[pos=0 lim=%d cap=%d]", len(b), len(b)))
	if min > 0 && len(b) < min {
		v.add(val, path, "Member must have length greater than or equal to "+strconv.Itoa(min))
	}
	if max > 0 && len(b) > max {
		v.add(val, path, "Member must have length less than or equal to "+strconv.Itoa(max))
	}
}

// List checks the number of entries of a list member (0 means no bound); rendered is the
// value as AWS prints it, e.g. "[a, b]".
func (v *Validator) List(path string, n int, present, required bool, min, max int, rendered string) {
	if !present {
		if required {
			v.Null(path)
		}
		return
	}
	if min > 0 && n < min {
		v.add(quote(rendered), path, "Member must have length greater than or equal to "+strconv.Itoa(min))
	}
	if max > 0 && n > max {
		v.add(quote(rendered), path, "Member must have length less than or equal to "+strconv.Itoa(max))
	}
}

// Full reports whether as many violations are collected as a message lists: later checks
// can add nothing, so a caller looping over millions of list members may stop.
func (v *Validator) Full() bool { return len(v.errs) >= maxValidationErrors }

// Err returns the ValidationException for what was collected, or nil.
func (v *Validator) Err() error {
	if len(v.errs) == 0 {
		return nil
	}
	s := "s"
	if len(v.errs) == 1 {
		s = ""
	}
	return &Error{Code: Validation, Message: fmt.Sprintf("%d validation error%s detected: %s", len(v.errs), s, strings.Join(v.errs, "; "))}
}
