package conformance

// Helpers shared by every group of tests (each group had written its own copy).

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/smithy-go/middleware"
)

// fakeClock is a settable clock for envOptions.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

// newFakeClock starts a clock at the current time, to the millisecond.
func newFakeClock() *fakeClock { return &fakeClock{t: time.Now().Truncate(time.Millisecond)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// noInputValidation removes the SDK's client-side check of required members, so that a
// request can reach the server with them missing, as other SDKs and raw HTTP clients can
// send it.
func noInputValidation(o *kinesis.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		if _, ok := s.Initialize.Get("OperationInputValidation"); !ok {
			return nil // the operation has no required member
		}
		_, err := s.Initialize.Remove("OperationInputValidation")
		return err
	})
}

// errCase is one request expected to fail.
type errCase struct {
	name string
	call func() error
}

// goldenErrors runs each case and compares "name: Code: message" lines with a golden file.
func goldenErrors(t *testing.T, file string, cases []errCase) {
	t.Helper()
	var b strings.Builder
	for _, c := range cases {
		fmt.Fprintf(&b, "%s: %s\n", c.name, errorLine(t, c.call()))
	}
	golden(t, file, b.String())
}
