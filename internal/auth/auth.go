// Package auth reads the AWS Signature Version 4 credential of a request and resolves the
// account and region it acts in; every resource is namespaced by that pair.
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
// region is the credential scope's, else defaultRegion. Signatures are not verified here.
func Resolve(r *http.Request, defaultAccount, defaultRegion string) (Scope, error) {
	h := r.Header.Get("Authorization")
	q := r.URL.Query()
	var cred string
	switch {
	case h != "" && q.Get("X-Amz-Algorithm") != "":
		return Scope{}, awserr.New(awserr.InvalidSignature, "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.")
	case h != "":
		if !strings.HasPrefix(h, "AWS4-") {
			return Scope{}, awserr.New(awserr.IncompleteSignature, "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization="+h)
		}
		params := parseAuthHeader(h)
		var missing []string
		for _, p := range []string{"Credential", "Signature", "SignedHeaders"} {
			if _, ok := params[p]; !ok {
				missing = append(missing, "Authorization header requires '"+p+"' parameter.")
			}
		}
		if r.Header.Get("X-Amz-Date") == "" && r.Header.Get("Date") == "" {
			missing = append(missing, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
		}
		if len(missing) > 0 {
			return Scope{}, awserr.New(awserr.IncompleteSignature, strings.Join(missing, " ")+" Authorization="+h)
		}
		cred = params["Credential"]
	case q.Get("X-Amz-Algorithm") != "":
		cred = q.Get("X-Amz-Credential")
		if cred == "" || q.Get("X-Amz-Signature") == "" || q.Get("X-Amz-SignedHeaders") == "" || q.Get("X-Amz-Date") == "" {
			return Scope{}, awserr.New(awserr.IncompleteSignature, "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders' and 'X-Amz-Date'.")
		}
	default:
		return Scope{}, awserr.New(awserr.MissingAuthenticationToken, "Missing Authentication Token")
	}
	s := Scope{Account: defaultAccount, Region: defaultRegion}
	// Credential=AKID/yyyymmdd/region/service/aws4_request
	parts := strings.Split(cred, "/")
	if isAccountID(parts[0]) {
		s.Account = parts[0]
	}
	if len(parts) >= 3 && parts[2] != "" {
		s.Region = parts[2]
	}
	return s, nil
}

func parseAuthHeader(h string) map[string]string {
	out := map[string]string{}
	_, rest, _ := strings.Cut(h, " ")
	for _, kv := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if ok {
			out[k] = v
		}
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
