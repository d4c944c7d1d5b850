package awsproto

import (
	"encoding/json"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/fxamacker/cbor/v2"

	"github.com/freshet/freshet/internal/awserr"
)

// CBOR is AWS's CBOR 1.1 codec (application/x-amz-cbor-1.1), which the Java SDKs (and so
// KCL, Flink and Spark) send to Kinesis by default. Members are named by the same json tags
// as in JSON; blobs are byte strings; timestamps are tag 1 wrapping integer milliseconds
// (not RFC 8949's seconds: that is what AWS and the Java SDK read and write).
//
// Differences from AWS:
//   - A member of the wrong CBOR type is a SerializationException worded by Freshet (AWS
//     words it like Jackson's JSON errors); member names match case-insensitively as in JSON.
//   - An untagged number is accepted for a timestamp (epoch seconds, or milliseconds above
//     1e11, as in JSON), and so is a text string holding an RFC 3339 time.
var CBOR Codec = cborCodec{}

const cborContentType = "application/x-amz-cbor-1.1"

// ForContentType is the codec for a request's Content-Type: CBOR for
// application/x-amz-cbor-1.1 (any case, parameters ignored), JSON for anything else.
func ForContentType(ct string) Codec {
	mt, _, _ := strings.Cut(ct, ";")
	if strings.EqualFold(strings.TrimSpace(mt), cborContentType) {
		return CBOR
	}
	return JSON
}

// Limits of one decoded body. A 16 MiB body could otherwise announce millions of list
// elements of a few bytes each, every one of which becomes a Go struct: the largest input
// list of the Kinesis model has 500 entries and the largest map 200, so 65536 is far above
// anything valid (which then gets its ValidationException) and bounds memory to a few MB.
const (
	cborMaxElements = 1 << 16
	cborMaxNesting  = 32 // Kinesis inputs nest at most 4 levels
)

var (
	cborDec = mustDecMode(cbor.DecOptions{
		MaxNestedLevels:  cborMaxNesting,
		MaxArrayElements: cborMaxElements,
		MaxMapPairs:      cborMaxElements,
		IndefLength:      cbor.IndefLengthAllowed,
		DupMapKey:        cbor.DupMapKeyQuiet, // the last one wins, as in encoding/json
		// A byte string given for a string member is read as its bytes (Jackson does too).
		ByteStringToString: cbor.ByteStringToStringAllowed,
		// Time has its own UnmarshalCBOR; nothing decodes through BinaryUnmarshaler.
		BinaryUnmarshaler: cbor.BinaryUnmarshalerNone,
	})
	cborEnc = mustEncMode(cbor.EncOptions{
		Sort:          cbor.SortBytewiseLexical, // deterministic map order (Tags)
		OmitEmpty:     cbor.OmitEmptyGoValue,    // omitempty as encoding/json reads it
		NilContainers: cbor.NilContainerAsNull,  // a nil slice is null, as in JSON
		IndefLength:   cbor.IndefLengthForbidden,
	})
)

func mustDecMode(o cbor.DecOptions) cbor.DecMode {
	m, err := o.DecMode()
	if err != nil {
		panic(err)
	}
	return m
}

func mustEncMode(o cbor.EncOptions) cbor.EncMode {
	m, err := o.EncMode()
	if err != nil {
		panic(err)
	}
	return m
}

type cborCodec struct{}

func (cborCodec) ContentType() string { return cborContentType }

// Encode renders v through reflection, FastEncoder types included (their fast path is JSON).
func (cborCodec) Encode(v any) ([]byte, error) { return cborEnc.Marshal(v) }

// EncodeError writes {"__type": code, "message": text}, with "Message" for a
// SerializationException as in JSON (the Java SDK reads either spelling).
func (cborCodec) EncodeError(e *awserr.Error) []byte {
	b, _ := cborEnc.Marshal(errorBody(e))
	return b
}

// Decode reads one CBOR map into v. Definite and indefinite lengths are both accepted;
// members v does not have are skipped; malformed input is a SerializationException.
func (cborCodec) Decode(body []byte, v any) error {
	if len(body) == 0 {
		return awserr.New(awserr.Serialization, "The request body is empty: a CBOR map was expected.")
	}
	if body[0]>>5 != 5 { // not a map
		if err := cborDec.Wellformed(body); err != nil {
			return cborSyntaxError(err)
		}
		if body[0]>>5 == 4 {
			return awserr.New(awserr.Serialization, "Start of list found where not expected")
		}
		return awserr.New(awserr.Serialization, "Start of structure or map expected: the request body is not a CBOR map.")
	}
	// Unmarshal checks well-formedness (and the limits) before it decodes anything.
	if err := cborDec.Unmarshal(body, v); err != nil {
		return cborDecodeError(err)
	}
	return nil
}

// cborSyntaxError words a body that is not well-formed CBOR.
func cborSyntaxError(err error) error {
	var (
		nest  *cbor.MaxNestedLevelError
		elems *cbor.MaxArrayElementsError
		pairs *cbor.MaxMapPairsError
	)
	switch {
	case errors.As(err, &nest):
		return awserr.Newf(awserr.Serialization, "The CBOR request body nests deeper than %d levels.", cborMaxNesting)
	case errors.As(err, &elems):
		return awserr.Newf(awserr.Serialization, "A CBOR array in the request body has more than %d elements.", cborMaxElements)
	case errors.As(err, &pairs):
		return awserr.Newf(awserr.Serialization, "A CBOR map in the request body has more than %d entries.", cborMaxElements)
	}
	return awserr.Newf(awserr.Serialization, "The request body is not well-formed CBOR: %s.", strings.TrimPrefix(err.Error(), "cbor: "))
}

// cborDecodeError words a well-formed body that does not fit the operation's input.
func cborDecodeError(err error) error {
	if e, ok := awserr.As(err); ok {
		return e // from Time.UnmarshalCBOR
	}
	var (
		syntax *cbor.SyntaxError
		extra  *cbor.ExtraneousDataError
		nest   *cbor.MaxNestedLevelError
		elems  *cbor.MaxArrayElementsError
		pairs  *cbor.MaxMapPairsError
	)
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &syntax) || errors.As(err, &extra) || errors.As(err, &nest) || errors.As(err, &elems) || errors.As(err, &pairs) {
		return cborSyntaxError(err)
	}
	var te *cbor.UnmarshalTypeError
	if errors.As(err, &te) {
		member := te.StructFieldName
		if i := strings.LastIndexByte(member, '.'); i >= 0 {
			member = member[i+1:]
		}
		if member == "" {
			return awserr.Newf(awserr.Serialization, "Unexpected CBOR %s in the request body.", te.CBORType)
		}
		return awserr.Newf(awserr.Serialization, "Unexpected CBOR %s for member %s.", te.CBORType, member)
	}
	return awserr.Newf(awserr.Serialization, "Unable to read the CBOR request body: %s.", strings.TrimPrefix(err.Error(), "cbor: "))
}

// WellFormed reports whether body is a well-formed document of c's encoding whose top level
// is a map (a JSON object) or a list: what AWS checks before the target or the credential.
func WellFormed(c Codec, body []byte) bool {
	if c == CBOR {
		return len(body) > 0 && (body[0]>>5 == 4 || body[0]>>5 == 5) && cborDec.Wellformed(body) == nil
	}
	switch FirstByte(body) {
	case '{', '[':
		return json.Valid(body)
	}
	return false
}

// Blank reports whether body holds nothing in c's encoding (for JSON: whitespace only).
func Blank(c Codec, body []byte) bool {
	if c == CBOR {
		return len(body) == 0
	}
	return FirstByte(body) == 0
}

// MarshalCBOR writes tag 1 wrapping the integer milliseconds since the epoch, byte for byte
// what the Java SDK's SdkCborGenerator writes and AWS sends (c1 1b 000001a013accc38).
func (t Time) MarshalCBOR() ([]byte, error) {
	ms := t.UnixMilli()
	b := make([]byte, 1, 10)
	b[0] = 0xc1 // tag 1
	if ms >= 0 {
		return appendCBORHead(b, 0, uint64(ms)), nil
	}
	return appendCBORHead(b, 1, uint64(-(ms + 1))), nil
}

// appendCBORHead appends the shortest head of major type major with argument n.
func appendCBORHead(b []byte, major byte, n uint64) []byte {
	m := major << 5
	switch {
	case n < 24:
		return append(b, m|byte(n))
	case n <= math.MaxUint8:
		return append(b, m|24, byte(n))
	case n <= math.MaxUint16:
		return append(b, m|25, byte(n>>8), byte(n))
	case n <= math.MaxUint32:
		return append(b, m|26, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
	return append(b, m|27, byte(n>>56), byte(n>>48), byte(n>>40), byte(n>>32), byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
}

// UnmarshalCBOR reads tag 1 wrapping milliseconds (an integer or a float), as the Java SDK
// sends it; an untagged number as epoch seconds or milliseconds (see FromEpoch); tag 0 or a
// text string holding an RFC 3339 time or a number; null or undefined leave t unset.
func (t *Time) UnmarshalCBOR(b []byte) error {
	tag := uint64(math.MaxUint64)
	if len(b) > 0 && b[0]>>5 == 6 {
		var raw cbor.RawTag
		if err := cborDec.Unmarshal(b, &raw); err != nil {
			return timestampError()
		}
		tag, b = raw.Number, raw.Content
		if tag != 0 && tag != 1 {
			return timestampError()
		}
	}
	var v any
	if err := cborDec.Unmarshal(b, &v); err != nil {
		return timestampError()
	}
	var f float64
	switch v := v.(type) {
	case nil:
		return nil
	case uint64:
		f = float64(v)
	case int64:
		f = float64(v)
	case float64:
		f = v
	case string:
		if tag == 1 {
			return timestampError()
		}
		if p, err := time.Parse(time.RFC3339Nano, v); err == nil {
			t.Time = p
			return nil
		}
		n, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return timestampError()
		}
		f = n
	default:
		return timestampError()
	}
	if math.IsNaN(f) || math.IsInf(f, 0) || tag == 0 {
		return timestampError()
	}
	if tag == 1 {
		t.Time = fromMillis(f)
		return nil
	}
	t.Time = FromEpoch(f)
	return nil
}

// fromMillis turns epoch milliseconds into a time, saturating beyond the int64 range.
func fromMillis(f float64) time.Time {
	switch {
	case f >= math.MaxInt64:
		return time.UnixMilli(math.MaxInt64).UTC()
	case f <= math.MinInt64:
		return time.UnixMilli(math.MinInt64).UTC()
	}
	return time.UnixMilli(int64(f)).UTC()
}

func timestampError() error {
	return awserr.New(awserr.Serialization, "Unable to read a timestamp: CBOR tag 1 with epoch milliseconds was expected.")
}
