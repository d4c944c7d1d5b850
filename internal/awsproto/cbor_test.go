package awsproto

import (
	"encoding/hex"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/google/go-cmp/cmp"

	"github.com/freshet/freshet/internal/awserr"
)

func TestForContentType(t *testing.T) {
	for ct, want := range map[string]Codec{
		"application/x-amz-cbor-1.1":                CBOR,
		"Application/X-Amz-CBOR-1.1; charset=utf-8": CBOR,
		" application/x-amz-cbor-1.1 ":              CBOR,
		"application/x-amz-json-1.1":                JSON,
		"application/json":                          JSON,
		"application/cbor":                          JSON,
		"":                                          JSON,
	} {
		if got := ForContentType(ct); got != want {
			t.Errorf("ForContentType(%q) = %s, want %s", ct, got.ContentType(), want.ContentType())
		}
	}
}

// unhex reads hex with spaces, as dumps are written.
func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestTimeCBOREncoding(t *testing.T) {
	tests := []struct {
		ms   int64
		want string
	}{
		// Captured from an unmodified Java SDK v2 KinesisClient (floci-io/floci#2368):
		// GetShardIterator's Timestamp is c1 1b 000001a013accc38.
		{1787036486712, "c1 1b 000001a013accc38"},
		{0, "c1 00"},
		{23, "c1 17"},
		{1000, "c1 19 03e8"},
		{1 << 32, "c1 1b 0000000100000000"},
		{math.MaxUint32, "c1 1a ffffffff"},
		{-1, "c1 20"},
		{-1000, "c1 39 03e7"},
	}
	for _, tc := range tests {
		tm := NewTime(time.UnixMilli(tc.ms))
		got, err := tm.MarshalCBOR()
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tc.want, hexSpaced(got)); diff != "" {
			t.Errorf("MarshalCBOR(%d ms) (-want +got):\n%s", tc.ms, diff)
		}
		// Through the codec, inside a struct, the bytes are the same.
		out, err := CBOR.Encode(struct {
			T Time `json:"T"`
		}{tm})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(hex.EncodeToString(out), strings.ReplaceAll(tc.want, " ", "")) {
			t.Errorf("Encode(%d ms) = %x, want it to end with %s", tc.ms, out, tc.want)
		}
		var back Time
		if err := back.UnmarshalCBOR(got); err != nil || !back.Equal(tm.Time) {
			t.Errorf("UnmarshalCBOR(%x) = %v, %v; want %v", got, back, err, tm)
		}
	}
}

// hexSpaced writes a tag-1 encoding as "c1 <head> <argument>".
func hexSpaced(b []byte) string {
	h := hex.EncodeToString(b)
	switch {
	case len(b) <= 2:
		return h[:2] + " " + h[2:]
	}
	return h[:2] + " " + h[2:4] + " " + h[4:]
}

func TestTimeCBORDecode(t *testing.T) {
	ms := func(n int64) time.Time { return time.UnixMilli(n).UTC() }
	tests := []struct {
		name string
		in   string
		want time.Time
	}{
		{"tag 1 integer milliseconds (Java SDK)", "c1 1b 000001a013accc38", ms(1787036486712)},
		{"tag 1 float milliseconds", "c1 fb 427a013accc38000", ms(1787036486712)},
		{"tag 1 small integer is milliseconds too", "c1 19 03e8", ms(1000)},
		{"untagged integer seconds", "1a 6a83f5a8", time.Unix(1787033000, 0).UTC()},
		{"untagged integer milliseconds", "1b 000001a013accc38", ms(1787036486712)},
		{"untagged float seconds", "fb 41da a0fd 6a2d 9168", time.Unix(1787033000, 712e6).UTC()},
		{"text RFC 3339", "74 323032362d30362d30315430303a30303a30305a", time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)},
		{"tag 0 RFC 3339", "c0 74 323032362d30362d30315430303a30303a30305a", time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)},
		{"text seconds", "6a 31373837303333303030", time.Unix(1787033000, 0).UTC()},
		{"huge milliseconds saturate", "c1 1b ffffffffffffffff", time.UnixMilli(math.MaxInt64).UTC()},
		{"null leaves it unset", "f6", time.Time{}},
	}
	for _, tc := range tests {
		var got Time
		if err := got.UnmarshalCBOR(unhex(t, tc.in)); err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if !got.Equal(tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got.Time, tc.want)
		}
	}
	for name, in := range map[string]string{
		"tag 1 text":       "c1 61 31",
		"tag 2":            "c2 41 01",
		"tag 0 number":     "c0 01",
		"tag 1 NaN":        "c1 f9 7e00",
		"untagged Inf":     "f9 7c00",
		"text not a time":  "63 616263",
		"array":            "82 01 02",
		"map":              "a0",
		"bytes":            "41 01",
		"truncated tag":    "c1",
		"truncated number": "c1 1b 0000",
	} {
		var got Time
		err := got.UnmarshalCBOR(unhex(t, in))
		if !awserr.IsCode(err, awserr.Serialization) {
			t.Errorf("%s: err = %v, want a SerializationException", name, err)
		}
	}
}

// TestCBORDecodeJavaSDKShape decodes bodies the way the Java SDK's Jackson CBOR generator
// writes them: indefinite-length maps (bf … ff), definite-length strings, byte-string blobs
// and tag-1 millisecond timestamps; plus indefinite-length strings and arrays, which Jackson
// may write and which CBOR allows.
func TestCBORDecodeJavaSDKShape(t *testing.T) {
	body := unhex(t, ""+
		"bf"+ // map (indefinite)
		"64 4e616d65 66 73747265616d"+ // "Name": "stream"
		"64 44617461 43 000102"+ // "Data": h'000102'
		"64 5768656e c1 1b 000001a013accc38"+ // "When": 1(1787036486712)
		"65 436f756e74 19 01f4"+ // "Count": 500
		"64 466c6167 f5"+ // "Flag": true
		"65 526174696f fb 3ff8000000000000"+ // "Ratio": 1.5
		"67 556e6b6e6f776e bf 61 61 9f 01 02 ff ff"+ // "Unknown": {_ "a": [_ 1, 2]} (skipped)
		"64 4c697374 9f 7f 62 6162 61 63 ff 60 ff"+ // "List": [_ (_ "ab" "c"), ""]
		"64 54616773 a1 61 6b 61 76"+ // "Tags": {"k": "v"}
		"66 46696c746572 bf 64 54797065 6c 41545f54494d455354414d50 ff"+ // "Filter": {_ "Type": "AT_TIMESTAMP"}
		"67 5265636f726473 9f a1 61 4e 01 bf 61 4e 02 ff ff"+ // "Records": [_ {"N": 1}, {_ "N": 2}]
		"65 4578747261 5f 42 0102 41 03 ff"+ // "Extra": (_ h'0102' h'03') read as a string
		"ff")
	var got testInput
	if err := CBOR.Decode(body, &got); err != nil {
		t.Fatal(err)
	}
	when := NewTime(time.UnixMilli(1787036486712))
	want := testInput{
		embedded: embedded{Extra: ptr("\x01\x02\x03")},
		Name:     ptr("stream"),
		Count:    ptr[int64](500),
		Ratio:    ptr(1.5),
		Flag:     ptr(true),
		Data:     []byte{0, 1, 2},
		List:     []string{"abc", ""},
		Tags:     map[string]string{"k": "v"},
		Filter:   &inner{Type: ptr("AT_TIMESTAMP")},
		Records:  []inner{{N: ptr[int64](1)}, {N: ptr[int64](2)}},
		When:     &when,
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(testInput{})); diff != "" {
		t.Errorf("Decode (-want +got):\n%s", diff)
	}

	// The GetShardIterator request the floci capture comes from, as the Java SDK writes it.
	type getShardIterator struct {
		ShardId           *string `json:"ShardId"`
		ShardIteratorType *string `json:"ShardIteratorType"`
		StreamName        *string `json:"StreamName"`
		Timestamp         *Time   `json:"Timestamp,omitempty"`
	}
	var gsi getShardIterator
	err := CBOR.Decode(unhex(t, "bf"+
		"6a 53747265616d4e616d65 61 73"+ // "StreamName": "s"
		"67 53686172644964 74 7368617264496"+"42d303030303030303030303030"+ // "ShardId": "shardId-000000000000"
		"71 5368617264497465726174"+"6f7254797065 6c 41545f54494d455354414d50"+ // "ShardIteratorType": "AT_TIMESTAMP"
		"69 54696d657374616d70 c1 1b 000001a013accc38"+ // "Timestamp": 1(1787036486712)
		"ff"), &gsi)
	if err != nil {
		t.Fatal(err)
	}
	if *gsi.ShardId != "shardId-000000000000" || *gsi.ShardIteratorType != "AT_TIMESTAMP" || *gsi.StreamName != "s" ||
		gsi.Timestamp.UnixMilli() != 1787036486712 {
		t.Errorf("GetShardIterator = %q %q %q %v", *gsi.ShardId, *gsi.ShardIteratorType, *gsi.StreamName, gsi.Timestamp)
	}
}

func TestCBORDecodeErrors(t *testing.T) {
	deep := strings.Repeat("81", 40) + "01"
	tests := []struct {
		name, body, msg string
	}{
		{"empty", "", "The request body is empty: a CBOR map was expected."},
		{"list", "80", "Start of list found where not expected"},
		{"integer", "01", "Start of structure or map expected: the request body is not a CBOR map."},
		{"text", "61 61", "Start of structure or map expected: the request body is not a CBOR map."},
		{"truncated map", "a2 61 61 01", "The request body is not well-formed CBOR: unexpected EOF."},
		{"unterminated indefinite map", "bf 61 61 01", "The request body is not well-formed CBOR: unexpected EOF."},
		{"trailing garbage", "a0 00", "The request body is not well-formed CBOR: 1 bytes of extraneous data starting at index 1."},
		{"reserved head", "a1 61 61 1c", "The request body is not well-formed CBOR: invalid additional information 28 for type positive integer."},
		{"too deep", "a1 64 4c697374 " + deep, "The CBOR request body nests deeper than 32 levels."},
		{"too many elements", "a1 64 4c697374 9a 00010001", "A CBOR array in the request body has more than 65536 elements."},
		{"too many entries", "ba 00010001", "A CBOR map in the request body has more than 65536 entries."},
		{"text for an integer", "a1 65 436f756e74 61 31", "Unexpected CBOR UTF-8 text string for member Count."},
		{"integer for a string", "a1 64 4e616d65 01", "Unexpected CBOR positive integer for member Name."},
		{"map for a list", "a1 64 4c697374 a0", "Unexpected CBOR map for member List."},
		{"float for an integer", "a1 65 436f756e74 fb 3ff8000000000000", "Unexpected CBOR primitives for member Count."},
		{"bad timestamp", "a1 64 5768656e c1 61 31", "Unable to read the CBOR request body: tag number 1 must be followed by integer or floating-point number, got UTF-8 text string."},
		{"invalid UTF-8", "a1 64 4e616d65 61 ff", "Unable to read the CBOR request body: invalid UTF-8 string."},
	}
	for _, tc := range tests {
		var v testInput
		err := CBOR.Decode(unhex(t, tc.body), &v)
		e, ok := awserr.As(err)
		if !ok || e.Code != awserr.Serialization || e.Message != tc.msg {
			t.Errorf("%s: err = %v, want SerializationException %q", tc.name, err, tc.msg)
		}
	}
}

func TestCBORRoundTrip(t *testing.T) {
	when := NewTime(time.Date(2026, 11, 26, 8, 0, 0, 123e6, time.UTC))
	in := testInput{
		embedded: embedded{Extra: ptr("x")},
		Name:     ptr("s"), Count: ptr[int64](-7), Ratio: ptr(0.25), Flag: ptr(false),
		Data: []byte("blob\x00\xff"), List: []string{"a", "b"}, Tags: map[string]string{"b": "2", "a": "1"},
		Filter: &inner{Type: ptr("T")}, Records: []inner{{N: ptr[int64](1)}}, When: &when,
	}
	b, err := CBOR.Encode(in)
	if err != nil {
		t.Fatal(err)
	}
	var out testInput
	if err := CBOR.Decode(b, &out); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(in, out, cmp.AllowUnexported(testInput{})); diff != "" {
		t.Errorf("round trip (-in +out):\n%s", diff)
	}
	// Blobs are byte strings, never base64 text; the time is tag 1 with milliseconds.
	var generic map[string]any
	if err := cbor.Unmarshal(b, &generic); err != nil {
		t.Fatal(err)
	}
	if d, ok := generic["Data"].([]byte); !ok || string(d) != "blob\x00\xff" {
		t.Errorf("Data = %#v, want a byte string", generic["Data"])
	}
	if !strings.Contains(hex.EncodeToString(b), fmt.Sprintf("c11b%016x", when.UnixMilli())) {
		t.Errorf("encoding %x lacks When as tag 1 + %d ms", b, when.UnixMilli())
	}
	// Empty members are left out as in JSON; an empty answer is an empty map.
	if b, _ := CBOR.Encode(struct{}{}); hex.EncodeToString(b) != "a0" {
		t.Errorf("Encode(struct{}{}) = %x, want a0", b)
	}
	if b, _ := CBOR.Encode(testInput{}); hex.EncodeToString(b) != "a0" {
		t.Errorf("Encode(testInput{}) = %x, want a0", b)
	}
}

func TestCBOREncodeError(t *testing.T) {
	for _, tc := range []struct {
		err  *awserr.Error
		want map[string]string
	}{
		{awserr.New(awserr.ResourceNotFound, "Stream s under account 000000000000 not found."),
			map[string]string{"__type": "ResourceNotFoundException", "message": "Stream s under account 000000000000 not found."}},
		{awserr.New(awserr.Serialization, "Start of list found where not expected"),
			map[string]string{"__type": "SerializationException", "Message": "Start of list found where not expected"}},
		{awserr.New(awserr.InternalFailure, ""), map[string]string{"__type": "InternalFailure"}},
	} {
		b := CBOR.EncodeError(tc.err)
		var got map[string]string
		if err := cbor.Unmarshal(b, &got); err != nil {
			t.Fatalf("%x: %v", b, err)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("EncodeError(%v) (-want +got):\n%s", tc.err, diff)
		}
	}
	// Byte for byte: a definite map, "__type" first.
	got := hex.EncodeToString(CBOR.EncodeError(awserr.New("E", "m")))
	if want := "a2" + "66" + hex.EncodeToString([]byte("__type")) + "6145" + "67" + hex.EncodeToString([]byte("message")) + "616d"; got != want {
		t.Errorf("EncodeError bytes = %s, want %s", got, want)
	}
}

func TestWellFormed(t *testing.T) {
	for _, tc := range []struct {
		c     Codec
		body  string
		ok    bool
		blank bool
	}{
		{JSON, `{"a":1}`, true, false},
		{JSON, ` [1]`, true, false},
		{JSON, `{"a":`, false, false},
		{JSON, `1`, false, false},
		{JSON, " \n", false, true},
		{CBOR, "\xa1\x61a\x01", true, false},
		{CBOR, "\xbf\xff", true, false},
		{CBOR, "\x9f\xff", true, false},
		{CBOR, "\xa1\x61a", false, false},
		{CBOR, "\x01", false, false},
		{CBOR, " ", false, false}, // 0x20 is the CBOR integer -1, not whitespace
		{CBOR, "", false, true},
		{CBOR, `{"a":1}`, false, false},
	} {
		if got := WellFormed(tc.c, []byte(tc.body)); got != tc.ok {
			t.Errorf("WellFormed(%s, %q) = %v", tc.c.ContentType(), tc.body, got)
		}
		if got := Blank(tc.c, []byte(tc.body)); got != tc.blank {
			t.Errorf("Blank(%s, %q) = %v", tc.c.ContentType(), tc.body, got)
		}
	}
}

// FuzzCBORDecode decodes arbitrary bytes into an input with every kind of member: it never
// panics, and every failure is a SerializationException.
func FuzzCBORDecode(f *testing.F) {
	when := NewTime(time.UnixMilli(1787036486712))
	valid, err := CBOR.Encode(testInput{Name: ptr("s"), Data: []byte{1, 2}, When: &when, Records: []inner{{N: ptr[int64](1)}},
		Tags: map[string]string{"a": "b"}, Filter: &inner{Type: ptr("x")}})
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte{})
	f.Add(valid)
	f.Add(valid[:len(valid)/2])
	f.Add(append(append([]byte{}, valid...), 0xff, 0x01))
	f.Add([]byte("\xbf\x64Name\x7f\x61a\xff\x64When\xc1\xfb\x42\x7a\x00\xa2\x2a\x5a\x28\x00\xff"))
	f.Add([]byte("\xa1\x64List\x9b\xff\xff\xff\xff\xff\xff\xff\xff"))
	f.Add([]byte(strings.Repeat("\x9f", 100)))
	f.Fuzz(func(t *testing.T, body []byte) {
		var v testInput
		err := CBOR.Decode(body, &v)
		if err != nil && !awserr.IsCode(err, awserr.Serialization) {
			t.Fatalf("Decode(%x) = %v, want nil or a SerializationException", body, err)
		}
		if err == nil {
			if _, err := CBOR.Encode(v); err != nil {
				t.Fatalf("Encode after Decode(%x): %v", body, err)
			}
		}
	})
}
