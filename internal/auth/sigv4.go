package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/freshet/freshet/internal/awserr"
)

// Verifier checks AWS Signature Version 4 signatures, in an Authorization header or a
// presigned query, against a set of credentials.
//
// Checks run in AWS's order (recorded against DynamoDB, the same Coral front end, in
// dynalite's index.js), each with AWS's code and text:
//  1. a credential is there and complete (MissingAuthenticationToken, IncompleteSignature:
//     Resolve's checks);
//  2. X-Amz-Date (or Date) is ISO 8601 basic format (IncompleteSignature), and within
//     5 minutes of the server's clock, or for a presigned query before X-Amz-Date plus
//     X-Amz-Expires (InvalidSignature "Signature expired: …" / "Signature not yet current: …");
//  3. host is a signed header (InvalidSignature); the algorithm is AWS4-HMAC-SHA256
//     (IncompleteSignature); the credential has 5 parts (IncompleteSignature) whose region,
//     service, terminator and date are right (InvalidSignature, all problems in one message);
//  4. the access key is known (UnrecognizedClient);
//  5. the signature matches (InvalidSignature);
//  6. the session token, if the key has one, matches (UnrecognizedClient).
//
// The payload hash is x-amz-content-sha256 when sent (it must then be the body's SHA-256,
// or UNSIGNED-PAYLOAD), else computed from the body; a presigned query may also have been
// signed with UNSIGNED-PAYLOAD.
//
// Differences from AWS:
//   - Any region name a Freshet namespace can be is accepted in the credential scope (AWS:
//     only the endpoint's region); a bad one is refused by Resolve, before the date checks.
//   - The mismatch message does not quote the canonical request and string to sign.
//   - X-Amz-Expires is optional (without it the 5-minute window applies) and at most
//     604800; an expired presigned request gets the header form's "Signature expired" text.
type Verifier struct {
	Credentials *Credentials
	// Account and Region are the defaults of Resolve: the account of a key that names
	// none and is not 12 digits, and the region of a credential without one.
	Account string
	Region  string
	// Now is the server's clock (default time.Now).
	Now func() time.Time
}

const (
	algorithm     = "AWS4-HMAC-SHA256"
	amzDateFormat = "20060102T150405Z"
	maxSkew       = 5 * time.Minute
	maxExpires    = 604800 // a week, in seconds
	unsigned      = "UNSIGNED-PAYLOAD"
)

// signedRequest is what a request's Authorization header or presigned query says.
type signedRequest struct {
	presigned     bool
	algorithm     string
	credential    string
	signedHeaders string
	signature     string
	date          string
	expires       string // presigned only; "" when absent
	token         string
}

// Verify checks the signature of r, whose body is body, for the given SigV4 service name
// ("" accepts any), and returns the scope it acts in: the region of its credential and the
// account of its access key.
func (v *Verifier) Verify(r *http.Request, body []byte, service string) (Scope, error) {
	scope, err := Resolve(r, v.Account, v.Region)
	if err != nil {
		return Scope{}, err
	}
	sr := parseSigned(r)
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	date, err := checkDate(sr, now().UTC())
	if err != nil {
		return Scope{}, err
	}
	// Over HTTP/2 the JS SDK v3 signs the :authority pseudo-header in place of Host.
	if signed := strings.Split(strings.ToLower(sr.signedHeaders), ";"); !slices.Contains(signed, "host") && !slices.Contains(signed, ":authority") {
		return Scope{}, awserr.New(awserr.InvalidSignature, "'Host' must be a 'SignedHeader' in the AWS Authorization.")
	}
	if sr.algorithm != algorithm {
		return Scope{}, awserr.Newf(awserr.IncompleteSignature, "Unsupported AWS 'algorithm': '%s' (only AWS4-HMAC-SHA256 for now). ", sr.algorithm)
	}
	parts := strings.Split(strings.TrimRight(sr.credential, "/"), "/")
	if len(parts) != 5 {
		return Scope{}, awserr.Newf(awserr.IncompleteSignature, "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '%s'", sr.credential)
	}
	keyID, credDate, region, credService, term := parts[0], parts[1], parts[2], parts[3], parts[4]
	var bad []string
	if !ValidRegion(region) {
		bad = append(bad, fmt.Sprintf("Credential should be scoped to a valid region, not '%s'.", region))
	}
	if service != "" && credService != service {
		bad = append(bad, fmt.Sprintf("Credential should be scoped to correct service: '%s'.", service))
	}
	if term != "aws4_request" {
		bad = append(bad, fmt.Sprintf("Credential should be scoped with a valid terminator: 'aws4_request', not '%s'.", term))
	}
	if want := date.Format("20060102"); credDate != want {
		bad = append(bad, fmt.Sprintf("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.", credDate, want, sr.date))
	}
	if len(bad) > 0 {
		return Scope{}, awserr.New(awserr.InvalidSignature, strings.Join(bad, " "))
	}
	key, ok := v.Credentials.Lookup(keyID)
	if !ok {
		return Scope{}, awserr.New(awserr.UnrecognizedClient, "The security token included in the request is invalid.")
	}
	if !signatureMatches(r, body, sr, key.SecretAccessKey, strings.Join(parts[1:], "/")) {
		return Scope{}, awserr.New(awserr.InvalidSignature, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
	}
	if subtle.ConstantTimeCompare([]byte(sr.token), []byte(key.SessionToken)) != 1 {
		return Scope{}, awserr.New(awserr.UnrecognizedClient, "The security token included in the request is invalid")
	}
	switch {
	case key.AccountID != "":
		scope.Account = key.AccountID
	case isAccountID(keyID):
		scope.Account = keyID
	default:
		scope.Account = v.Account
	}
	return scope, nil
}

// parseSigned reads the signature's parts from the Authorization header or, when there is
// none, the presigned query.
func parseSigned(r *http.Request) signedRequest {
	if h := r.Header.Get("Authorization"); h != "" {
		params := parseAuthHeader(h)
		alg, _, _ := strings.Cut(strings.TrimSpace(h), " ")
		date := r.Header.Get("X-Amz-Date")
		if date == "" {
			date = r.Header.Get("Date")
		}
		return signedRequest{
			algorithm:     alg,
			credential:    params["Credential"],
			signedHeaders: params["SignedHeaders"],
			signature:     params["Signature"],
			date:          date,
			token:         r.Header.Get("X-Amz-Security-Token"),
		}
	}
	q := r.URL.Query()
	return signedRequest{
		presigned:     true,
		algorithm:     q.Get("X-Amz-Algorithm"),
		credential:    q.Get("X-Amz-Credential"),
		signedHeaders: q.Get("X-Amz-SignedHeaders"),
		signature:     q.Get("X-Amz-Signature"),
		date:          q.Get("X-Amz-Date"),
		expires:       q.Get("X-Amz-Expires"),
		token:         q.Get("X-Amz-Security-Token"),
	}
}

// checkDate parses the request's date and checks it against the clock.
func checkDate(sr signedRequest, now time.Time) (time.Time, error) {
	date, err := time.Parse(amzDateFormat, sr.date)
	if err != nil {
		return time.Time{}, awserr.Newf(awserr.IncompleteSignature, "Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601", sr.date)
	}
	window := maxSkew
	if sr.presigned && sr.expires != "" {
		n, err := strconv.Atoi(sr.expires)
		switch {
		case err != nil || n < 0:
			return time.Time{}, awserr.Newf(awserr.IncompleteSignature, "X-Amz-Expires must be a non-negative integer number of seconds, not '%s'.", sr.expires)
		case n > maxExpires:
			return time.Time{}, awserr.New(awserr.IncompleteSignature, "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds")
		}
		window = time.Duration(n) * time.Second
	}
	f := func(t time.Time) string { return t.UTC().Format(amzDateFormat) }
	if earliest := now.Add(-window); date.Before(earliest) {
		return time.Time{}, awserr.Newf(awserr.InvalidSignature, "Signature expired: %s is now earlier than %s (%s - %s.)", f(date), f(earliest), f(now), minutes(window))
	}
	if latest := now.Add(maxSkew); date.After(latest) {
		return time.Time{}, awserr.Newf(awserr.InvalidSignature, "Signature not yet current: %s is still later than %s (%s + %s.)", f(date), f(latest), f(now), minutes(maxSkew))
	}
	return date, nil
}

// minutes words a window as AWS does: "5 min", or seconds when it is not whole minutes.
func minutes(d time.Duration) string {
	if s := int64(d / time.Second); s%60 != 0 {
		return strconv.FormatInt(s, 10) + " sec"
	}
	return strconv.FormatInt(int64(d/time.Minute), 10) + " min"
}

// signatureMatches computes the request's signature with secret and compares it with the
// one sent. scope is date/region/service/aws4_request as the credential gives it.
func signatureMatches(r *http.Request, body []byte, sr signedRequest, secret, scope string) bool {
	sum := sha256.Sum256(body)
	bodyHash := hex.EncodeToString(sum[:])
	var hashes []string
	switch h := r.Header.Get("X-Amz-Content-Sha256"); {
	case h == unsigned:
		hashes = []string{unsigned}
	case h != "" && h != bodyHash:
		return false // it does not describe this body
	case sr.presigned:
		hashes = []string{bodyHash, unsigned}
	default:
		hashes = []string{bodyHash}
	}
	parts := strings.SplitN(scope, "/", 4) // date, region, service, aws4_request
	key := hmacSHA256([]byte("AWS4"+secret), parts[0])
	for _, p := range parts[1:] {
		key = hmacSHA256(key, p)
	}
	want, err := hex.DecodeString(sr.signature)
	if err != nil {
		return false
	}
	head := canonicalHead(r, sr)
	for _, h := range hashes {
		cr := sha256.Sum256([]byte(head + h))
		sts := algorithm + "\n" + sr.date + "\n" + scope + "\n" + hex.EncodeToString(cr[:])
		if hmac.Equal(hmacSHA256(key, sts), want) {
			return true
		}
	}
	return false
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// canonicalHead is the canonical request up to its payload hash: method, URI, query,
// headers and signed headers, each followed by a newline.
func canonicalHead(r *http.Request, sr signedRequest) string {
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte('\n')
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	b.WriteString(uriEncode(path, false)) // encoded twice, as for every service but S3
	b.WriteByte('\n')
	b.WriteString(canonicalQuery(r.URL.RawQuery, sr.presigned))
	b.WriteByte('\n')
	for _, name := range strings.Split(sr.signedHeaders, ";") {
		b.WriteString(name)
		b.WriteByte(':')
		b.WriteString(headerValue(r, name))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(sr.signedHeaders)
	b.WriteByte('\n')
	return b.String()
}

// canonicalQuery sorts the query's parameters by name, then value, each URI-encoded; a
// presigned query leaves out its own signature.
func canonicalQuery(raw string, presigned bool) string {
	values, _ := url.ParseQuery(raw) // a malformed pair is dropped, as r.URL.Query does
	var pairs []string
	for k, vs := range values {
		if presigned && k == "X-Amz-Signature" {
			continue
		}
		for _, v := range vs {
			pairs = append(pairs, uriEncode(k, true)+"="+uriEncode(v, true))
		}
	}
	slices.Sort(pairs)
	return strings.Join(pairs, "&")
}

// headerValue is a signed header's canonical value: its values trimmed, inner runs of
// spaces collapsed, joined by commas. Go keeps Host (HTTP/2's :authority) and
// Content-Length outside Header.
func headerValue(r *http.Request, name string) string {
	var vs []string
	switch name {
	case "host", ":authority":
		vs = []string{r.Host}
	case "content-length":
		vs = r.Header.Values("Content-Length")
		if len(vs) == 0 && r.ContentLength >= 0 {
			vs = []string{strconv.FormatInt(r.ContentLength, 10)}
		}
	default:
		vs = r.Header.Values(name)
	}
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = strings.Join(strings.Fields(v), " ")
	}
	return strings.Join(out, ",")
}

// uriEncode percent-encodes every byte but the unreserved characters (and '/' unless
// encodeSlash), in upper-case hex, as SigV4 requires.
func uriEncode(s string, encodeSlash bool) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == '~' || c == '/' && !encodeSlash {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}
