package firehose

// S3 object keys as AWS builds them: <evaluated prefix><stream>-<version>-<YYYY-MM-DD-HH-MM-SS>-<uuid><extension>.
//
// A prefix may hold expressions !{namespace:value}:
//   - timestamp:<Java DateTimeFormatter pattern>: the approximate arrival time of the
//     oldest record in the object, in UTC or CustomTimeZone; every instance in one prefix
//     is the same instant.
//   - firehose:random-string: 11 random characters, new at each occurrence.
//   - firehose:error-output-type: why the records failed (ErrorOutputPrefix only).
//   - partitionKeyFromQuery:<key>, partitionKeyFromLambda:<key>: dynamic partitioning keys.
//
// A prefix with no timestamp expression gets !{timestamp:yyyy/MM/dd/HH/} appended (nothing
// in between: "logs" gives "logs2026/11/26/08/"), except with dynamic partitioning.

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // CustomTimeZone names work without the system's zone database

	"github.com/google/uuid"

	"github.com/freshet/freshet/internal/awserr"
)

const (
	nsTimestamp  = "timestamp"
	nsFirehose   = "firehose"
	nsFromQuery  = "partitionKeyFromQuery"
	nsFromLambda = "partitionKeyFromLambda"

	randomString    = "random-string"
	errorOutputType = "error-output-type"

	defaultTimePrefix = "yyyy/MM/dd/HH/"
)

// Error output types (the !{firehose:error-output-type} values).
const (
	ErrProcessingFailed   = "processing-failed"
	ErrHTTPEndpointFailed = "http-endpoint-failed"
)

// prefixPart is a literal (ns == "") or an expression of a parsed prefix.
type prefixPart struct {
	ns, value string
}

type prefix []prefixPart

// parsePrefix splits a prefix into literals and expressions. "!{" outside a well-formed
// expression, an unknown namespace or value, or a bad timestamp pattern is an error.
func parsePrefix(p string) (prefix, error) {
	var out prefix
	for p != "" {
		i := strings.Index(p, "!{")
		if i < 0 {
			out = append(out, prefixPart{value: p})
			break
		}
		if i > 0 {
			out = append(out, prefixPart{value: p[:i]})
		}
		end := strings.IndexByte(p[i:], '}')
		if end < 0 {
			return nil, fmt.Errorf("unterminated expression in %q", p)
		}
		expr := p[i+2 : i+end]
		p = p[i+end+1:]
		ns, val, ok := strings.Cut(expr, ":")
		if !ok || val == "" {
			return nil, fmt.Errorf("expression !{%s} has no namespace:value form", expr)
		}
		switch ns {
		case nsTimestamp:
			if _, err := javaTime(val, time.Unix(0, 0).UTC()); err != nil {
				return nil, err
			}
		case nsFirehose:
			if val != randomString && val != errorOutputType {
				return nil, fmt.Errorf("unknown firehose expression !{%s}", expr)
			}
		case nsFromQuery, nsFromLambda:
		default:
			return nil, fmt.Errorf("unknown namespace in !{%s}", expr)
		}
		out = append(out, prefixPart{ns: ns, value: val})
	}
	return out, nil
}

func (p prefix) has(ns, value string) bool {
	for _, x := range p {
		if x.ns == ns && (value == "" || x.value == value) {
			return true
		}
	}
	return false
}

func (p prefix) hasExpressions() bool {
	for _, x := range p {
		if x.ns != "" {
			return true
		}
	}
	return false
}

// keyContext is what a prefix evaluates against.
type keyContext struct {
	time      time.Time // oldest arrival, already in the configured zone
	errorType string
	keys      map[string]string // dynamic partitioning keys by "namespace:name"
}

// eval renders the prefix. A missing partition key is an error (the records go to the
// error output instead).
func (p prefix) eval(c keyContext) (string, error) {
	var b strings.Builder
	for _, x := range p {
		switch x.ns {
		case "":
			b.WriteString(x.value)
		case nsTimestamp:
			s, err := javaTime(x.value, c.time)
			if err != nil {
				return "", err
			}
			b.WriteString(s)
		case nsFirehose:
			if x.value == randomString {
				b.WriteString(newRandomString())
			} else {
				b.WriteString(c.errorType)
			}
		default:
			v, ok := c.keys[x.ns+":"+x.value]
			if !ok {
				return "", fmt.Errorf("no value for !{%s:%s}", x.ns, x.value)
			}
			b.WriteString(v)
		}
	}
	return b.String(), nil
}

// withDefaultTime appends the default time prefix to one that has no timestamp expression.
func (p prefix) withDefaultTime() prefix {
	if p.has(nsTimestamp, "") {
		return p
	}
	return append(p[:len(p):len(p)], prefixPart{ns: nsTimestamp, value: defaultTimePrefix})
}

// checkPrefixes applies AWS's rules for a destination's Prefix and ErrorOutputPrefix.
func checkPrefixes(prefixText, errorText string, dynamic bool) error {
	bad := func(format string, args ...any) error {
		return awserr.Newf(awserr.InvalidArgument, "Ths supplied prefix(es) do not satisfy the following constraint: "+format, args...)
	}
	p, err := parsePrefix(prefixText)
	if err != nil {
		return bad("Prefix is invalid: %v", err)
	}
	e, err := parsePrefix(errorText)
	if err != nil {
		return bad("ErrorOutputPrefix is invalid: %v", err)
	}
	if p.has(nsFirehose, errorOutputType) {
		return bad("Prefix cannot contain !{firehose:error-output-type}")
	}
	if p.hasExpressions() && errorText == "" {
		return bad("ErrorOutputPrefix cannot be null or empty when Prefix contains expressions")
	}
	if e.hasExpressions() && !e.has(nsFirehose, errorOutputType) {
		return bad("ErrorOutputPrefix must contain !{firehose:error-output-type} when it contains expressions")
	}
	if e.has(nsFromQuery, "") || e.has(nsFromLambda, "") {
		return bad("ErrorOutputPrefix cannot contain partitionKeyFromQuery or partitionKeyFromLambda expressions")
	}
	if !dynamic && (p.has(nsFromQuery, "") || p.has(nsFromLambda, "")) {
		return awserr.New(awserr.InvalidArgument, "Prefix contains partitionKeyFromQuery or partitionKeyFromLambda expressions, but dynamic partitioning is not enabled.")
	}
	return nil
}

// objectName is the suffix AWS gives every object: <stream>-<version>-<YYYY-MM-DD-HH-MM-SS>-<uuid>.
func objectName(stream, version string, t time.Time) string {
	return stream + "-" + version + "-" + t.Format("2006-01-02-15-04-05") + "-" + uuid.NewString()
}

// newRandomString is !{firehose:random-string}: 11 characters such as 046b6c7f-0b.
func newRandomString() string {
	var b [5]byte
	rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:]
}

// javaTime formats t with a java.time.format.DateTimeFormatter pattern. Letters: y u
// (year), M L (month: 1-2 digits, 3 short name, 4 full name), d, D (day of year), H, k,
// h, K, m, s, S (fraction), a (AM/PM), E (day name: 1-3 short, 4 full), e c (day of week
// number), w (week of year), Z X x (offset), z (zone name); text in single quotes is
// literal (” is a quote); any other non-letter is copied. Other letters are an error.
func javaTime(pattern string, t time.Time) (string, error) {
	var b strings.Builder
	for i := 0; i < len(pattern); {
		c := pattern[i]
		if c == '\'' {
			j := i + 1
			for j < len(pattern) {
				if pattern[j] == '\'' {
					if j+1 < len(pattern) && pattern[j+1] == '\'' {
						b.WriteByte('\'')
						j += 2
						continue
					}
					break
				}
				b.WriteByte(pattern[j])
				j++
			}
			if j >= len(pattern) {
				return "", fmt.Errorf("unterminated quote in timestamp pattern %q", pattern)
			}
			if j == i+1 {
				b.WriteByte('\'') // '' outside quotes
			}
			i = j + 1
			continue
		}
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			b.WriteByte(c)
			i++
			continue
		}
		n := 1
		for i+n < len(pattern) && pattern[i+n] == c {
			n++
		}
		i += n
		switch c {
		case 'y', 'u':
			if n == 2 {
				b.WriteString(pad(t.Year()%100, 2))
			} else {
				b.WriteString(pad(t.Year(), n))
			}
		case 'M', 'L':
			switch {
			case n >= 4:
				b.WriteString(t.Month().String())
			case n == 3:
				b.WriteString(t.Month().String()[:3])
			default:
				b.WriteString(pad(int(t.Month()), n))
			}
		case 'd':
			b.WriteString(pad(t.Day(), n))
		case 'D':
			b.WriteString(pad(t.YearDay(), n))
		case 'H':
			b.WriteString(pad(t.Hour(), n))
		case 'k':
			h := t.Hour()
			if h == 0 {
				h = 24
			}
			b.WriteString(pad(h, n))
		case 'h':
			h := t.Hour() % 12
			if h == 0 {
				h = 12
			}
			b.WriteString(pad(h, n))
		case 'K':
			b.WriteString(pad(t.Hour()%12, n))
		case 'm':
			b.WriteString(pad(t.Minute(), n))
		case 's':
			b.WriteString(pad(t.Second(), n))
		case 'S':
			frac := fmt.Sprintf("%09d", t.Nanosecond())
			for len(frac) < n {
				frac += "0"
			}
			b.WriteString(frac[:n])
		case 'a':
			if t.Hour() < 12 {
				b.WriteString("AM")
			} else {
				b.WriteString("PM")
			}
		case 'E':
			if n >= 4 {
				b.WriteString(t.Weekday().String())
			} else {
				b.WriteString(t.Weekday().String()[:3])
			}
		case 'e', 'c':
			b.WriteString(pad(int(t.Weekday())+1, n)) // Sunday is 1, as in the US locale
		case 'w':
			_, w := t.ISOWeek()
			b.WriteString(pad(w, n))
		case 'Z':
			b.WriteString(t.Format("-0700"))
		case 'X', 'x':
			if _, off := t.Zone(); off == 0 && c == 'X' {
				b.WriteString("Z")
			} else if n == 1 {
				b.WriteString(t.Format("-07"))
			} else if n == 2 {
				b.WriteString(t.Format("-0700"))
			} else {
				b.WriteString(t.Format("-07:00"))
			}
		case 'z':
			name, _ := t.Zone()
			b.WriteString(name)
		default:
			return "", fmt.Errorf("unsupported letter %q in timestamp pattern %q", c, pattern)
		}
	}
	return b.String(), nil
}

func pad(v, n int) string {
	s := strconv.Itoa(v)
	for len(s) < n {
		s = "0" + s
	}
	return s
}
