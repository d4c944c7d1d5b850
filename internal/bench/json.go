package bench

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
)

// A small JSON reader for the two large answers the tool reads (GetRecords and PutRecords):
// decoding them with encoding/json would make the tool, not the server, the bottleneck of
// the drain. It reads any well-formed JSON (any member order, whitespace, escapes), and
// returns strings raw when they hold no escape.

var errJSON = errors.New("malformed JSON answer")

type scanner struct {
	b   []byte
	i   int
	err error
}

func (s *scanner) fail() {
	if s.err == nil {
		s.err = errJSON
	}
	s.i = len(s.b)
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) peek() byte {
	s.ws()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *scanner) expect(c byte) {
	if s.peek() != c {
		s.fail()
		return
	}
	s.i++
}

// str reads a string: its bytes as they are when it holds no escape, else unescaped.
// (IndexByte rather than a loop: the drain reads hundreds of MB of base64 a second.)
func (s *scanner) str() []byte {
	s.expect('"')
	start := s.i
	end := bytes.IndexByte(s.b[start:], '"')
	if end < 0 {
		s.fail()
		return nil
	}
	v := s.b[start : start+end]
	if bytes.IndexByte(v, '\\') >= 0 {
		return s.escaped(start - 1)
	}
	s.i = start + end + 1
	return v
}

// escaped reads the string opening at quote through encoding/json.
func (s *scanner) escaped(quote int) []byte {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case '\\':
			s.i += 2
			continue
		case '"':
			s.i++
			var v string
			if json.Unmarshal(s.b[quote:s.i], &v) != nil {
				s.fail()
				return nil
			}
			return []byte(v)
		}
		s.i++
	}
	s.fail()
	return nil
}

// number reads a number as an int64 (a fraction is dropped).
func (s *scanner) number() int64 {
	s.ws()
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		if c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
			s.i++
			continue
		}
		break
	}
	f, err := strconv.ParseFloat(string(s.b[start:s.i]), 64)
	if err != nil {
		s.fail()
	}
	return int64(f)
}

// skip reads any value.
func (s *scanner) skip() {
	switch s.peek() {
	case '"':
		s.str()
	case '{':
		s.object(func([]byte) { s.skip() })
	case '[':
		s.array(s.skip)
	case 't', 'f', 'n':
		for s.i < len(s.b) && s.b[s.i] >= 'a' && s.b[s.i] <= 'z' {
			s.i++
		}
	default:
		s.number()
	}
}

// object reads an object, calling member with the cursor at each member's value; member
// must read the value.
func (s *scanner) object(member func(key []byte)) {
	s.expect('{')
	if s.peek() == '}' {
		s.i++
		return
	}
	for s.err == nil {
		key := s.str()
		s.expect(':')
		member(key)
		switch s.peek() {
		case ',':
			s.i++
		case '}':
			s.i++
			return
		default:
			s.fail()
		}
	}
}

// array reads an array, calling elem with the cursor at each element.
func (s *scanner) array(elem func()) {
	s.expect('[')
	if s.peek() == ']' {
		s.i++
		return
	}
	for s.err == nil {
		elem()
		switch s.peek() {
		case ',':
			s.i++
		case ']':
			s.i++
			return
		default:
			s.fail()
		}
	}
}

// getRecordsAnswer is what the drain and the pollers need from a GetRecords answer.
type getRecordsAnswer struct {
	next         []byte // NextShardIterator (nil: none, the shard is closed and read)
	millisBehind int64
	records      int
}

// parseGetRecords reads a GetRecords answer, calling rec with each record's Data (still
// base64, as on the wire).
func parseGetRecords(b []byte, rec func(data []byte)) (getRecordsAnswer, error) {
	var a getRecordsAnswer
	s := scanner{b: b}
	s.object(func(key []byte) {
		switch string(key) {
		case "NextShardIterator":
			if s.peek() == 'n' {
				s.skip()
				return
			}
			a.next = s.str()
		case "MillisBehindLatest":
			a.millisBehind = s.number()
		case "Records":
			s.array(func() {
				a.records++
				s.object(func(key []byte) {
					if string(key) == "Data" {
						rec(s.str())
						return
					}
					s.skip()
				})
			})
		default:
			s.skip()
		}
	})
	return a, s.err
}

// parsePutRecords reads a PutRecords answer: the failed count, and each entry's index and
// ErrorCode (empty for a stored record).
func parsePutRecords(b []byte, entry func(i int, code []byte)) (failed int64, err error) {
	s := scanner{b: b}
	s.object(func(key []byte) {
		switch string(key) {
		case "FailedRecordCount":
			failed = s.number()
		case "Records":
			i := 0
			s.array(func() {
				var code []byte
				s.object(func(key []byte) {
					if string(key) == "ErrorCode" && s.peek() == '"' {
						code = s.str()
						return
					}
					s.skip()
				})
				entry(i, code)
				i++
			})
		default:
			s.skip()
		}
	})
	return failed, s.err
}
