// Package auth reads the AWS Signature Version 4 credential of a request and resolves the
// account and region it acts in (every resource is namespaced by that pair), and, when
// credentials are configured, verifies the request's signature.
package auth

import (
	"context"
	"net/http"
	"strings"

	"github.com/freshet/freshet/internal/awserr"
)

// Scope is the (account, region) namespace a request acts in.
type Scope struct {
	Account string
	Region  string
}

type scopeKey struct{}

// WithScope returns a context carrying the scope.
func WithScope(ctx context.Context, s Scope) context.Context {
	return context.WithValue(ctx, scopeKey{}, s)
}

// FromContext returns the scope a context carries (zero if none).
func FromContext(ctx context.Context) Scope {
	s, _ := ctx.Value(scopeKey{}).(Scope)
	return s
}

// Resolve finds the scope of a request from its SigV4 Authorization header or presigned
// query. The account is the access key id when it is 12 digits, else defaultAccount; the
// region is the credential scope's, else defaultRegion. Signatures are not verified here;
// a credential that is absent or lacks a part is refused with AWS's words, and so is a
// region no AWS region could be (ValidRegion): it names the namespace of every resource.
func Resolve(r *http.Request, defaultAccount, defaultRegion string) (Scope, error) {
	h := r.Header.Get("Authorization")
	q := r.URL.Query()
	presigned := q.Has("X-Amz-Algorithm")
	switch {
	case h != "" && presigned:
		return Scope{}, awserr.New(awserr.InvalidSignature, "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.")
	case h == "" && !presigned:
		return Scope{}, awserr.New(awserr.MissingAuthenticationToken, "Missing Authentication Token")
	}
	var cred string
	var missing strings.Builder
	if h != "" {
		params := parseAuthHeader(h)
		for _, p := range []string{"Credential", "Signature", "SignedHeaders"} {
			if params[p] == "" {
				missing.WriteString("Authorization header requires '" + p + "' parameter. ")
			}
		}
		if r.Header.Get("X-Amz-Date") == "" && r.Header.Get("Date") == "" {
			missing.WriteString("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ")
		}
		if missing.Len() > 0 {
			missing.WriteString("Authorization=" + h)
		}
		cred = params["Credential"]
	} else {
		for _, p := range []string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders", "X-Amz-Date"} {
			if q.Get(p) == "" {
				missing.WriteString("AWS query-string parameters must include '" + p + "'. ")
			}
		}
		if missing.Len() > 0 {
			missing.WriteString("Re-examine the query-string parameters.")
		}
		cred = q.Get("X-Amz-Credential")
	}
	if missing.Len() > 0 {
		return Scope{}, awserr.New(awserr.IncompleteSignature, missing.String())
	}
	s := Scope{Account: defaultAccount, Region: defaultRegion}
	// Credential=AKID/yyyymmdd/region/service/aws4_request; some signers leave the service
	// empty (AKID/yyyymmdd/region//aws4_request).
	parts := strings.Split(cred, "/")
	if isAccountID(parts[0]) {
		s.Account = parts[0]
	}
	if len(parts) >= 3 && parts[2] != "" {
		s.Region = parts[2]
		if !ValidRegion(s.Region) {
			return Scope{}, awserr.Newf(awserr.InvalidSignature, "Credential should be scoped to a valid region, not '%s'.", s.Region)
		}
	}
	return s, nil
}

// maxRegion is the longest region name accepted: AWS's are at most 25 characters, and a
// much longer one would not fit in a 512-character shard iterator.
const maxRegion = 64

// ValidRegion reports whether a region name holds only ASCII letters, digits, '-' and
// '_', as every AWS region does, and is at most 64 characters; any other character could
// not be part of a resource's ARN or of the store's keys.
func ValidRegion(r string) bool {
	if len(r) > maxRegion {
		return false
	}
	for _, c := range []byte(r) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return r != ""
}

// parseAuthHeader reads the parameters after the algorithm of an Authorization header;
// like AWS it accepts commas, spaces or both between them.
func parseAuthHeader(h string) map[string]string {
	out := map[string]string{}
	fields := strings.FieldsFunc(h, func(r rune) bool { return r == ',' || r == ' ' })
	for i, kv := range fields {
		if i == 0 {
			continue // the algorithm
		}
		k, v, _ := strings.Cut(kv, "=")
		out[k] = v
	}
	return out
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
