package bench

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"strconv"
	"sync"
	"time"
)

// MemoryResult is the server process's resident memory (Linux /proc), in MiB.
type MemoryResult struct {
	IdleMiB    float64 `json:"idle_mib"`    // before the stream was created
	CreatedMiB float64 `json:"created_mib"` // once it was ACTIVE, before the load
	PeakMiB    float64 `json:"peak_mib"`    // highest sampled during the run
	HWMMiB     float64 `json:"hwm_mib"`     // the kernel's high-water mark (VmHWM) at the end
	// PhasePeakMiB is the highest sampled during each phase.
	PhasePeakMiB map[string]float64 `json:"phase_peak_mib,omitempty"`
}

// memorySampler reads /proc/<pid>/status every 50 ms.
type memorySampler struct {
	pid  int
	done chan struct{}
	wg   sync.WaitGroup

	mu                 sync.Mutex
	idle, created, max float64
	phase              string
	phases             map[string]float64
}

func startMemory(pid int) (*memorySampler, error) {
	rss, _, err := readMemory(pid)
	if err != nil {
		return nil, fmt.Errorf("memory of process %d: %w", pid, err)
	}
	m := &memorySampler{pid: pid, done: make(chan struct{}), idle: rss, max: rss, phases: map[string]float64{}}
	m.wg.Go(func() {
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-m.done:
				return
			case <-t.C:
			}
			if rss, _, err := readMemory(pid); err == nil {
				m.mu.Lock()
				m.max = max(m.max, rss)
				if m.phase != "" {
					m.phases[m.phase] = max(m.phases[m.phase], rss)
				}
				m.mu.Unlock()
			}
		}
	})
	return m, nil
}

func (m *memorySampler) markCreated() {
	rss, _, _ := readMemory(m.pid)
	m.mu.Lock()
	m.created = rss
	m.mu.Unlock()
}

// startPhase attributes the samples from now on to a phase.
func (m *memorySampler) startPhase(name string) {
	if m == nil {
		return
	}
	m.mu.Lock()
	m.phase = name
	m.mu.Unlock()
}

func (m *memorySampler) result() *MemoryResult {
	rss, hwm, _ := readMemory(m.pid)
	m.mu.Lock()
	defer m.mu.Unlock()
	return &MemoryResult{IdleMiB: m.idle, CreatedMiB: m.created, PeakMiB: max(m.max, rss), HWMMiB: hwm, PhasePeakMiB: maps.Clone(m.phases)}
}

func (m *memorySampler) stop() {
	select {
	case <-m.done:
	default:
		close(m.done)
	}
	m.wg.Wait()
}

// readMemory returns a process's VmRSS and VmHWM in MiB.
func readMemory(pid int) (rss, hwm float64, err error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, 0, err
	}
	field := func(name string) float64 {
		i := bytes.Index(b, []byte(name+":"))
		if i < 0 {
			return 0
		}
		f := bytes.Fields(b[i+len(name)+1:])
		if len(f) == 0 {
			return 0
		}
		kb, _ := strconv.ParseFloat(string(f[0]), 64)
		return kb / 1024
	}
	return field("VmRSS"), field("VmHWM"), nil
}
