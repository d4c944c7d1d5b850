package awsproto

// AWS event-stream framing (application/vnd.amazon.eventstream), the body of a
// SubscribeToShard answer. A message is
//
//	total length (u32) | headers length (u32) | CRC32 of those 8 bytes |
//	headers | payload | CRC32 of everything before it
//
// all big-endian, CRC32 IEEE. A header is a name (u8 length, bytes), a type byte, and a
// value whose encoding the type decides: nothing for booleans, 1/2/4/8-byte integers, a u16
// length and bytes for byte arrays and strings, 8-byte epoch milliseconds for timestamps,
// 16 bytes for a UUID.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

// EventStreamContentType is the Content-Type of an event-stream response.
const EventStreamContentType = "application/vnd.amazon.eventstream"

// Event-stream limits, as aws-c-event-stream (the C, C++ and CRT SDKs) enforces them: a
// larger message is refused by those clients, so it is neither written nor read here.
const (
	MaxEventMessage    = 16 << 20  // total length, prelude and CRCs included
	MaxEventHeaders    = 128 << 10 // headers section
	maxEventHeaderName = 127       // aws-c-event-stream's limit (the wire allows 255)
	maxEventValue      = 1<<15 - 1 // a string or byte-array value
	eventPrelude       = 12        // total length, headers length, prelude CRC
	eventOverhead      = eventPrelude + 4
)

// EventValueType is the type byte of an event-stream header value.
type EventValueType byte

// The header value types the event-stream format defines.
const (
	EventTrue EventValueType = iota
	EventFalse
	EventByte
	EventInt16
	EventInt32
	EventInt64
	EventBytes
	EventString
	EventTimestamp
	EventUUID
)

// fixedSize is the value length of a fixed-size type, -1 for byte arrays and strings, -2 for
// an unknown type.
func (t EventValueType) fixedSize() int {
	switch t {
	case EventTrue, EventFalse:
		return 0
	case EventByte:
		return 1
	case EventInt16:
		return 2
	case EventInt32:
		return 4
	case EventInt64, EventTimestamp:
		return 8
	case EventUUID:
		return 16
	case EventBytes, EventString:
		return -1
	}
	return -2
}

// EventHeader is one message header. Value holds the value as on the wire, without the
// length prefix of byte arrays and strings: big-endian integers, epoch milliseconds for a
// timestamp, 16 bytes for a UUID, nothing for a boolean.
type EventHeader struct {
	Name  string
	Type  EventValueType
	Value []byte
}

// StringHeader returns a header with a string value.
func StringHeader(name, value string) EventHeader {
	return EventHeader{Name: name, Type: EventString, Value: []byte(value)}
}

// Int returns an integer or timestamp (epoch milliseconds) value; 0 for other types.
func (h EventHeader) Int() int64 {
	if len(h.Value) != h.Type.fixedSize() {
		return 0
	}
	switch h.Type {
	case EventByte:
		return int64(int8(h.Value[0]))
	case EventInt16:
		return int64(int16(binary.BigEndian.Uint16(h.Value)))
	case EventInt32:
		return int64(int32(binary.BigEndian.Uint32(h.Value)))
	case EventInt64, EventTimestamp:
		return int64(binary.BigEndian.Uint64(h.Value))
	}
	return 0
}

// EventMessage is one event-stream message. A decoded message's slices point into the
// buffer it was decoded from.
type EventMessage struct {
	Headers []EventHeader
	Payload []byte
}

// Header returns the value of the first header named name as a string ("" if none).
func (m *EventMessage) Header(name string) string {
	for _, h := range m.Headers {
		if h.Name == name {
			return string(h.Value)
		}
	}
	return ""
}

// ErrEventTooLarge is returned for a message over MaxEventMessage or headers over
// MaxEventHeaders.
var ErrEventTooLarge = errors.New("event-stream message too large")

// AppendEventHeaders appends the encoded headers to dst: a headers section that
// AppendEventMessage can take as is, so that constant headers are encoded once.
func AppendEventHeaders(dst []byte, headers ...EventHeader) ([]byte, error) {
	for _, h := range headers {
		if len(h.Name) == 0 || len(h.Name) > maxEventHeaderName {
			return dst, fmt.Errorf("event-stream header name %q: length must be 1 to %d", h.Name, maxEventHeaderName)
		}
		dst = append(dst, byte(len(h.Name)))
		dst = append(dst, h.Name...)
		dst = append(dst, byte(h.Type))
		switch n := h.Type.fixedSize(); {
		case n == -1:
			if len(h.Value) > maxEventValue {
				return dst, fmt.Errorf("event-stream header %s: value of %d bytes, limit %d", h.Name, len(h.Value), maxEventValue)
			}
			dst = binary.BigEndian.AppendUint16(dst, uint16(len(h.Value)))
		case n == -2:
			return dst, fmt.Errorf("event-stream header %s: unknown type %d", h.Name, h.Type)
		case n != len(h.Value):
			return dst, fmt.Errorf("event-stream header %s: type %d takes %d bytes, got %d", h.Name, h.Type, n, len(h.Value))
		}
		dst = append(dst, h.Value...)
	}
	return dst, nil
}

// AppendEventMessage appends one message to dst: headers is an encoded headers section (from
// AppendEventHeaders). It allocates only if dst lacks room.
func AppendEventMessage(dst, headers, payload []byte) ([]byte, error) {
	start := len(dst)
	dst, err := AppendEventHead(dst, headers, len(payload))
	if err != nil {
		return dst, err
	}
	dst = append(dst, payload...)
	return binary.BigEndian.AppendUint32(dst, crc32.ChecksumIEEE(dst[start:])), nil
}

// AppendEventHead appends the prelude and headers of a message whose payload has
// payloadLen bytes: the message is the head, the payload, then AppendEventCRC's 4 bytes. A
// writer can so send a large payload without copying it.
func AppendEventHead(dst, headers []byte, payloadLen int) ([]byte, error) {
	if len(headers) > MaxEventHeaders || payloadLen < 0 || payloadLen > MaxEventMessage {
		return dst, ErrEventTooLarge
	}
	total := eventOverhead + len(headers) + payloadLen
	if total > MaxEventMessage {
		return dst, ErrEventTooLarge
	}
	start := len(dst)
	dst = binary.BigEndian.AppendUint32(dst, uint32(total))
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(headers)))
	dst = binary.BigEndian.AppendUint32(dst, crc32.ChecksumIEEE(dst[start:]))
	return append(dst, headers...), nil
}

// AppendEventCRC appends the message CRC of the message made of head (from
// AppendEventHead) and payload.
func AppendEventCRC(dst, head, payload []byte) []byte {
	return binary.BigEndian.AppendUint32(dst, crc32.Update(crc32.ChecksumIEEE(head), crc32.IEEETable, payload))
}

// EventError is a malformed event-stream message.
type EventError struct{ Reason string }

func (e *EventError) Error() string { return "malformed event-stream message: " + e.Reason }

func eventErr(format string, args ...any) error {
	return &EventError{Reason: fmt.Sprintf(format, args...)}
}

// eventLengths checks a prelude and returns the message's total and headers lengths.
func eventLengths(prelude []byte) (total, headers int, err error) {
	t := binary.BigEndian.Uint32(prelude[0:])
	h := binary.BigEndian.Uint32(prelude[4:])
	if crc := binary.BigEndian.Uint32(prelude[8:]); crc != crc32.ChecksumIEEE(prelude[:8]) {
		return 0, 0, eventErr("prelude checksum %08x, computed %08x", crc, crc32.ChecksumIEEE(prelude[:8]))
	}
	switch {
	case t < eventOverhead:
		return 0, 0, eventErr("total length %d is below the minimum %d", t, eventOverhead)
	case t > MaxEventMessage || h > MaxEventHeaders:
		return 0, 0, ErrEventTooLarge
	case h > t-eventOverhead:
		return 0, 0, eventErr("headers length %d does not fit in total length %d", h, t)
	}
	return int(t), int(h), nil
}

// DecodeEventMessage decodes the message at the start of b and returns it with its length.
// The message's slices point into b. A truncated message is io.ErrUnexpectedEOF; a bad
// length, checksum or header is an *EventError (or ErrEventTooLarge).
func DecodeEventMessage(b []byte) (EventMessage, int, error) {
	if len(b) < eventPrelude {
		return EventMessage{}, 0, io.ErrUnexpectedEOF
	}
	total, hlen, err := eventLengths(b[:eventPrelude])
	if err != nil {
		return EventMessage{}, 0, err
	}
	if len(b) < total {
		return EventMessage{}, 0, io.ErrUnexpectedEOF
	}
	if crc, sum := binary.BigEndian.Uint32(b[total-4:]), crc32.ChecksumIEEE(b[:total-4]); crc != sum {
		return EventMessage{}, 0, eventErr("message checksum %08x, computed %08x", crc, sum)
	}
	headers, err := decodeEventHeaders(b[eventPrelude : eventPrelude+hlen])
	if err != nil {
		return EventMessage{}, 0, err
	}
	return EventMessage{Headers: headers, Payload: b[eventPrelude+hlen : total-4]}, total, nil
}

func decodeEventHeaders(b []byte) ([]EventHeader, error) {
	var headers []EventHeader
	for len(b) > 0 {
		n := int(b[0])
		if n == 0 || len(b) < 1+n+1 {
			return nil, eventErr("header name of length %d in %d bytes", n, len(b)-1)
		}
		h := EventHeader{Name: string(b[1 : 1+n]), Type: EventValueType(b[1+n])}
		b = b[1+n+1:]
		size := h.Type.fixedSize()
		switch size {
		case -2:
			return nil, eventErr("header %s: unknown type %d", h.Name, h.Type)
		case -1:
			if len(b) < 2 {
				return nil, eventErr("header %s: value length cut off", h.Name)
			}
			size = int(binary.BigEndian.Uint16(b))
			b = b[2:]
		}
		if len(b) < size {
			return nil, eventErr("header %s: value of %d bytes in %d", h.Name, size, len(b))
		}
		h.Value = b[:size:size]
		b = b[size:]
		headers = append(headers, h)
	}
	return headers, nil
}

// ReadEventMessage reads one message from r into buf (grown as needed, to at most
// MaxEventMessage) and decodes it; it returns the message and the buffer to reuse. The end
// of r before a message is io.EOF, within one io.ErrUnexpectedEOF.
func ReadEventMessage(r io.Reader, buf []byte) (EventMessage, []byte, error) {
	buf = buf[:0]
	if cap(buf) < eventPrelude {
		buf = make([]byte, 0, 256)
	}
	buf = buf[:eventPrelude]
	if _, err := io.ReadFull(r, buf); err != nil {
		return EventMessage{}, buf, err
	}
	total, _, err := eventLengths(buf)
	if err != nil {
		return EventMessage{}, buf, err
	}
	if cap(buf) < total {
		buf = append(buf[:eventPrelude:eventPrelude], make([]byte, total-eventPrelude)...)
	}
	buf = buf[:total]
	if _, err := io.ReadFull(r, buf[eventPrelude:]); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return EventMessage{}, buf, err
	}
	m, _, err := DecodeEventMessage(buf)
	return m, buf, err
}
