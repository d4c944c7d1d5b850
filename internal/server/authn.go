package server

import (
	"net/http"
	"strings"

	"github.com/freshet/freshet/internal/auth"
)

// authenticate resolves the scope of a request. With Config.Credentials set it verifies the
// request's SigV4 signature first, for the service its target names; the signature covers
// the body, so this runs once the body is read.
func (s *Server) authenticate(r *http.Request, target string, body []byte) (auth.Scope, error) {
	if s.cfg.Credentials == nil {
		return auth.Resolve(r, s.cfg.Account, s.cfg.Region)
	}
	v := auth.Verifier{Credentials: s.cfg.Credentials, Account: s.cfg.Account, Region: s.cfg.Region}
	prefix, _, _ := strings.Cut(target, ".")
	return v.Verify(r, body, signingName[prefix])
}

// signingName is the SigV4 service name of each X-Amz-Target prefix.
var signingName = map[string]string{
	"Kinesis_20131202":          "kinesis",
	"Firehose_20150804":         "firehose",
	"KinesisAnalytics_20150814": "kinesisanalytics",
}
