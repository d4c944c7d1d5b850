package awserr

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestHTTPStatus(t *testing.T) {
	for code, want := range map[string]int{
		InternalFailure:            500,
		ServiceUnavailable:         503,
		ResourceNotFound:           400,
		Validation:                 400,
		Serialization:              400,
		UnknownOperation:           400,
		MissingAuthenticationToken: 400, // AWS's JSON answer; 403 only for requests it cannot route
		IncompleteSignature:        400,
		InvalidSignature:           400,
		LimitExceeded:              400,
	} {
		if got := New(code, "").HTTPStatus(); got != want {
			t.Errorf("%s: HTTPStatus = %d, want %d", code, got, want)
		}
	}
	if got := (&Error{Code: Serialization, Status: 413}).HTTPStatus(); got != 413 {
		t.Errorf("Status override: HTTPStatus = %d, want 413", got)
	}
}

func TestAsAndIsCode(t *testing.T) {
	base := Newf(ResourceNotFound, "Stream %s under account %s not found.", "s", "000000000000")
	if base.Message != "Stream s under account 000000000000 not found." {
		t.Errorf("Newf message = %q", base.Message)
	}
	wrapped := fmt.Errorf("describe: %w", base)
	if e, ok := As(wrapped); !ok || e != base {
		t.Errorf("As(wrapped) = %v, %v", e, ok)
	}
	if !IsCode(wrapped, ResourceNotFound) || IsCode(wrapped, ResourceInUse) {
		t.Errorf("IsCode on a wrapped error")
	}
	if _, ok := As(errors.New("internal")); ok {
		t.Errorf("As(plain error) = true")
	}
	if IsCode(nil, ResourceNotFound) {
		t.Errorf("IsCode(nil) = true")
	}
	if got := base.Error(); got != "ResourceNotFoundException: Stream s under account 000000000000 not found." {
		t.Errorf("Error() = %q", got)
	}
}

func p[T any](v T) *T { return &v }

func TestValidator(t *testing.T) {
	name := NewPattern("^[a-zA-Z0-9_.-]+$")
	tests := []struct {
		name  string
		check func(v *Validator)
		want  string // "" = no error
	}{
		{"nothing wrong", func(v *Validator) {
			v.Str("streamName", p("ok"), true, 1, 128, name)
			v.Int("shardCount", p[int64](1), false, 1, NoMax)
		}, ""},
		{"optional members absent", func(v *Validator) {
			v.Str("a", nil, false, 1, 2, name)
			v.Int("b", nil, false, 1, 2)
			v.Enum("c", nil, false, []string{"X"})
			v.Blob("d", nil, false, 1, 2)
			v.List("e", 0, false, false, 1, 2, "")
		}, ""},
		{"required member absent", func(v *Validator) { v.Str("streamName", nil, true, 1, 128, name) },
			"1 validation error detected: Value null at 'streamName' failed to satisfy constraint: Member must not be null"},
		{"integer below range", func(v *Validator) { v.Int("shardCount", p[int64](0), false, 1, NoMax) },
			"1 validation error detected: Value '0' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"integer above range", func(v *Validator) { v.Int("limit", p[int64](10001), false, 1, 10000) },
			"1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000"},
		{"pattern then lengths", func(v *Validator) { v.Str("streamName", p(""), true, 1, 128, name) },
			"2 validation errors detected: Value '' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
				"Value '' at 'streamName' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"length counts characters", func(v *Validator) { v.Str("partitionKey", p(strings.Repeat("é", 3)), true, 1, 2, nil) },
			"1 validation error detected: Value 'ééé' at 'partitionKey' failed to satisfy constraint: Member must have length less than or equal to 2"},
		{"enum", func(v *Validator) {
			v.Enum("streamModeDetails.streamMode", p("X"), true, []string{"PROVISIONED", "ON_DEMAND"})
		},
			"1 validation error detected: Value 'X' at 'streamModeDetails.streamMode' failed to satisfy constraint: Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]"},
		{"blob", func(v *Validator) { v.Blob("records.1.member.data", make([]byte, 3), true, 0, 2) },
			"1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=3 cap=3]' at 'records.1.member.data' failed to satisfy constraint: Member must have length less than or equal to 2"},
		{"list", func(v *Validator) { v.List("tagKeys", 0, true, true, 1, 50, "[]") },
			"1 validation error detected: Value '[]' at 'tagKeys' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"constraint", func(v *Validator) {
			v.Constraint("[a]", "shardLevelMetrics", "Member must satisfy constraint: [Member must satisfy enum value set: [ALL]]")
		}, "1 validation error detected: Value '[a]' at 'shardLevelMetrics' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [ALL]]"},
		{"at most ten", func(v *Validator) {
			for i := range 12 {
				v.Null(fmt.Sprintf("m%d", i))
			}
		}, "10 validation errors detected: " + strings.TrimSuffix(strings.Repeat("Value null at 'mX' failed to satisfy constraint: Member must not be null; ", 10), "; ")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v Validator
			tt.check(&v)
			err := v.Err()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Err() = %v, want nil", err)
				}
				return
			}
			e, ok := As(err)
			if !ok || e.Code != Validation {
				t.Fatalf("Err() = %v, want a ValidationException", err)
			}
			got := e.Message
			if tt.name == "at most ten" {
				for i := range 10 {
					got = strings.Replace(got, fmt.Sprintf("'m%d'", i), "'mX'", 1)
				}
			}
			if got != tt.want {
				t.Errorf("message\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}
