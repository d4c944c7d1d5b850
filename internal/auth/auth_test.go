package auth

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/freshet/freshet/internal/awserr"
)

func TestResolve(t *testing.T) {
	tests := []struct {
		name    string
		target  string // path and query
		headers map[string]string
		want    Scope
		code    string
	}{
		{"signed", "/", map[string]string{
			"Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20261126/eu-west-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=ab",
			"X-Amz-Date":    "20261126T000000Z",
		}, Scope{"000000000000", "eu-west-1"}, ""},
		{"12-digit access key", "/", map[string]string{
			"Authorization": "AWS4-HMAC-SHA256 Credential=123456789012/20261126/us-west-2/kinesis/aws4_request,SignedHeaders=host,Signature=ab",
			"Date":          "Thu, 26 Nov 2026 00:00:00 GMT",
		}, Scope{"123456789012", "us-west-2"}, ""},
		{"empty service segment", "/", map[string]string{
			"Authorization": "AWS4-HMAC-SHA256 Credential=undefined/20261126/ca-central-1//aws4_request, SignedHeaders=host, Signature=ab",
			"X-Amz-Date":    "20261126T000000Z",
		}, Scope{"000000000000", "ca-central-1"}, ""},
		{"credential without a scope", "/", map[string]string{
			"Authorization": "AWS4-HMAC-SHA256 Credential=1234567890123, SignedHeaders=host, Signature=ab",
			"X-Amz-Date":    "20261126T000000Z",
		}, Scope{"000000000000", "us-east-1"}, ""},
		{"presigned", "/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=210987654321%2F20261126%2Fsa-east-1%2Fkinesis%2Faws4_request&X-Amz-Signature=a&X-Amz-SignedHeaders=host&X-Amz-Date=x",
			nil, Scope{"210987654321", "sa-east-1"}, ""},
		{"nothing", "/", nil, Scope{}, awserr.MissingAuthenticationToken},
		{"empty Authorization", "/", map[string]string{"Authorization": ""}, Scope{}, awserr.MissingAuthenticationToken},
		{"empty parameter value", "/", map[string]string{
			"Authorization": "AWS4-HMAC-SHA256 Credential=, SignedHeaders=host, Signature=ab", "X-Amz-Date": "x",
		}, Scope{}, awserr.IncompleteSignature},
		{"region with a wildcard", "/", map[string]string{
			"Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20261126/us*east/kinesis/aws4_request, SignedHeaders=host, Signature=ab",
			"X-Amz-Date":    "20261126T000000Z",
		}, Scope{}, awserr.InvalidSignature},
		{"region with a dot", "/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20261126%2Fus.east%2Fkinesis%2Faws4_request&X-Amz-Signature=a&X-Amz-SignedHeaders=host&X-Amz-Date=x",
			nil, Scope{}, awserr.InvalidSignature},
		{"region too long", "/", map[string]string{
			"Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20261126/" + strings.Repeat("a", 65) + "/kinesis/aws4_request, SignedHeaders=host, Signature=ab",
			"X-Amz-Date":    "20261126T000000Z",
		}, Scope{}, awserr.InvalidSignature},
		{"both", "/?X-Amz-Algorithm=", map[string]string{"Authorization": "AWS4-HMAC-SHA256 Credential=a"}, Scope{}, awserr.InvalidSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", tt.target, nil)
			for k, v := range tt.headers {
				r.Header.Set(k, v)
			}
			got, err := Resolve(r, "000000000000", "us-east-1")
			if tt.code != "" {
				if !awserr.IsCode(err, tt.code) {
					t.Fatalf("Resolve = %v, %v; want %s", got, err, tt.code)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("Resolve = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestScopeContext(t *testing.T) {
	ctx := t.Context()
	if got := FromContext(ctx); got != (Scope{}) {
		t.Errorf("FromContext(empty) = %v", got)
	}
	s := Scope{Account: "123456789012", Region: "eu-west-1"}
	if got := FromContext(WithScope(ctx, s)); got != s {
		t.Errorf("FromContext(WithScope(%v)) = %v", s, got)
	}
}
