package bench

import (
	"fmt"
	"strconv"
	"sync"
	"time"
)

// progress is the live display on stderr: on a terminal one status line rewritten in place
// (and ended when a phase ends), elsewhere one plain line a second.
type progress struct {
	out Output
	mu  sync.Mutex
	// live says a status line is on screen and must be cleared before a plain line.
	live bool
}

func newProgress(out Output) *progress { return &progress{out: out} }

// line prints one plain line.
func (p *progress) line(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.live {
		fmt.Fprint(p.out.Progress, "\r\x1b[K")
		p.live = false
	}
	fmt.Fprintf(p.out.Progress, format+"\n", args...)
}

// every shows status() until the returned stop is called: every 200 ms in place on a
// terminal, else every second on its own line.
func (p *progress) every(status func() string) (stop func()) {
	period := time.Second
	if p.out.Terminal {
		period = 200 * time.Millisecond
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(period)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			s := status()
			p.mu.Lock()
			if p.out.Terminal {
				fmt.Fprint(p.out.Progress, "\r\x1b[K"+s)
				p.live = true
			} else {
				fmt.Fprintln(p.out.Progress, s)
			}
			p.mu.Unlock()
		}
	})
	return func() {
		close(done)
		wg.Wait()
		p.mu.Lock()
		if p.live {
			fmt.Fprint(p.out.Progress, "\r\x1b[K")
			p.live = false
		}
		p.mu.Unlock()
	}
}

// fmtCount writes n with thousands separators.
func fmtCount(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	var b []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, s[i])
	}
	if neg {
		return "-" + string(b)
	}
	return string(b)
}
