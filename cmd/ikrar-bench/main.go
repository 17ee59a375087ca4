// Command ikrar-bench measures ikrar under a signing burst on loopback: it
// builds and starts `ikrar serve` on a fresh data directory, seeds
// employees and an open event through the API, then drives signings (as
// the web UI and as the API send them), certificate downloads and
// verification look-ups from C concurrent clients, each phase bounded in
// time and requests. Every phase is also run against a ceiling server — a
// bare echo handler that parses the same request and answers the same
// status without doing the work — and the ratio of the two is the key
// figure. With -kill-test it checks instead that every acknowledged
// signature survives kill -9 of the server; with -attack, that honest
// signers are served while the server is attacked. With -compare it runs
// the phases once per store and round (SQLite, PostgreSQL, several
// instances on PostgreSQL), interleaved, and sets the runs side by side.
//
// See docs/PERFORMANCE.md for the commands and the measured figures.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/ikrar-id/ikrar/internal/fixture"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "ikrar-bench:", err)
		os.Exit(1)
	}
}

// allPhases in the order they run.
var allPhases = []string{"sign-ui", "dashboards", "sign-api", "pdf", "verify-json", "verify-html"}

// config is the tool's configuration, from flags.
type config struct {
	N               int
	Concurrency     int
	PDFConcurrency  int
	Duration        time.Duration
	CeilingDuration time.Duration
	Requests        int
	Phases          []string
	Bin             string
	Keep            bool
	Gzip            bool
	JSON            string
	KillTest        bool
	KillRounds      int
	Attack          bool
	Preload         int
	PDFRate         float64
	DashRate        float64
	Dashboards      int
	// Database is the postgres:// URL of an empty PostgreSQL database the
	// server keeps the registry in; "" for SQLite in the data directory.
	Database string
	// Instances is how many `ikrar serve` processes share the PostgreSQL
	// database, the clients' connections spread over them in turn.
	Instances int
	// Compare lists the setups to run one after the other, Rounds times,
	// instead of one run; a PostgreSQL setup gets a fresh database on the
	// server -database names.
	Compare     []setup
	Rounds      int
	ceilingAddr string
}

func parseConfig(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("ikrar-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	var phases, compare string
	fs.IntVar(&c.N, "n", 0, "employees to seed (0: enough for every signing phase to run its whole duration at 6,000 signatures/s)")
	fs.IntVar(&c.Concurrency, "c", 200, "concurrent clients in every phase")
	fs.IntVar(&c.PDFConcurrency, "pdf-c", 0, "concurrent clients in the pdf phases (0: -c)")
	fs.DurationVar(&c.Duration, "duration", 60*time.Second, "length of each phase against ikrar")
	fs.DurationVar(&c.CeilingDuration, "ceiling-duration", 15*time.Second, "length of each phase against the ceiling server (at most -duration)")
	fs.IntVar(&c.Requests, "requests", 0, "at most this many requests per phase (0: no cap)")
	fs.StringVar(&phases, "phases", strings.Join(allPhases, ","), "phases to run, comma-separated: "+strings.Join(allPhases, ","))
	fs.StringVar(&c.Bin, "bin", "", "ikrar binary to test (default: go build ./cmd/ikrar into a temporary directory)")
	fs.BoolVar(&c.Gzip, "gzip", true, "send Accept-Encoding: gzip, as browsers do (false: measure without response compression)")
	fs.BoolVar(&c.Keep, "keep", false, "keep the data directory and server logs")
	fs.StringVar(&c.JSON, "json", "", "also write the results as JSON to this file")
	fs.BoolVar(&c.KillTest, "kill-test", false, "durability check: kill -9 the server during API signing, restart it, look up every acknowledged certificate")
	fs.IntVar(&c.KillRounds, "kill-rounds", 3, "kill-test rounds")
	fs.BoolVar(&c.Attack, "attack", false, "security check, rate limits on: signing at 500/s for -duration while 50 botnet logins and 3 XLSX bombs run, then a hall of 2,000 signers behind one address with a hostile guesser")
	fs.IntVar(&c.Preload, "preload", 0, "signatures to store before the server starts, through the store's signing path (for the memory target: 1000000)")
	fs.Float64Var(&c.PDFRate, "pdf-rate", 0, "first downloads per second in the pdf-first-rate phase (0: 300 per CPU)")
	fs.Float64Var(&c.DashRate, "dash-rate", 2500, "web-form signings per second in the dashboards phase (the burst target's rate)")
	fs.IntVar(&c.Dashboards, "dashboards", 500, "live dashboards connected in the dashboards phase")
	fs.StringVar(&c.Database, "database", "", "postgres:// URL of an empty PostgreSQL database for the server (default: SQLite in the data directory)")
	fs.IntVar(&c.Instances, "instances", 1, "ikrar serve processes sharing the PostgreSQL database (-database), each client connection to the next in turn")
	fs.StringVar(&compare, "compare", "", "setups to compare in one run, comma-separated: sqlite, postgres, postgres:N (N instances); -database names the PostgreSQL server, where each run gets a fresh database")
	fs.IntVar(&c.Rounds, "rounds", 3, "with -compare: rounds, each running every setup once in the order given")
	fs.StringVar(&c.ceilingAddr, "ceiling-server", "", "internal: serve the ceiling handlers on this address")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	for _, p := range strings.Split(phases, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if !slices.Contains(allPhases, p) {
			return c, fmt.Errorf("-phases: unknown phase %q (have %s)", p, strings.Join(allPhases, ", "))
		}
		c.Phases = append(c.Phases, p)
	}
	if compare != "" {
		var err error
		if c.Compare, err = parseSetups(compare); err != nil {
			return c, err
		}
	}
	switch {
	case c.Concurrency < 1 || c.PDFConcurrency < 0:
		return c, errors.New("-c must be at least 1, -pdf-c at least 0")
	case c.Duration <= 0:
		return c, errors.New("-duration must be positive")
	case c.N < 0 || c.N > fixture.MaxEmployees-preloadPerEvent:
		return c, fmt.Errorf("-n must be between 0 and %d", fixture.MaxEmployees-preloadPerEvent)
	case c.PDFRate < 0 || c.DashRate <= 0 || c.Dashboards < 1:
		return c, errors.New("-pdf-rate must not be negative, -dash-rate and -dashboards must be positive")
	case c.Requests < 0 || c.Preload < 0:
		return c, errors.New("-requests and -preload must not be negative")
	case c.Database != "" && c.Preload > 0:
		return c, errors.New("-preload writes an SQLite database: not with -database")
	case c.Instances < 1 || c.Rounds < 1:
		return c, errors.New("-instances and -rounds must be at least 1")
	case c.Instances > 1 && c.Database == "":
		return c, errors.New("-instances: several instances share a PostgreSQL database: give -database")
	case c.Instances > 1 && (c.KillTest || c.Attack):
		return c, errors.New("-instances: the kill test and the attack run one instance")
	case len(c.Compare) > 0 && (c.KillTest || c.Attack || c.Preload > 0 || c.Instances > 1):
		return c, errors.New("-compare runs load phases: not with -kill-test, -attack, -preload or -instances")
	case needsServer(c.Compare) && c.Database == "":
		return c, errors.New("-compare: PostgreSQL setups need the server's URL in -database")
	}
	c.CeilingDuration = min(c.CeilingDuration, c.Duration)
	if c.PDFConcurrency == 0 {
		c.PDFConcurrency = c.Concurrency
	}
	return c, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseConfig(args, stderr)
	if err != nil {
		return err
	}
	if cfg.ceilingAddr != "" {
		errc := make(chan error, 1)
		go func() { errc <- serveCeiling(cfg.ceilingAddr) }()
		select {
		case err := <-errc:
			return err
		case <-ctx.Done():
			return nil
		}
	}
	if len(cfg.Compare) > 0 {
		return runCompare(ctx, cfg, stdout, stderr)
	}
	b := &bench{cfg: cfg, stdout: stdout, stderr: stderr}
	return b.run(ctx)
}
