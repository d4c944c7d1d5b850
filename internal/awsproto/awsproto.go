// Package awsproto holds the AWS wire codecs shared by the services: request decoding and
// response encoding for awsJson1_1 and CBOR 1.1 (cbor.go) behind one Codec, timestamps,
// the AWS error body, and event-stream framing (eventstream.go).
package awsproto

import (
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/freshet/freshet/internal/awserr"
)

// Codec decodes requests and encodes responses in one content type.
type Codec interface {
	ContentType() string
	// Decode fills v from a request body; malformed input is a SerializationException.
	Decode(body []byte, v any) error
	// Encode renders a response value.
	Encode(v any) ([]byte, error)
	// EncodeError renders an error body.
	EncodeError(e *awserr.Error) []byte
}

// JSON is the awsJson1_1 codec.
var JSON Codec = jsonCodec{}

type jsonCodec struct{}

func (jsonCodec) ContentType() string { return "application/x-amz-json-1.1" }

func (jsonCodec) Encode(v any) ([]byte, error) {
	if f, ok := v.(FastEncoder); ok {
		return f.AppendJSON(nil)
	}
	return json.Marshal(v)
}

// FastEncoder is a hot-path answer (GetRecords) that renders its own JSON, byte for byte what
// encoding/json would write for it, without reflection. (A json.Marshaler would not do:
// encoding/json re-scans a marshaler's output, which costs more than reflection saves.)
type FastEncoder interface {
	AppendJSON(dst []byte) ([]byte, error)
}

func (jsonCodec) EncodeError(e *awserr.Error) []byte {
	b, _ := json.Marshal(errorBody(e))
	return b
}

// errorBody is an error answer's members, whatever the codec: __type, and the text as
// "message", or "Message" for a SerializationException, as AWS sends it.
func errorBody(e *awserr.Error) map[string]string {
	key := "message"
	if e.Code == awserr.Serialization {
		key = "Message"
	}
	m := map[string]string{"__type": e.Code}
	if e.Message != "" {
		m[key] = e.Message
	}
	return m
}

func (jsonCodec) Decode(body []byte, v any) error {
	// AWS answers a body that is not a JSON object with a bare SerializationException; a
	// list is worded like a list anywhere else a structure is expected.
	switch first := FirstByte(body); {
	case first == '[' && json.Valid(body):
		return awserr.New(awserr.Serialization, "Start of list found where not expected")
	case first != '{':
		return syntaxError()
	}
	if !utf8.Valid(body) {
		// AWS's JSON parser (Jackson) stops at an invalid UTF-8 byte with a parse error, a
		// bare SerializationException; encoding/json would turn each one into U+FFFD, so
		// a partition key would silently become another key (another shard).
		return syntaxError()
	}
	if f, ok := v.(FastDecoder); ok {
		if f.DecodeJSONFast(body) {
			return nil
		}
	} else if tooManyElements(body) {
		// As in CBOR (cborMaxElements): a 16 MiB body of millions of tiny list entries
		// would become millions of structs, about 60 times the body in memory.
		return awserr.Newf(awserr.Serialization, "A JSON list or object in the request body has more than %d entries.", cborMaxElements)
	}
	err := json.Unmarshal(body, v)
	if err == nil {
		return nil
	}
	return decodeError(body, v, err)
}

// tooManyElements reports whether a list or an object in body has more than cborMaxElements
// entries, counting the commas at each level outside strings. PutRecords, whose decoder
// keeps only what its ValidationException needs of a long list, does not come here.
func tooManyElements(body []byte) bool {
	const maxJSONDepth = 10000 // encoding/json's own nesting limit
	if len(body) < 2*cborMaxElements {
		return false // not enough bytes for that many separators
	}
	var commas []int // per open list or object
	inString, escaped := false, false
	for _, c := range body {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			if len(commas) == maxJSONDepth {
				return false // encoding/json refuses it
			}
			commas = append(commas, 0)
		case (c == ']' || c == '}') && len(commas) > 0:
			commas = commas[:len(commas)-1]
		case c == ',' && len(commas) > 0:
			commas[len(commas)-1]++
			if commas[len(commas)-1] >= cborMaxElements {
				return true
			}
		}
	}
	return false
}

// FastDecoder is a hot-path input (PutRecords) that decodes the JSON shape the SDKs send
// without reflection. DecodeJSONFast fills the value and reports true only when
// encoding/json would have decoded the body to the same value; otherwise it leaves the value
// untouched and Decode falls back to encoding/json, which defines results and errors.
type FastDecoder interface {
	DecodeJSONFast(body []byte) bool
}

// FirstByte is the first byte of a body that is not JSON whitespace (0: none), which tells
// an object from a list, a scalar or nothing.
func FirstByte(b []byte) byte {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		}
		return c
	}
	return 0
}

func javaType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "String"
	case reflect.Bool:
		return "Boolean"
	case reflect.Float32, reflect.Float64:
		return "Double"
	}
	return "Integer" // every integer member of the Kinesis model is an Integer
}

// Time is an AWS timestamp. On the JSON wire it is epoch seconds, with milliseconds as a
// fraction (1506440188.749); on the CBOR wire, tag 1 wrapping integer milliseconds
// (MarshalCBOR). A value that can only be milliseconds (above 1e11, which as
// seconds would be past the year 5000) is read as milliseconds, as the Java SDK v1 sends it.
type Time struct{ time.Time }

// NewTime wraps t, truncated to the millisecond (AWS's precision).
func NewTime(t time.Time) Time { return Time{t.Truncate(time.Millisecond)} }

// MarshalJSON writes epoch seconds with up to millisecond precision.
func (t Time) MarshalJSON() ([]byte, error) {
	ms := t.UnixMilli()
	return strconv.AppendFloat(nil, float64(ms)/1000, 'f', -1, 64), nil
}

// UnmarshalJSON reads epoch seconds (or milliseconds, see Time).
func (t *Time) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	s := string(b)
	if len(s) > 1 && s[0] == '"' {
		// Some clients quote the number; an ISO-8601 string is also accepted.
		s = s[1 : len(s)-1]
		if p, err := time.Parse(time.RFC3339Nano, s); err == nil {
			t.Time = p
			return nil
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return awserr.Newf(awserr.Serialization, "class java.lang.String can not be converted to a Timestamp")
	}
	t.Time = FromEpoch(f)
	return nil
}

// FromEpoch turns epoch seconds (or milliseconds above 1e11) into a time. Milliseconds
// beyond the int64 range saturate, so that a huge value stays in the future.
func FromEpoch(f float64) time.Time {
	if math.Abs(f) > 1e11 {
		switch {
		case f >= math.MaxInt64:
			return time.UnixMilli(math.MaxInt64).UTC()
		case f <= math.MinInt64:
			return time.UnixMilli(math.MinInt64).UTC()
		}
		return time.UnixMilli(int64(f)).UTC()
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(math.Round(frac*1e3))*int64(time.Millisecond)).UTC()
}
