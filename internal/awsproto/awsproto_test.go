package awsproto

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/freshet/freshet/internal/awserr"
)

type inner struct {
	Type *string `json:"Type,omitempty"`
	N    *int64  `json:"N,omitempty"`
}

type embedded struct {
	Extra *string `json:"Extra,omitempty"`
}

type testInput struct {
	embedded
	Name    *string           `json:"Name,omitempty"`
	Count   *int64            `json:"Count,omitempty"`
	Ratio   *float64          `json:"Ratio,omitempty"`
	Flag    *bool             `json:"Flag,omitempty"`
	Data    []byte            `json:"Data,omitempty"`
	List    []string          `json:"List,omitempty"`
	Tags    map[string]string `json:"Tags,omitempty"`
	Filter  *inner            `json:"Filter,omitempty"`
	Records []inner           `json:"Records,omitempty"`
	When    *Time             `json:"When,omitempty"`
}

func TestDecodeSerializationErrors(t *testing.T) {
	// Texts from AWS's Coral/Jackson stack as kinesalite (checked against AWS) records them.
	tests := []struct {
		body string
		want string // "" = a SerializationException without a message
	}{
		{``, ""},
		{`   `, ""},
		{`hello`, ""},
		{`null`, ""},
		{`5`, ""},
		{`"x"`, ""},
		{`{"Name":`, ""},
		{`{"Name":"a"} garbage`, ""},
		{`{"Name":"a"}{}`, ""},
		{"{\"Name\":\"\xff\"}", ""}, // invalid UTF-8
		{"{\"Name\":\"a\xc3\"}", ""},
		{"{\"Name\":\"\xed\xa0\x80\"}", ""}, // a UTF-16 surrogate in UTF-8
		{`[]`, "Start of list found where not expected"},
		{`{"Count":"1"}`, "class java.lang.String can not be converted to an Integer"},
		{`{"Count":true}`, "class java.lang.Boolean can not be converted to an Integer"},
		{`{"Count":{}}`, "Start of structure or map found where not expected."},
		{`{"Count":[]}`, "Start of list found where not expected"},
		{`{"Count":1e30}`, "Numeric value (1e30) out of range of integer"},
		{`{"Ratio":"x"}`, "class java.lang.String can not be converted to an Double"},
		{`{"Name":5}`, "class java.math.BigDecimal can not be converted to an String"},
		{`{"Name":false}`, "class java.lang.Boolean can not be converted to an String"},
		{`{"Name":{"a":1}}`, "Start of structure or map found where not expected."},
		{`{"Name":["a"]}`, "Start of list found where not expected"},
		{`{"Flag":1}`, "class java.math.BigDecimal can not be converted to an Boolean"},
		{`{"Flag":"yes"}`, "'YES' can not be converted to an Boolean"},
		{`{"Data":1}`, "class java.math.BigDecimal can not be converted to a Blob"},
		{`{"Data":true}`, "class java.lang.Boolean can not be converted to a Blob"},
		{`{"Data":"abc"}`, "'abc' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 3"},
		{`{"Data":"ab.d"}`, "'ab.d' can not be converted to a Blob: Invalid Base64 character: '.'"},
		{`{"Data":"a=bc"}`, "'a=bc' can not be converted to a Blob: Invalid Base64 character: '='"},
		{`{"Data":"Y==="}`, "'Y===' can not be converted to a Blob: Invalid last non-pad Base64 character dectected"},
		{`{"Data":{}}`, "Start of structure or map found where not expected."},
		{`{"List":"a"}`, "Expected list or null"},
		{`{"List":{}}`, "Start of structure or map found where not expected."},
		{`{"List":[1]}`, "class java.math.BigDecimal can not be converted to an String"},
		{`{"Tags":"a"}`, "Expected map or null"},
		{`{"Tags":[]}`, "Start of list found where not expected"},
		{`{"Tags":{"k":1}}`, "class java.math.BigDecimal can not be converted to an String"},
		{`{"Filter":"a"}`, "Expected null"},
		{`{"Filter":[]}`, "Start of list found where not expected"},
		{`{"Filter":{"Type":1}}`, "class java.math.BigDecimal can not be converted to an String"},
		{`{"Records":[{"N":"x"}]}`, "class java.lang.String can not be converted to an Integer"},
		{`{"Extra":1}`, "class java.math.BigDecimal can not be converted to an String"},
		{`{"When":true}`, "class java.lang.Boolean can not be converted to a Timestamp"},
		{`{"When":{}}`, "Start of structure or map found where not expected."},
		{`{"When":"soon"}`, "class java.lang.String can not be converted to a Timestamp"},
		// The first error in document order wins.
		{`{"Name":1,"Count":"x"}`, "class java.math.BigDecimal can not be converted to an String"},
		{`{"Count":"x","Name":1}`, "class java.lang.String can not be converted to an Integer"},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			var in testInput
			err := JSON.Decode([]byte(tt.body), &in)
			e, ok := awserr.As(err)
			if !ok {
				t.Fatalf("Decode(%s) = %v, want a SerializationException", tt.body, err)
			}
			if e.Code != awserr.Serialization || e.Message != tt.want {
				t.Errorf("Decode(%s) = %s: %q, want SerializationException: %q", tt.body, e.Code, e.Message, tt.want)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestDecodeAccepts(t *testing.T) {
	tests := []struct {
		body string
		want testInput
	}{
		{`{}`, testInput{}},
		{" \n{\"Name\":\"a\"}\n", testInput{Name: ptr("a")}},
		// Unknown members and nulls are ignored, wherever they are.
		{`{"Name":"a","Unknown":{"x":[1,{"y":null}]},"Count":null}`, testInput{Name: ptr("a")}},
		// Jackson truncates a fractional number given for an integer member.
		{`{"Count":2.9,"Name":"a"}`, testInput{Name: ptr("a"), Count: ptr[int64](2)}},
		{`{"Records":[{"N":1.5}],"Unknown":[1]}`, testInput{Records: []inner{{N: ptr[int64](1)}}}},
		{`{"Flag":"true"}`, testInput{Flag: ptr(true)}},
		{`{"Flag":"False","Count":1.0}`, testInput{Flag: ptr(false), Count: ptr[int64](1)}},
		{`{"Data":"YmxvYg=="}`, testInput{Data: []byte("blob")}},
		{`{"Data":""}`, testInput{Data: []byte{}}},
		{`{"Data":"YR==","Count":1.5}`, testInput{Data: []byte("a"), Count: ptr[int64](1)}}, // AWS: "Invalid last non-pad Base64 character"
		{`{"Extra":"e","Count":3}`, testInput{embedded: embedded{Extra: ptr("e")}, Count: ptr[int64](3)}},
		{`{"When":1506440188.749}`, testInput{When: &Time{time.UnixMilli(1506440188749).UTC()}}},
		{`{"When":1506440188749,"Count":0.5}`, testInput{When: &Time{time.UnixMilli(1506440188749).UTC()}, Count: ptr[int64](0)}},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			var got testInput
			if err := JSON.Decode([]byte(tt.body), &got); err != nil {
				t.Fatalf("Decode(%s): %v", tt.body, err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(testInput{})); diff != "" {
				t.Errorf("Decode(%s) mismatch (-want +got):\n%s", tt.body, diff)
			}
		})
	}
}

func TestEncodeError(t *testing.T) {
	tests := []struct {
		err  *awserr.Error
		want string
	}{
		{awserr.New(awserr.ResourceNotFound, "Stream x under account 000000000000 not found."),
			`{"__type":"ResourceNotFoundException","message":"Stream x under account 000000000000 not found."}`},
		{awserr.New(awserr.Serialization, "Expected null"), `{"Message":"Expected null","__type":"SerializationException"}`},
		{awserr.New(awserr.Serialization, ""), `{"__type":"SerializationException"}`},
		{awserr.New(awserr.InternalFailure, ""), `{"__type":"InternalFailure"}`},
	}
	for _, tt := range tests {
		if got := string(JSON.EncodeError(tt.err)); got != tt.want {
			t.Errorf("EncodeError(%v) = %s, want %s", tt.err, got, tt.want)
		}
	}
}

func TestTimeJSON(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64 // unix ms
	}{
		{"1506440188.749", 1506440188749},
		{"1506440188", 1506440188000},
		{`"1506440188.5"`, 1506440188500},
		{`"2017-09-26T15:36:28.749Z"`, 1506440188749},
		{"1506440188749", 1506440188749}, // milliseconds, as the Java SDK v1 sends them
		{"1e300", math.MaxInt64},         // beyond int64 milliseconds: the far future, not the past
		{"-1e300", math.MinInt64},
	} {
		var got Time
		if err := got.UnmarshalJSON([]byte(tt.in)); err != nil {
			t.Fatalf("UnmarshalJSON(%s): %v", tt.in, err)
		}
		if got.UnixMilli() != tt.want {
			t.Errorf("UnmarshalJSON(%s) = %d ms, want %d", tt.in, got.UnixMilli(), tt.want)
		}
	}
	b, _ := NewTime(time.UnixMilli(1506440188749)).MarshalJSON()
	if string(b) != "1506440188.749" {
		t.Errorf("MarshalJSON = %s, want 1506440188.749", b)
	}
	if b, _ := NewTime(time.Unix(946684800, 0)).MarshalJSON(); string(b) != "946684800" {
		t.Errorf("MarshalJSON = %s, want 946684800", b)
	}
}

// FuzzDecode: any body either decodes or is a SerializationException in AWS's words; the
// slow path (conform) never accepts a body that encoding/json then refuses.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		``, `{}`, `{"Name":"a","Count":1.5}`, `{"Data":"YWJj","Records":[{"N":2.5,"Type":"x"}]}`,
		`{"Tags":{"a":"b"},"Filter":{"Type":"T","N":1e3},"When":1.5e9}`, `{"Flag":"TRUE","Unknown":{"x":[1,{"y":null}]}}`,
		`{"List":["a",null],"Count":-0.5}`, `{"Name":"a"}garbage`, `{"Name":`, `[{"Name":1}]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var in testInput
		err := JSON.Decode(body, &in)
		if err == nil {
			return
		}
		e, ok := awserr.As(err)
		if !ok || e.Code != awserr.Serialization || strings.HasPrefix(e.Message, "Unable to read the request") {
			t.Fatalf("Decode(%q) = %v", body, err)
		}
	})
}

// TestDecodeBoundsListLength: a list or object of more than 65,536 entries is refused before
// encoding/json turns each into a value (a 16 MiB body of "{}" entries cost about 1 GB);
// 65,536 still decode. Commas inside strings do not count.
func TestDecodeBoundsListLength(t *testing.T) {
	type input struct {
		Records []struct{ Data []byte }
		Tags    map[string]string
		Name    string
	}
	list := func(n int) string { return strings.TrimSuffix(strings.Repeat("{},", n), ",") }
	tags := func(n int) string {
		var b strings.Builder
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `"k%d":""`, i)
		}
		return b.String()
	}
	for _, tc := range []struct {
		name, body string
		wantErr    bool
	}{
		{"65536 records", `{"Records":[` + list(65536) + `]}`, false},
		{"65537 records", `{"Records":[` + list(65537) + `]}`, true},
		{"65537 tags", `{"Tags":{` + tags(65537) + `}}`, true},
		{"commas in a string", `{"Name":"` + strings.Repeat(",", 200000) + `"}`, false},
	} {
		var in input
		err := JSON.Decode([]byte(tc.body), &in)
		if !tc.wantErr {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if e, ok := awserr.As(err); !ok || e.Code != awserr.Serialization || e.Message != "A JSON list or object in the request body has more than 65536 entries." {
			t.Errorf("%s: %v, want a SerializationException", tc.name, err)
		}
	}
}
