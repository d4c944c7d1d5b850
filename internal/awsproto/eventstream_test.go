package awsproto

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// eventVector is a decoded/positive test vector of testdata/eventstream.
type eventVector struct {
	TotalLength   uint32 `json:"total_length"`
	HeadersLength uint32 `json:"headers_length"`
	PreludeCRC    int64  `json:"prelude_crc"` // signed in some vectors
	Headers       []struct {
		Name  string          `json:"name"`
		Type  EventValueType  `json:"type"`
		Value json.RawMessage `json:"value"`
	} `json:"headers"`
	Payload    []byte `json:"payload"`
	MessageCRC int64  `json:"message_crc"` // signed in some vectors
}

func readVectors(t *testing.T, kind string) (names []string, encoded, decoded [][]byte) {
	t.Helper()
	dir := filepath.Join("testdata", "eventstream")
	entries, err := os.ReadDir(filepath.Join(dir, "encoded", kind))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		enc, err := os.ReadFile(filepath.Join(dir, "encoded", kind, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		dec, err := os.ReadFile(filepath.Join(dir, "decoded", kind, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		names, encoded, decoded = append(names, e.Name()), append(encoded, enc), append(decoded, dec)
	}
	if len(names) < 4 {
		t.Fatalf("only %d %s vectors", len(names), kind)
	}
	return names, encoded, decoded
}

// TestEventStreamVectors decodes AWS's published messages to their published fields and
// encodes those fields back to the same bytes.
func TestEventStreamVectors(t *testing.T) {
	names, encoded, decoded := readVectors(t, "positive")
	var stream, payloads []byte
	for i, name := range names {
		t.Run(name, func(t *testing.T) {
			var want eventVector
			if err := json.Unmarshal(decoded[i], &want); err != nil {
				t.Fatal(err)
			}
			b := encoded[i]
			stream = append(stream, b...)
			m, n, err := DecodeEventMessage(append(b[:len(b):len(b)], "trailing"...))
			if err != nil {
				t.Fatal(err)
			}
			if n != int(want.TotalLength) || n != len(b) {
				t.Errorf("length %d, want %d (file %d bytes)", n, want.TotalLength, len(b))
			}
			if got := binary.BigEndian.Uint32(b[4:]); got != want.HeadersLength {
				t.Errorf("headers length %d, want %d", got, want.HeadersLength)
			}
			if got := binary.BigEndian.Uint32(b[8:]); got != uint32(want.PreludeCRC) {
				t.Errorf("prelude CRC %d, want %d", got, uint32(want.PreludeCRC))
			}
			if got := binary.BigEndian.Uint32(b[len(b)-4:]); got != uint32(want.MessageCRC) {
				t.Errorf("message CRC %d, want %d", got, uint32(want.MessageCRC))
			}
			payloads = append(payloads, m.Payload...)
			if !bytes.Equal(m.Payload, want.Payload) {
				t.Errorf("payload %q, want %q", m.Payload, want.Payload)
			}
			if len(m.Headers) != len(want.Headers) {
				t.Fatalf("%d headers, want %d", len(m.Headers), len(want.Headers))
			}
			for j, h := range m.Headers {
				w := want.Headers[j]
				if h.Name != w.Name || h.Type != w.Type {
					t.Errorf("header %d: %s type %d, want %s type %d", j, h.Name, h.Type, w.Name, w.Type)
				}
				var got any
				switch h.Type {
				case EventTrue, EventFalse:
					got = h.Type == EventTrue
				case EventBytes, EventString, EventUUID:
					got = base64.StdEncoding.EncodeToString(h.Value)
				default:
					got = h.Int()
				}
				gotJSON, _ := json.Marshal(got)
				if string(gotJSON) != string(w.Value) {
					t.Errorf("header %s = %s, want %s", h.Name, gotJSON, w.Value)
				}
			}
			headers, err := AppendEventHeaders(nil, m.Headers...)
			if err != nil {
				t.Fatal(err)
			}
			again, err := AppendEventMessage([]byte("prefix"), headers, m.Payload)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(b, again[len("prefix"):]); diff != "" {
				t.Errorf("re-encoded (-want +got):\n%s", diff)
			}
		})
	}
	// The same messages back to back, read from a stream with one reused buffer.
	r := bytes.NewReader(stream)
	var buf, got []byte
	for _, name := range names {
		var m EventMessage
		var err error
		m, buf, err = ReadEventMessage(r, buf)
		if err != nil {
			t.Fatalf("ReadEventMessage %s: %v", name, err)
		}
		got = append(got, m.Payload...)
	}
	if !bytes.Equal(got, payloads) {
		t.Errorf("payloads read from the stream %q, want %q", got, payloads)
	}
	if _, _, err := ReadEventMessage(r, buf); err != io.EOF {
		t.Errorf("after the last message: %v, want io.EOF", err)
	}
}

// TestEventStreamCorrupted: AWS's corrupted messages are refused with the checksum the
// vector names.
func TestEventStreamCorrupted(t *testing.T) {
	names, encoded, decoded := readVectors(t, "negative")
	for i, name := range names {
		t.Run(name, func(t *testing.T) {
			want := strings.ToLower(strings.TrimSuffix(strings.TrimSpace(string(decoded[i])), " mismatch"))
			_, _, err := DecodeEventMessage(encoded[i])
			var ee *EventError
			if !errors.As(err, &ee) || !strings.HasPrefix(ee.Reason, want) {
				t.Fatalf("DecodeEventMessage: %v, want an EventError about the %s", err, want)
			}
			_, _, err = ReadEventMessage(bytes.NewReader(encoded[i]), nil)
			if !errors.As(err, &ee) || !strings.HasPrefix(ee.Reason, want) {
				t.Fatalf("ReadEventMessage: %v, want an EventError about the %s", err, want)
			}
		})
	}
}

// prelude returns a prelude with a correct CRC for any lengths.
func prelude(total, headers uint32) []byte {
	b := binary.BigEndian.AppendUint32(nil, total)
	b = binary.BigEndian.AppendUint32(b, headers)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
}

// countingReader counts the bytes read from it.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func TestEventStreamBadInput(t *testing.T) {
	valid, err := AppendEventMessage(nil, mustHeaders(t, StringHeader(":message-type", "event")), []byte("{}"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   []byte
		want string // error text, or "EOF" / "unexpected EOF"
	}{
		{"empty", nil, "unexpected EOF"},
		{"prelude cut", valid[:11], "unexpected EOF"},
		{"message cut", valid[:len(valid)-1], "unexpected EOF"},
		{"total below minimum", prelude(15, 0), "malformed event-stream message: total length 15 is below the minimum 16"},
		{"headers beyond total", append(prelude(20, 5), make([]byte, 8)...), "malformed event-stream message: headers length 5 does not fit in total length 20"},
		{"too large", prelude(MaxEventMessage+1, 0), "event-stream message too large"},
		{"headers too large", prelude(MaxEventMessage, MaxEventHeaders+1), "event-stream message too large"},
		{"huge length", prelude(1<<32-1, 0), "event-stream message too large"},
		{"zero-length header name", withCRC(append(prelude(17, 1), 0)), "malformed event-stream message: header name of length 0 in 0 bytes"},
		{"unknown type", withCRC(append(prelude(19+4, 3+4), 1, 'a', 10, 0, 0, 0, 0)), "malformed event-stream message: header a: unknown type 10"},
		{"value cut", withCRC(append(prelude(16+4, 4), 1, 'a', byte(EventInt32), 0)), "malformed event-stream message: header a: value of 4 bytes in 1"},
		{"string length cut", withCRC(append(prelude(16+4, 4), 1, 'a', byte(EventString), 0)), "malformed event-stream message: header a: value length cut off"},
		{"string beyond headers", withCRC(append(prelude(16+6, 6), 1, 'a', byte(EventString), 0, 9, 'x')), "malformed event-stream message: header a: value of 9 bytes in 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := DecodeEventMessage(tt.in)
			if err == nil || err.Error() != tt.want {
				t.Errorf("DecodeEventMessage: %v, want %s", err, tt.want)
			}
			// A stream reader reads no more than the prelude of an oversized message.
			cr := &countingReader{r: bytes.NewReader(tt.in)}
			_, buf, err := ReadEventMessage(cr, nil)
			if err == nil || (err.Error() != tt.want && !(tt.want == "unexpected EOF" && err == io.EOF)) {
				t.Errorf("ReadEventMessage: %v, want %s", err, tt.want)
			}
			if errors.Is(err, ErrEventTooLarge) && (cr.n > 12 || cap(buf) > 256) {
				t.Errorf("read %d bytes into a buffer of %d for an oversized message", cr.n, cap(buf))
			}
		})
	}
}

// withCRC appends the message CRC to a message's bytes.
func withCRC(b []byte) []byte { return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b)) }

func mustHeaders(t testing.TB, hs ...EventHeader) []byte {
	t.Helper()
	b, err := AppendEventHeaders(nil, hs...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestEventStreamEncodeLimits(t *testing.T) {
	headerErrors := []struct {
		name string
		h    EventHeader
		want string
	}{
		{"empty name", StringHeader("", "v"), `event-stream header name "": length must be 1 to 127`},
		{"long name", StringHeader(strings.Repeat("n", 128), "v"), `event-stream header name "` + strings.Repeat("n", 128) + `": length must be 1 to 127`},
		{"long value", StringHeader("a", strings.Repeat("v", 1<<15)), "event-stream header a: value of 32768 bytes, limit 32767"},
		{"short int32", EventHeader{Name: "a", Type: EventInt32, Value: []byte{1}}, "event-stream header a: type 4 takes 4 bytes, got 1"},
		{"valued bool", EventHeader{Name: "a", Type: EventTrue, Value: []byte{1}}, "event-stream header a: type 0 takes 0 bytes, got 1"},
		{"unknown type", EventHeader{Name: "a", Type: 10}, "event-stream header a: unknown type 10"},
	}
	for _, tt := range headerErrors {
		if _, err := AppendEventHeaders(nil, tt.h); err == nil || err.Error() != tt.want {
			t.Errorf("%s: %v, want %s", tt.name, err, tt.want)
		}
	}
	if _, err := AppendEventHeaders(nil, StringHeader(strings.Repeat("n", 127), strings.Repeat("v", 1<<15-1))); err != nil {
		t.Errorf("largest name and value: %v", err)
	}
	headers := mustHeaders(t, StringHeader(":event-type", "SubscribeToShardEvent"))
	largest := make([]byte, MaxEventMessage-16-len(headers))
	b, err := AppendEventMessage(nil, headers, largest)
	if err != nil || len(b) != MaxEventMessage {
		t.Fatalf("largest message: %d bytes, %v", len(b), err)
	}
	if _, _, err := DecodeEventMessage(b); err != nil {
		t.Errorf("decode the largest message: %v", err)
	}
	if _, err := AppendEventMessage(nil, headers, append(largest, 0)); !errors.Is(err, ErrEventTooLarge) {
		t.Errorf("one byte over: %v, want ErrEventTooLarge", err)
	}
	if _, err := AppendEventMessage(nil, make([]byte, MaxEventHeaders+1), nil); !errors.Is(err, ErrEventTooLarge) {
		t.Errorf("headers over: %v, want ErrEventTooLarge", err)
	}
	for _, n := range []int{-1, MaxEventMessage + 1, math.MaxInt} {
		if _, err := AppendEventHead(nil, headers, n); !errors.Is(err, ErrEventTooLarge) {
			t.Errorf("AppendEventHead with a payload of %d: %v, want ErrEventTooLarge", n, err)
		}
	}
	// Head, payload and CRC written apart make the same message.
	payload := []byte(`{"Records":[]}`)
	head, err := AppendEventHead(nil, headers, len(payload))
	if err != nil {
		t.Fatal(err)
	}
	whole, _ := AppendEventMessage(nil, headers, payload)
	if apart := AppendEventCRC(append(bytes.Clone(head), payload...), head, payload); !bytes.Equal(apart, whole) {
		t.Errorf("head+payload+CRC = %x, want %x", apart, whole)
	}
}

// TestEventStreamEncodeNoAlloc: encoding into a buffer with room allocates nothing.
func TestEventStreamEncodeNoAlloc(t *testing.T) {
	headers := mustHeaders(t, StringHeader(":message-type", "event"), StringHeader(":event-type", "SubscribeToShardEvent"))
	payload := bytes.Repeat([]byte("x"), 1000)
	buf := make([]byte, 0, 2048)
	allocs := testing.AllocsPerRun(100, func() {
		var err error
		buf, err = AppendEventMessage(buf[:0], headers, payload)
		if err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per message, want 0", allocs)
	}
}

func BenchmarkAppendEventMessage(b *testing.B) {
	headers := mustHeaders(b, StringHeader(":message-type", "event"), StringHeader(":event-type", "SubscribeToShardEvent"),
		StringHeader(":content-type", "application/x-amz-json-1.1"))
	payload := bytes.Repeat([]byte("x"), 64<<10)
	buf := make([]byte, 0, 128<<10)
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = AppendEventMessage(buf[:0], headers, payload)
	}
}

func eventSeeds(f *testing.F) [][]byte {
	dir := filepath.Join("testdata", "eventstream", "encoded")
	var seeds [][]byte
	for _, kind := range []string{"positive", "negative"} {
		entries, err := os.ReadDir(filepath.Join(dir, kind))
		if err != nil {
			f.Fatal(err)
		}
		for _, e := range entries {
			b, err := os.ReadFile(filepath.Join(dir, kind, e.Name()))
			if err != nil {
				f.Fatal(err)
			}
			seeds = append(seeds, b)
		}
	}
	return seeds
}

// FuzzEventStreamDecode: any input decodes or fails with an error (never a panic); what
// decodes re-encodes to the same bytes (when its names and values are within the encoder's
// tighter limits), and every one-byte corruption of it is refused.
func FuzzEventStreamDecode(f *testing.F) {
	f.Add([]byte{})
	f.Add(prelude(MaxEventMessage, 0))
	for _, s := range eventSeeds(f) {
		f.Add(s)
		f.Add(s[:len(s)/2])
		f.Add(append(s[:len(s):len(s)], "garbage"...))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, n, err := DecodeEventMessage(b)
		if err != nil {
			var ee *EventError
			if !errors.As(err, &ee) && err != ErrEventTooLarge && err != io.ErrUnexpectedEOF {
				t.Fatalf("unexpected error type %T: %v", err, err)
			}
			return
		}
		msg := bytes.Clone(b[:n])
		headers, err := AppendEventHeaders(nil, m.Headers...)
		if err == nil {
			again, err := AppendEventMessage(nil, headers, m.Payload)
			if err != nil || !bytes.Equal(again, msg) {
				t.Fatalf("re-encoded to %x, %v; want %x", again, err, msg)
			}
		}
		for i := range msg {
			bad := bytes.Clone(msg)
			bad[i] ^= 0x5a
			if _, _, err := DecodeEventMessage(bad); err == nil {
				t.Fatalf("byte %d corrupted, still decodes", i)
			}
		}
	})
}

// FuzzEventStreamRoundTrip: what the encoder accepts decodes to the same headers and payload.
func FuzzEventStreamRoundTrip(f *testing.F) {
	f.Add(":event-type", uint8(EventString), []byte("SubscribeToShardEvent"), []byte(`{"Records":[]}`))
	f.Add("n", uint8(EventInt64), []byte{1, 2, 3, 4, 5, 6, 7, 8}, []byte{})
	f.Add("uuid", uint8(EventUUID), bytes.Repeat([]byte{7}, 16), []byte{0})
	f.Add("t", uint8(EventTrue), []byte{}, []byte("x"))
	f.Fuzz(func(t *testing.T, name string, typ uint8, value, payload []byte) {
		hs := []EventHeader{{Name: name, Type: EventValueType(typ), Value: value}, StringHeader(":message-type", "event")}
		headers, err := AppendEventHeaders(nil, hs...)
		if err != nil {
			return
		}
		b, err := AppendEventMessage(nil, headers, payload)
		if err != nil {
			return
		}
		m, n, err := DecodeEventMessage(b)
		if err != nil || n != len(b) {
			t.Fatalf("decode: %d of %d bytes, %v", n, len(b), err)
		}
		if len(m.Headers) != 2 || m.Headers[0].Name != name || m.Headers[0].Type != hs[0].Type ||
			!bytes.Equal(m.Headers[0].Value, value) || m.Header(":message-type") != "event" || !bytes.Equal(m.Payload, payload) {
			t.Fatalf("decoded %+v, want %+v and payload %x", m, hs, payload)
		}
	})
}
