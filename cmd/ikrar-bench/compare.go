package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// setup is one arm of a comparison: the store, and how many ikrar
// instances share it.
type setup struct {
	Postgres  bool
	Instances int
}

func (s setup) String() string {
	switch {
	case !s.Postgres:
		return "sqlite"
	case s.Instances > 1:
		return "postgres:" + strconv.Itoa(s.Instances)
	default:
		return "postgres"
	}
}

// parseSetups reads -compare: sqlite, postgres or postgres:N, comma-separated.
func parseSetups(list string) ([]setup, error) {
	var out []setup
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		name, n, several := strings.Cut(f, ":")
		s := setup{Postgres: name == "postgres", Instances: 1}
		switch {
		case name == "sqlite" && !several:
		case name == "postgres" && !several:
		case name == "postgres":
			i, err := strconv.Atoi(n)
			if err != nil || i < 1 {
				return nil, fmt.Errorf("-compare: %q: want postgres:N with N at least 1", f)
			}
			s.Instances = i
		default:
			return nil, fmt.Errorf("-compare: unknown setup %q (have sqlite, postgres, postgres:N)", f)
		}
		out = append(out, s)
	}
	return out, nil
}

func needsServer(setups []setup) bool {
	return slices.ContainsFunc(setups, func(s setup) bool { return s.Postgres })
}

// turn is one run of a comparison.
type turn struct {
	Round int    `json:"round"`
	Setup setup  `json:"-"`
	Store string `json:"store"`
}

// schedule interleaves the runs: every round runs each setup once, in the
// order given, so the shared machine's changing load falls on all alike.
func schedule(setups []setup, rounds int) []turn {
	var out []turn
	for r := 1; r <= rounds; r++ {
		for _, s := range setups {
			out = append(out, turn{Round: r, Setup: s, Store: s.String()})
		}
	}
	return out
}

// comparedRun is one run's turn and what it measured.
type comparedRun struct {
	turn
	Report report `json:"report"`
}

// runCompare runs the load phases once per turn of the schedule, each on
// a fresh data directory and, on PostgreSQL, a fresh database, then prints
// the runs side by side. Each run's own table goes to stderr.
func runCompare(ctx context.Context, cfg config, stdout, stderr io.Writer) error {
	bin := cfg.Bin
	if bin == "" {
		dir, err := os.MkdirTemp("", "ikrar-bench-bin-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		if bin, err = buildIkrar(ctx, dir); err != nil {
			return err
		}
	}
	started := time.Now().UTC()
	var runs []comparedRun
	for i, t := range schedule(cfg.Compare, cfg.Rounds) {
		r, err := runTurn(ctx, cfg, bin, t, i+1, stderr)
		if err != nil {
			return fmt.Errorf("round %d, %s: %w", t.Round, t.Store, err)
		}
		runs = append(runs, comparedRun{turn: t, Report: r})
	}
	writeComparison(stdout, started, runs)
	if cfg.JSON == "" {
		return nil
	}
	out, err := json.MarshalIndent(map[string]any{"command": "ikrar-bench " + strings.Join(os.Args[1:], " "), "runs": runs}, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(cfg.JSON, append(out, '\n'), 0o644)
}

// runTurn is one run of the comparison, as a run of the tool alone with
// that setup's flags.
func runTurn(ctx context.Context, cfg config, bin string, t turn, n int, stderr io.Writer) (report, error) {
	one := cfg
	one.Bin, one.Compare, one.JSON, one.Instances, one.Database = bin, nil, "", t.Setup.Instances, ""
	if t.Setup.Postgres {
		db, drop, err := freshDatabase(ctx, cfg.Database, fmt.Sprintf("ikrar_bench_%d", n))
		if err != nil {
			return report{}, err
		}
		defer drop()
		one.Database = db
	}
	fmt.Fprintf(stderr, "\n=== round %d: %s ===\n", t.Round, t.Store)
	b := &bench{cfg: one, stdout: stderr, stderr: stderr}
	err := b.run(ctx)
	return b.report, err
}

// writeComparison prints every run's phases, then each setup's medians
// over the rounds (each column's on its own) and its median ratio to the
// first setup of each round.
func writeComparison(w io.Writer, started time.Time, runs []comparedRun) {
	if len(runs) == 0 {
		return
	}
	m := runs[0].Report.Machine
	c := runs[0].Report.Config
	fmt.Fprintf(w, "\nikrar-bench -compare — %s\n", started.Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(w, "machine: %d CPUs, %s, %.0f MB RAM, kernel %s, %s; the load generator, every ikrar instance and PostgreSQL share these CPUs\n",
		m.NProc, m.CPU, m.MemTotalMB, m.Kernel, m.GoVersion)
	fmt.Fprintf(w, "each run: %d clients, %.0f s per phase, %d employees seeded; load: the 1-minute load average at the end of the phase\n\n",
		c.Concurrency, c.DurationS, c.Employees)
	writeRounds(w, runs)
	fmt.Fprintln(w, "\nmedians over the rounds:")
	writeMedians(w, runs)
}

// writeRounds prints a row per phase and run.
func writeRounds(w io.Writer, runs []comparedRun) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "phase\tround\tstore\tload\treq/s\tp50 ms\tp99 ms\terrors\tikrar CPU ms/req\tPG CPU ms/req\ttotal ms/req\treq/s ÷ %s\t\n", runs[0].Store)
	for _, name := range phaseNames(runs) {
		for i, r := range runs {
			p, ok := phaseOf(r.Report, name)
			if !ok {
				continue
			}
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%.0f\t%.1f\t%.1f\t%d\t%.2f\t%.2f\t%.2f\t%.2f\t\n", name, r.Round, r.Store, load1(r.Report, name),
				p.RPS, p.P50, p.P99, p.Errors, p.ServerCPU, p.DatabaseCPU, p.ServerCPU+p.DatabaseCPU, ratioToFirst(runs, i, name))
		}
	}
	tw.Flush()
}

// writeMedians prints a row per phase and setup: the medians of its rounds
// and the sum of their errors.
func writeMedians(w io.Writer, runs []comparedRun) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "phase\tstore\treq/s\tp50 ms\tp99 ms\terrors\tikrar CPU ms/req\tPG CPU ms/req\ttotal ms/req\treq/s ÷ %s\t\n", runs[0].Store)
	for _, name := range phaseNames(runs) {
		for _, store := range storeNames(runs) {
			var rps, p50, p99, ikr, pg, tot, ratio []float64
			errs := 0
			for i, r := range runs {
				p, ok := phaseOf(r.Report, name)
				if !ok || r.Store != store {
					continue
				}
				rps, p50, p99 = append(rps, p.RPS), append(p50, p.P50), append(p99, p.P99)
				ikr, pg = append(ikr, p.ServerCPU), append(pg, p.DatabaseCPU)
				tot, ratio = append(tot, p.ServerCPU+p.DatabaseCPU), append(ratio, ratioToFirst(runs, i, name))
				errs += p.Errors
			}
			if len(rps) == 0 {
				continue
			}
			fmt.Fprintf(tw, "%s\t%s\t%.0f\t%.1f\t%.1f\t%d\t%.2f\t%.2f\t%.2f\t%.2f\t\n", name, store, median(rps), median(p50), median(p99), errs,
				median(ikr), median(pg), median(tot), median(ratio))
		}
	}
	tw.Flush()
}

func phaseNames(runs []comparedRun) []string {
	var out []string
	for _, r := range runs {
		for _, p := range r.Report.Phases {
			if !slices.Contains(out, p.Name) {
				out = append(out, p.Name)
			}
		}
	}
	return out
}

func storeNames(runs []comparedRun) []string {
	var out []string
	for _, r := range runs {
		if !slices.Contains(out, r.Store) {
			out = append(out, r.Store)
		}
	}
	return out
}

func phaseOf(r report, name string) (stats, bool) {
	for _, p := range r.Phases {
		if p.Name == name {
			return p.Ikrar, true
		}
	}
	return stats{}, false
}

// ratioToFirst is run i's rate in the phase over that of the first setup
// in the same round; 0 if either is missing.
func ratioToFirst(runs []comparedRun, i int, phase string) float64 {
	for _, r := range runs {
		if r.Round != runs[i].Round || r.Store != runs[0].Store {
			continue
		}
		base, ok := phaseOf(r.Report, phase)
		p, ok2 := phaseOf(runs[i].Report, phase)
		if ok && ok2 && base.RPS > 0 {
			return p.RPS / base.RPS
		}
	}
	return 0
}

// load1 is the one-minute load average at the end of the phase.
func load1(r report, phase string) string {
	for _, p := range r.Phases {
		if f := strings.Fields(p.LoadAvg); p.Name == phase && len(f) > 0 {
			return f[0]
		}
	}
	return "?"
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
