package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
)

func urlUnescape(s string) (string, error) { return url.QueryUnescape(s) }

// write prints the results table and, with -json, writes the report.
func (b *bench) write() error {
	r := b.report
	w := b.stdout
	m := r.Machine
	fmt.Fprintf(w, "\nikrar-bench — %s\n", r.Started.Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(w, "machine: %d CPUs, %s, %.0f MB RAM, kernel %s, %s, GOMAXPROCS %d, load average at start %s\n",
		m.NProc, m.CPU, m.MemTotalMB, m.Kernel, m.GoVersion, m.GOMAXPROCS, m.LoadAvg)
	fmt.Fprintf(w, "load generator, ikrar and the ceiling server share these CPUs; loopback only; CPU ms/req is server + load generator\n")
	if c := r.Config; c.Store != "" {
		fmt.Fprintf(w, "store: %s; PG CPU ms/req is the PostgreSQL cluster's, on the same CPUs when it runs on this machine\n", c.Store)
	}
	c := r.Config
	if c.DurationS > 0 {
		fmt.Fprintf(w, "config: %d clients, %.0f s per phase against ikrar, %.0f s against the ceiling, %d employees seeded, %d signatures preloaded",
			c.Concurrency, c.DurationS, c.CeilingDuration, c.Employees, c.Preload)
		if c.Requests > 0 {
			fmt.Fprintf(w, ", at most %d requests per phase", c.Requests)
		}
		if !c.Gzip {
			fmt.Fprint(w, ", clients do NOT accept gzip")
		}
		fmt.Fprintln(w)
	}
	for _, s := range r.Seeding {
		fmt.Fprintln(w, "seeding:", s)
	}
	if len(r.Phases) > 0 {
		fmt.Fprintln(w)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "phase\tclients (@ rate/s)\trequests\treq/s\tp50 ms\tp95 ms\tp99 ms\tmax ms\terrors\tRSS MB\tCPU ms/req\tPG CPU ms/req\t|\tceiling req/s\tp99 ms\tCPU ms/req\tratio\t")
		for _, p := range r.Phases {
			s := p.Ikrar
			ceil := "-\t-\t-\t-"
			if p.Ceiling != nil {
				ceil = fmt.Sprintf("%.0f\t%.1f\t%.2f+%.2f\t%.2f", p.Ceiling.RPS, p.Ceiling.P99, p.Ceiling.ServerCPU, p.Ceiling.ClientCPU, p.Ratio)
			}
			clients := itoa(int64(p.Clients))
			if p.Rate > 0 {
				clients += fmt.Sprintf(" @ %.0f", p.Rate)
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%.0f\t%.1f\t%.1f\t%.1f\t%.1f\t%d\t%.1f\t%.2f+%.2f\t%.2f\t|\t%s\t\n",
				p.Name, clients, s.Requests, s.RPS, s.P50, s.P95, s.P99, s.Max, s.Errors, s.PeakRSS, s.ServerCPU, s.ClientCPU, s.DatabaseCPU, ceil)
		}
		tw.Flush()
		fmt.Fprintln(w)
		for _, p := range r.Phases {
			fmt.Fprintf(w, "%-15s target %s → %s\n", p.Name, p.Target, p.Met)
			if p.Ikrar.Errors > 0 {
				fmt.Fprintf(w, "%-15s errors: %s\n", "", reasons(p.Ikrar.ByReason))
			}
			if p.MeanBytes > 0 {
				fmt.Fprintf(w, "%-15s mean response body %.0f bytes on the wire\n", "", p.MeanBytes)
			}
			for _, n := range p.Notes {
				fmt.Fprintf(w, "%-15s %s\n", "", n)
			}
		}
	}
	if pw := r.PageWeight; pw != nil {
		fmt.Fprintf(w, "\nsigning page weight (gzip, on the wire): %.1f KB (target ≤ 50 KB)", pw.TotalKB)
		if pw.TotalKB <= 50 {
			fmt.Fprintln(w, " → met")
		} else {
			fmt.Fprintln(w, " → NOT MET")
		}
		for _, part := range []map[string]int{pw.Pages, pw.Assets} {
			keys := make([]string, 0, len(part))
			for k := range part {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				fmt.Fprintf(w, "  %7d B  %s\n", part[k], k)
			}
		}
	}
	for _, k := range r.KillTest {
		fmt.Fprintf(w, "\nkill -9 round %d: %s\n", k.Round, k.Summary())
	}
	if r.Memory != nil {
		fmt.Fprintf(w, "\nmemory: peak server RSS over the phases %.1f MB (VmHWM %.1f MB, idle %.1f MB), %d signatures preloaded → %s\n",
			r.Memory.PeakMB, r.HWMMB, r.IdleRSSMB, r.Memory.Preloaded, r.Memory.Met)
	}
	for _, c := range r.Checks {
		fmt.Fprintln(w, "check:", c)
	}
	if n := r.Errors["ikrar"]; n != 0 {
		fmt.Fprintf(w, "ikrar logged %d errors (see serve.log; run with -keep)\n", n)
	}
	fmt.Fprintf(w, "payloads: form drawing mean %d B, signature PNG mean %d B\n", r.Payload["strokes_form_mean"], r.Payload["signature_png_mean"])
	if b.cfg.JSON != "" {
		out, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(b.cfg.JSON, append(out, '\n'), 0o644); err != nil {
			return err
		}
		fmt.Fprintln(w, "JSON written to", b.cfg.JSON)
	}
	if failures := r.failures(); len(failures) > 0 {
		fmt.Fprintln(w, "\ntargets not met: "+strings.Join(failures, ", "))
	}
	return nil
}

func (r report) failures() []string {
	var out []string
	for _, p := range r.Phases {
		if strings.HasPrefix(p.Met, "NOT") {
			out = append(out, p.Name)
		}
	}
	for _, k := range r.KillTest {
		if k.Found != k.Acknowledged {
			out = append(out, fmt.Sprintf("kill -9 round %d", k.Round))
		}
	}
	return out
}
