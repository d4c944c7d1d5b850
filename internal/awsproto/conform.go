package awsproto

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/freshet/freshet/internal/awserr"
)

// conform re-reads, in document order, a body that failed to decode into a value of type t,
// the way AWS's Jackson-based stack reads it. It returns the first type error in AWS's words,
// or, when AWS would have accepted the body, a copy of it that encoding/json accepts too:
// fractional numbers given for integer members are floored (Jackson truncates them), "true"
// and "false" strings given for booleans become booleans, and members t does not have are
// dropped. It runs only after the fast path failed, so it may be slow.
func conform(body []byte, t reflect.Type) ([]byte, error) {
	c := conformer{dec: json.NewDecoder(bytes.NewReader(body))}
	c.dec.UseNumber()
	tok, err := c.dec.Token()
	if err != nil {
		return nil, syntaxError()
	}
	if err := c.value(tok, t); err != nil {
		return nil, err
	}
	if _, err := c.dec.Token(); err != io.EOF {
		return nil, syntaxError()
	}
	return c.out.Bytes(), nil
}

// syntaxError is AWS's answer to a body that is not JSON: a SerializationException without
// a message.
func syntaxError() error { return awserr.New(awserr.Serialization, "") }

type conformer struct {
	dec *json.Decoder
	out bytes.Buffer
}

var (
	timeType        = reflect.TypeFor[Time]()
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
)

func typeErr(format string, args ...any) error {
	return awserr.Newf(awserr.Serialization, format, args...)
}

// value checks the value that starts with tok against t and writes it out.
func (c *conformer) value(tok json.Token, t reflect.Type) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if tok == nil {
		c.out.WriteString("null")
		return nil
	}
	if t != timeType && (t.Kind() == reflect.Interface || reflect.PointerTo(t).Implements(unmarshalerType)) {
		return c.copy(tok) // the type decodes itself
	}
	switch tok := tok.(type) {
	case json.Delim:
		return c.container(tok, t)
	case string:
		return c.str(tok, t)
	case json.Number:
		return c.number(tok, t)
	case bool:
		return c.boolean(tok, t)
	}
	return syntaxError()
}

// mismatch is the message for a scalar of Java class class given where t is expected.
func mismatch(class string, t reflect.Type) error {
	switch {
	case t == timeType:
		return typeErr("class %s can not be converted to a Timestamp", class)
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		return typeErr("class %s can not be converted to a Blob", class)
	case t.Kind() == reflect.Slice || t.Kind() == reflect.Array:
		return typeErr("Expected list or null")
	case t.Kind() == reflect.Map:
		return typeErr("Expected map or null")
	case t.Kind() == reflect.Struct:
		return typeErr("Expected null")
	}
	return typeErr("class %s can not be converted to an %s", class, javaType(t))
}

func (c *conformer) container(d json.Delim, t reflect.Type) error {
	isBlob := t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8
	switch {
	case d == '[' && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) && !isBlob:
		c.out.WriteByte('[')
		for i := 0; c.dec.More(); i++ {
			if i > 0 {
				c.out.WriteByte(',')
			}
			tok, err := c.dec.Token()
			if err != nil {
				return syntaxError()
			}
			if err := c.value(tok, t.Elem()); err != nil {
				return err
			}
		}
		c.out.WriteByte(']')
		return c.end()
	case d == '[':
		return typeErr("Start of list found where not expected")
	case t.Kind() == reflect.Map:
		return c.object(func(string) (reflect.Type, bool) { return t.Elem(), true })
	case t.Kind() == reflect.Struct && t != timeType:
		fields := fieldsOf(t)
		return c.object(func(name string) (reflect.Type, bool) {
			ft, ok := fields[name]
			return ft, ok
		})
	}
	return typeErr("Start of structure or map found where not expected.")
}

// object reads the members of an object whose '{' was read; member gives each member's type
// (false: unknown, dropped). Null members are dropped too, as AWS treats them as absent.
func (c *conformer) object(member func(string) (reflect.Type, bool)) error {
	c.out.WriteByte('{')
	n := 0
	for c.dec.More() {
		tok, err := c.dec.Token()
		if err != nil {
			return syntaxError()
		}
		name, _ := tok.(string)
		if tok, err = c.dec.Token(); err != nil {
			return syntaxError()
		}
		ft, ok := member(name)
		if !ok || tok == nil {
			if err := c.skip(tok); err != nil {
				return err
			}
			continue
		}
		if n > 0 {
			c.out.WriteByte(',')
		}
		n++
		writeString(&c.out, name)
		c.out.WriteByte(':')
		if err := c.value(tok, ft); err != nil {
			return err
		}
	}
	c.out.WriteByte('}')
	return c.end()
}

// end reads the closing delimiter of an object or array.
func (c *conformer) end() error {
	if _, err := c.dec.Token(); err != nil {
		return syntaxError()
	}
	return nil
}

func (c *conformer) str(s string, t reflect.Type) error {
	switch {
	case t.Kind() == reflect.String || t == timeType:
		writeString(&c.out, s)
		return nil
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		if err := checkBase64(s); err != nil {
			return err
		}
		writeString(&c.out, s)
		return nil
	case t.Kind() == reflect.Bool:
		switch strings.ToLower(s) {
		case "true", "false":
			c.out.WriteString(strings.ToLower(s))
			return nil
		}
		return typeErr("'%s' can not be converted to an Boolean", strings.ToUpper(s))
	}
	return mismatch("java.lang.String", t)
}

func (c *conformer) number(n json.Number, t reflect.Type) error {
	switch t.Kind() {
	case reflect.Float32, reflect.Float64:
		c.out.WriteString(n.String())
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if _, err := strconv.ParseInt(n.String(), 10, 64); err == nil {
			c.out.WriteString(n.String())
			return nil
		}
		f, err := strconv.ParseFloat(n.String(), 64)
		if err != nil || f >= 1<<63 || f < -(1<<63) {
			return typeErr("Numeric value (%s) out of range of %s", n, strings.ToLower(javaType(t)))
		}
		c.out.WriteString(strconv.FormatInt(int64(f), 10)) // Jackson truncates toward zero
		return nil
	}
	if t == timeType {
		c.out.WriteString(n.String())
		return nil
	}
	return mismatch("java.math.BigDecimal", t)
}

func (c *conformer) boolean(b bool, t reflect.Type) error {
	if t.Kind() == reflect.Bool {
		c.out.WriteString(strconv.FormatBool(b))
		return nil
	}
	return mismatch("java.lang.Boolean", t)
}

// copy writes out the value starting with tok as it is.
func (c *conformer) copy(tok json.Token) error {
	switch tok := tok.(type) {
	case json.Delim:
		open := byte(tok)
		c.out.WriteByte(open)
		for i := 0; c.dec.More(); i++ {
			if i > 0 {
				c.out.WriteByte(',')
			}
			next, err := c.dec.Token()
			if err != nil {
				return syntaxError()
			}
			if open == '{' {
				writeString(&c.out, next.(string))
				c.out.WriteByte(':')
				if next, err = c.dec.Token(); err != nil {
					return syntaxError()
				}
			}
			if err := c.copy(next); err != nil {
				return err
			}
		}
		c.out.WriteByte(open + 2) // '[' → ']', '{' → '}'
		return c.end()
	case string:
		writeString(&c.out, tok)
	case json.Number:
		c.out.WriteString(tok.String())
	case bool:
		c.out.WriteString(strconv.FormatBool(tok))
	case nil:
		c.out.WriteString("null")
	}
	return nil
}

// skip reads past the value that starts with tok.
func (c *conformer) skip(tok json.Token) error {
	if _, ok := tok.(json.Delim); !ok {
		return nil
	}
	for depth := 1; depth > 0; {
		tok, err := c.dec.Token()
		if err != nil {
			return syntaxError()
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
	}
	return nil
}

func writeString(b *bytes.Buffer, s string) {
	q, _ := json.Marshal(s)
	b.Write(q)
}

// checkBase64 words a bad blob as AWS does.
func checkBase64(s string) error {
	if len(s)%4 != 0 {
		return typeErr("'%s' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: %d", s, len(s))
	}
	for i := 0; i < len(s); i++ {
		ch := s[i]
		ok := ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '+' || ch == '/' ||
			ch == '=' && (i+1 == len(s) || s[i+1] == '=')
		if !ok {
			return typeErr("'%s' can not be converted to a Blob: Invalid Base64 character: '%c'", s, ch)
		}
	}
	// Like encoding/json on the fast path (and unlike AWS), unused bits in the last
	// character are tolerated.
	if _, err := base64.StdEncoding.DecodeString(s); err != nil {
		return typeErr("'%s' can not be converted to a Blob: Invalid last non-pad Base64 character dectected", s)
	}
	return nil
}

// fieldsOf maps the JSON member names of struct type t (case-sensitive, as AWS reads them)
// to their types, including the members of embedded structs.
func fieldsOf(t reflect.Type) map[string]reflect.Type {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string]reflect.Type)
	}
	m := map[string]reflect.Type{}
	var add func(t reflect.Type)
	add = func(t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			name, _, _ := strings.Cut(tag, ",")
			if name == "-" || (!f.IsExported() && !f.Anonymous) {
				continue
			}
			if f.Anonymous && name == "" {
				ft := f.Type
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					add(ft)
					continue
				}
			}
			if name == "" {
				name = f.Name
			}
			if _, dup := m[name]; !dup {
				m[name] = f.Type
			}
		}
	}
	add(t)
	fieldCache.Store(t, m)
	return m
}

var fieldCache sync.Map // reflect.Type → map[string]reflect.Type

// decodeError turns a failed decode of body into v into AWS's SerializationException, or
// decodes the body after all when AWS would have accepted it (see conform).
func decodeError(body []byte, v any, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return syntaxError()
	}
	fixed, cerr := conform(body, reflect.TypeOf(v))
	if cerr != nil {
		return cerr
	}
	if err := json.Unmarshal(fixed, v); err != nil {
		if e, ok := awserr.As(err); ok {
			return e
		}
		return awserr.New(awserr.Serialization, fmt.Sprint("Unable to read the request: ", err))
	}
	return nil
}
