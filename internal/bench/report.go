package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
)

// WriteTable prints one run's result as a two-column table.
func WriteTable(w io.Writer, r *Result) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	row := func(k, format string, args ...any) { fmt.Fprintf(tw, "%s\t%s\n", k, fmt.Sprintf(format, args...)) }
	row("target", "%s (%s)", r.Label, r.Endpoint)
	row("stream", "%s, %d shards, ACTIVE after %.2f s", r.Stream, r.Shards, r.CreateSec)
	if r.StartupMs != 0 {
		row("server start", "first answer %.0f ms after start", r.StartupMs)
	}
	if p := r.Put; p != nil {
		row("put", "%s records/s, %.1f MiB/s (%d producers × %d records × %d B, %s records in %.1f s)",
			fmtCount(int64(p.RecordsPerSec)), p.MiBPerSec, r.Producers, r.Batch, r.Size, fmtCount(p.Records), p.Seconds)
		row("put call latency", "p50 %s  p90 %s  p99 %s  max %s (%s calls)", ms(p.CallLatency.P50), ms(p.CallLatency.P90), ms(p.CallLatency.P99), ms(p.CallLatency.Max), fmtCount(p.Calls))
		row("put errors", "%d errors, %d throttled records", p.Errors, p.Throttles)
	}
	if d := r.Drain; d != nil {
		row("drain", "%s records/s, %.1f MiB/s (%s records in %.2f s, %d calls, %d errors, %d throttled)",
			fmtCount(int64(d.RecordsPerSec)), d.MiBPerSec, fmtCount(d.Records), d.Seconds, d.Calls, d.Errors, d.Throttles)
		row("verify", "%s", d.Verify)
	}
	if l := r.Latency; l != nil {
		row("put→read latency", "%s: p50 %s  p90 %s  p99 %s  max %s (%d of %d records read, %d errors, %d throttled)",
			l.Mode, ms(l.Latency.P50), ms(l.Latency.P90), ms(l.Latency.P99), ms(l.Latency.Max), l.Received, l.Sent, l.Errors, l.Throttles)
	}
	if m := r.Memory; m != nil {
		phases := ""
		for _, p := range []string{"put", "drain", "latency"} {
			if v, ok := m.PhasePeakMiB[p]; ok {
				phases += fmt.Sprintf(", %s %.1f", p, v)
			}
		}
		row("server memory", "idle %.1f MiB, stream created %.1f MiB, peak %.1f MiB (VmHWM %.1f MiB%s)", m.IdleMiB, m.CreatedMiB, m.PeakMiB, m.HWMMiB, phases)
	}
	return tw.Flush()
}

func ms(v float64) string {
	if v < 10 {
		return fmt.Sprintf("%.2f ms", v)
	}
	return fmt.Sprintf("%.0f ms", v)
}

// WriteJSON prints a result as indented JSON.
func WriteJSON(w io.Writer, r *Result) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	return e.Encode(r)
}

// ReadResults reads results written by WriteJSON, one per file.
func ReadResults(paths []string) ([]*Result, error) {
	var out []*Result
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		var r Result
		if err := json.Unmarshal(b, &r); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		out = append(out, &r)
	}
	return out, nil
}

// WriteComparison prints results side by side, one column per target, with each target's
// put rate as a share of the baseline's (the target labelled baseline, if any) and with
// the reference target's figures as multiples of each other target's.
func WriteComparison(w io.Writer, rs []*Result, baseline, reference string) error {
	find := func(label string) *Result {
		for _, r := range rs {
			if r.Label == label {
				return r
			}
		}
		return nil
	}
	base, ref := find(baseline), find(reference)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	row := func(name string, cell func(r *Result) string) {
		fmt.Fprint(tw, name+"\t")
		for _, r := range rs {
			fmt.Fprint(tw, cell(r)+"\t")
		}
		fmt.Fprintln(tw)
	}
	na := "—"
	row("", func(r *Result) string { return r.Label })
	row("stream ACTIVE after (s)", func(r *Result) string { return fmt.Sprintf("%.2f", r.CreateSec) })
	put := func(f func(p *PutResult) string) func(r *Result) string {
		return func(r *Result) string {
			if r.Put == nil {
				return na
			}
			return f(r.Put)
		}
	}
	row("put records/s", put(func(p *PutResult) string { return fmtCount(int64(p.RecordsPerSec)) }))
	row("put MiB/s", put(func(p *PutResult) string { return fmt.Sprintf("%.1f", p.MiBPerSec) }))
	if base != nil && base.Put != nil && base.Put.RecordsPerSec > 0 {
		row("put, share of "+baseline, put(func(p *PutResult) string { return fmt.Sprintf("%.0f%%", 100*p.RecordsPerSec/base.Put.RecordsPerSec) }))
	}
	if ref != nil && ref.Put != nil {
		row(reference+" put ÷ this", put(func(p *PutResult) string {
			if p.RecordsPerSec == 0 {
				return na
			}
			return fmt.Sprintf("%.1f×", ref.Put.RecordsPerSec/p.RecordsPerSec)
		}))
	}
	row("put call p50 (ms)", put(func(p *PutResult) string { return fmt.Sprintf("%.2f", p.CallLatency.P50) }))
	row("put call p99 (ms)", put(func(p *PutResult) string { return fmt.Sprintf("%.2f", p.CallLatency.P99) }))
	row("put errors / throttled", put(func(p *PutResult) string { return fmt.Sprintf("%d / %d", p.Errors, p.Throttles) }))
	drain := func(f func(d *DrainResult) string) func(r *Result) string {
		return func(r *Result) string {
			if r.Drain == nil {
				return na
			}
			return f(r.Drain)
		}
	}
	row("drain records/s", drain(func(d *DrainResult) string { return fmtCount(int64(d.RecordsPerSec)) }))
	if ref != nil && ref.Drain != nil {
		row(reference+" drain ÷ this", drain(func(d *DrainResult) string {
			if d.RecordsPerSec == 0 {
				return na
			}
			return fmt.Sprintf("%.1f×", ref.Drain.RecordsPerSec/d.RecordsPerSec)
		}))
	}
	row("verified", drain(func(d *DrainResult) string {
		if d.Verify.OK {
			return "OK"
		}
		return "FAILED"
	}))
	lat := func(f func(l *LatencyResult) string) func(r *Result) string {
		return func(r *Result) string {
			if r.Latency == nil {
				return na
			}
			return f(r.Latency)
		}
	}
	row("put→read p50 (ms)", lat(func(l *LatencyResult) string { return fmt.Sprintf("%.2f", l.Latency.P50) }))
	row("put→read p99 (ms)", lat(func(l *LatencyResult) string { return fmt.Sprintf("%.2f", l.Latency.P99) }))
	mem := func(f func(m *MemoryResult) string) func(r *Result) string {
		return func(r *Result) string {
			if r.Memory == nil {
				return na
			}
			return f(r.Memory)
		}
	}
	row("first answer after start (ms)", func(r *Result) string {
		if r.StartupMs == 0 {
			return na
		}
		return fmt.Sprintf("%.0f", r.StartupMs)
	})
	row("memory idle (MiB)", mem(func(m *MemoryResult) string { return fmt.Sprintf("%.0f", m.IdleMiB) }))
	row("memory peak (MiB)", mem(func(m *MemoryResult) string { return fmt.Sprintf("%.0f", max(m.PeakMiB, m.HWMMiB)) }))
	if err := tw.Flush(); err != nil {
		return err
	}
	var notes []string
	for _, r := range rs {
		if r.Drain != nil && !r.Drain.Verify.OK {
			notes = append(notes, r.Label+": "+r.Drain.Verify.String())
		}
	}
	if len(notes) > 0 {
		_, err := fmt.Fprintln(w, strings.Join(notes, "\n"))
		return err
	}
	return nil
}
