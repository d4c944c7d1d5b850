package kinesis

// A reflection-free decoder for the PutRecords body the SDKs send. encoding/json spent about
// 70% of the server's CPU on a 500-record PutRecords (it scans the body twice and decodes
// every member by reflection); this reads it once and decodes all Data blobs into one
// buffer. It accepts only a strict subset of JSON — members spelled exactly as the SDKs
// spell them, each once; strings without escapes; DryRun as true or false; no nulls — and
// reports false for anything else, so encoding/json (and the AWS error texts built on it)
// still decides every other body. FuzzPutRecordsFastDecode checks that both agree.
//
// The answer is rendered by hand too (AppendJSON): 500 result entries by reflection cost
// about a fifth of the server's time per call.

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// DecodeJSONFast implements awsproto.FastDecoder.
func (in *PutRecordsInput) DecodeJSONFast(body []byte) bool {
	p := fastJSON{b: body, data: make([]byte, 0, len(body)*3/4)}
	var out PutRecordsInput
	var seen uint8
	ok := p.object(func(key []byte) bool {
		var bit uint8
		var ok bool
		switch string(key) {
		case "Records":
			bit, ok = 1, p.records(&out)
		case "StreamName":
			bit, out.StreamName, ok = 2, p.strPtr(), true
		case "StreamARN":
			bit, out.StreamARN, ok = 4, p.strPtr(), true
		case "StreamId":
			bit, out.StreamId, ok = 8, p.strPtr(), true
		case "DryRun":
			bit, ok = 16, p.boolPtr(&out.DryRun)
		}
		if bit == 0 || seen&bit != 0 || !ok || p.failed {
			return false
		}
		seen |= bit
		return true
	})
	if !ok || p.failed || p.ws() != len(p.b) {
		return in.decodeLongList(body)
	}
	*in = out
	return true
}

// decodeLongList decodes, as encoding/json would, a body outside the fast subset whose
// Records list may be longer than maxPutRecords, keeping of the list only what the fast
// path keeps (overLimit): encoding/json would grow a slice of millions of records (a
// 16 MiB body of empty ones: 1.3 GB allocated). It reports false, leaving the rest to
// encoding/json, for a body with fewer commas than a long list needs, or with any error,
// so that encoding/json still words every error.
func (in *PutRecordsInput) decodeLongList(body []byte) bool {
	if bytes.Count(body, []byte(",")) < maxPutRecords {
		return false
	}
	var shadow struct { // PutRecordsInput's members, the list left raw
		DryRun     *bool           `json:"DryRun,omitempty"`
		Records    json.RawMessage `json:"Records"`
		StreamARN  *string         `json:"StreamARN,omitempty"`
		StreamId   *string         `json:"StreamId,omitempty"`
		StreamName *string         `json:"StreamName,omitempty"`
	}
	if json.Unmarshal(body, &shadow) != nil {
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(shadow.Records))
	if t, err := dec.Token(); err != nil || t != json.Delim('[') {
		return false // null, absent or not a list: short work for encoding/json
	}
	recs := make([]PutRecordsRequestEntry, 0, maxPutRecords)
	var over overLimit
	for dec.More() {
		var e PutRecordsRequestEntry
		if dec.Decode(&e) != nil {
			return false
		}
		over.count++
		switch {
		case over.count <= maxPutRecords:
			recs = append(recs, e)
		case !entryValid(e.PartitionKey, e.ExplicitHashKey, e.Data) && len(over.invalid) < maxRenderedInvalid:
			recs = append(recs, e)
			over.invalid = append(over.invalid, over.count)
		}
	}
	if over.count <= maxPutRecords {
		return false // a short list after all: encoding/json decodes it as usual
	}
	*in = PutRecordsInput{DryRun: shadow.DryRun, Records: recs, StreamARN: shadow.StreamARN,
		StreamId: shadow.StreamId, StreamName: shadow.StreamName, over: &over}
	return true
}

func (p *fastJSON) records(out *PutRecordsInput) bool {
	if !p.consume('[') {
		return false
	}
	recs := make([]PutRecordsRequestEntry, 0, min(maxPutRecords+1, len(p.b)/16+1)) // a guess from the body size
	var over overLimit
	n := 0
	if p.peek() == ']' {
		p.i++
		out.Records = recs
		return true
	}
	for {
		var e PutRecordsRequestEntry
		var seen uint8
		ok := p.object(func(key []byte) bool {
			var bit uint8
			switch string(key) {
			case "Data":
				bit, e.Data = 1, p.blob()
			case "PartitionKey":
				bit, e.PartitionKey = 2, p.strPtr()
			case "ExplicitHashKey":
				bit, e.ExplicitHashKey = 4, p.strPtr()
			}
			if bit == 0 || seen&bit != 0 || p.failed {
				return false
			}
			seen |= bit
			return true
		})
		if !ok {
			return false
		}
		n++
		switch {
		case n <= maxPutRecords:
			recs = append(recs, e)
		case !entryValid(e.PartitionKey, e.ExplicitHashKey, e.Data) && len(over.invalid) < maxRenderedInvalid:
			recs = append(recs, e)
			over.invalid = append(over.invalid, n)
		}
		switch p.next() {
		case ',':
		case ']':
			out.Records = recs
			if n > maxPutRecords {
				over.count = n
				out.over = &over
			}
			return true
		default:
			return false
		}
	}
}

// overLimit is what DecodeJSONFast keeps of a list of more than maxPutRecords records, a
// request that can only fail validation: the list's length, and the records past the limit
// that break the model's constraints (at most maxRenderedInvalid, enough for the
// ValidationException's 10 messages), which follow the first maxPutRecords in Records.
// A 16 MiB body of millions of empty records so costs a few KiB, not half a GiB.
type overLimit struct {
	count   int
	invalid []int // the record number (from 1) of each record past the first maxPutRecords
}

// maxRenderedInvalid is how many invalid records past the limit are kept: AWS's message lists
// at most 10 violations, one of them the list's length.
const maxRenderedInvalid = 10

// fastJSON is a cursor over a body; failed records that the body left the subset.
type fastJSON struct {
	b      []byte
	i      int
	failed bool
	data   []byte // backing store of every decoded blob
}

// ws skips whitespace and returns the position.
func (p *fastJSON) ws() int {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return p.i
		}
	}
	return p.i
}

func (p *fastJSON) peek() byte {
	if p.ws() < len(p.b) {
		return p.b[p.i]
	}
	return 0
}

func (p *fastJSON) next() byte {
	c := p.peek()
	if c != 0 {
		p.i++
	}
	return c
}

func (p *fastJSON) consume(c byte) bool { return p.next() == c }

// object reads {"key": value, …}, calling member with the cursor at each value; member
// reads the value and reports whether it may go on.
func (p *fastJSON) object(member func(key []byte) bool) bool {
	if !p.consume('{') {
		return false
	}
	if p.peek() == '}' {
		p.i++
		return true
	}
	for {
		key, ok := p.str()
		if !ok || !p.consume(':') || !member(key) {
			return false
		}
		switch p.next() {
		case ',':
		case '}':
			return true
		default:
			return false
		}
	}
}

// str reads a string without escapes or control characters, in valid UTF-8.
func (p *fastJSON) str() ([]byte, bool) {
	if !p.consume('"') {
		return nil, false
	}
	start := p.i
	for ; p.i < len(p.b); p.i++ {
		switch c := p.b[p.i]; {
		case c == '"':
			s := p.b[start:p.i]
			p.i++
			return s, utf8.Valid(s)
		case c == '\\' || c < 0x20:
			return nil, false
		}
	}
	return nil, false
}

func (p *fastJSON) strPtr() *string {
	s, ok := p.str()
	if !ok {
		p.failed = true
		return nil
	}
	v := string(s)
	return &v
}

// blob reads a base64 string as encoding/json does (standard alphabet, padded), into the
// shared data buffer. An empty string is an empty, non-nil blob.
//
// It finds the closing quote with one IndexByte and lets the decoder check the text: base64
// refuses every byte outside its alphabet (escapes, control characters, non-ASCII) except
// '\r' and '\n', which it skips but JSON forbids raw; a decoded length short of what the
// text's length gives means one was there. The byte-by-byte string scan and UTF-8 check of
// str cost more than the decoding itself.
func (p *fastJSON) blob() []byte {
	if !p.consume('"') {
		p.failed = true
		return nil
	}
	end := bytes.IndexByte(p.b[p.i:], '"')
	if end < 0 || end%4 != 0 {
		p.failed = true
		return nil
	}
	s := p.b[p.i : p.i+end]
	p.i += end + 1
	want := len(s) / 4 * 3
	if len(s) > 0 && s[len(s)-1] == '=' {
		want--
		if s[len(s)-2] == '=' {
			want--
		}
	}
	n := base64.StdEncoding.DecodedLen(len(s))
	if cap(p.data)-len(p.data) < n {
		p.data = make([]byte, 0, max(n, len(p.b)-p.i))
	}
	start := len(p.data)
	dst := p.data[start : start+n]
	m, err := base64.StdEncoding.Decode(dst, s)
	if err != nil || m != want {
		p.failed = true
		return nil
	}
	p.data = p.data[:start+m]
	return p.data[start : start+m : start+m]
}

func (p *fastJSON) boolPtr(dst **bool) bool {
	var v bool
	switch {
	case p.lit("true"):
		v = true
	case p.lit("false"):
	default:
		return false
	}
	*dst = &v
	return true
}

func (p *fastJSON) lit(word string) bool {
	p.ws()
	if len(p.b)-p.i >= len(word) && string(p.b[p.i:p.i+len(word)]) == word {
		p.i += len(word)
		return true
	}
	return false
}

// AppendJSON renders the answer byte for byte as encoding/json would (awsproto.FastEncoder).
func (o *PutRecordsOutput) AppendJSON(b []byte) ([]byte, error) {
	if n := 64 + len(o.Records)*128; cap(b)-len(b) < n {
		b = append(make([]byte, 0, len(b)+n), b...)
	}
	b = append(b, `{"EncryptionType":`...)
	b = appendJSONString(b, o.EncryptionType)
	b = append(b, `,"FailedRecordCount":`...)
	b = strconv.AppendInt(b, int64(o.FailedRecordCount), 10)
	b = append(b, `,"Records":`...)
	if o.Records == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range o.Records {
			if i > 0 {
				b = append(b, ',')
			}
			b = o.Records[i].appendJSON(b)
		}
		b = append(b, ']')
	}
	return append(b, '}'), nil
}

func (r *PutRecordsResultEntry) appendJSON(b []byte) []byte {
	b = append(b, '{')
	sep := false
	field := func(name, v string) {
		if v == "" {
			return // omitempty
		}
		if sep {
			b = append(b, ',')
		}
		sep = true
		b = append(b, '"')
		b = append(b, name...)
		b = append(b, `":`...)
		b = appendJSONString(b, v)
	}
	field("ErrorCode", r.ErrorCode)
	field("ErrorMessage", r.ErrorMessage)
	field("SequenceNumber", r.SequenceNumber)
	field("ShardId", r.ShardId)
	return append(b, '}')
}
