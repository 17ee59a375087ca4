// Package config builds ikrar's configuration from flags and IKRAR_*
// environment variables (flags win), validates it and hands it out as one
// struct; nothing reads configuration from globals.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// DefaultShutdownTimeout is how long requests in flight get after SIGTERM
// unless --shutdown-timeout says otherwise; the service managers in
// deploy/ wait longer before they kill.
const DefaultShutdownTimeout = 15 * time.Second

// DemoAddr is where `ikrar serve --demo` listens unless --addr or
// IKRAR_ADDR says otherwise: the loopback interface.
const DemoAddr = "127.0.0.1:8080"

// Config is the configuration of `ikrar serve` (other subcommands use the
// data directory only).
type Config struct {
	Addr    string
	DataDir string
	// Database is the postgres:// URL of the PostgreSQL database the
	// registry lives in; empty: the SQLite file ikrar.db in DataDir.
	Database       string
	BaseURL        string
	RateLimit      bool
	TrustedProxies []*net.IPNet
	Origin         string // transparency log origin line
	Demo           bool
	LogLevel       string
	// AccessLog logs every request at info level, without personal data.
	AccessLog bool
	// WitnessFor is a file naming the logs this registry witnesses, one
	// "ORIGIN VERIFIER-KEY" a line; Witnesses a file naming who witnesses
	// this log, one "VERIFIER-KEY URL" a line; WitnessQuorum how many of
	// them must cosign a checkpoint for the verification page to trust it.
	WitnessFor    string
	Witnesses     string
	WitnessQuorum int
	// PDFCacheMBObsolete: --pdf-cache-mb (IKRAR_PDF_CACHE_MB) was given.
	// It is accepted so that old configurations still start, and ignored:
	// issued certificates are stored in the database, all of them.
	PDFCacheMBObsolete bool
	// PublishFile lists where each new checkpoint is pushed: one https://
	// URL or dir:/path a line (docs/TRUST.md §13).
	PublishFile string
	// MinFreeMB is the free space on the data directory's file system
	// below which /readyz answers 503.
	MinFreeMB int64
	// PDFReserveMB is the free space below which no new certificate PDF
	// is stored, so signings keep room; 0: twice MinFreeMB.
	PDFReserveMB int64
	// DrainDelay is how long, after SIGTERM, the server keeps accepting
	// connections while /readyz answers 503, so a load balancer stops
	// sending before the listener closes.
	DrainDelay time.Duration
	// ShutdownTimeout bounds how long requests in flight may take after
	// SIGTERM; slower ones (a slow upload) are cut.
	ShutdownTimeout time.Duration
	// MetricsAddr is where GET /metrics is served, on a listener of its
	// own apart from the public one; empty: no metrics.
	MetricsAddr string
	// MetricsToken, if set, must come as "Authorization: Bearer TOKEN"
	// with every scrape.
	MetricsToken string
}

// SecureCookies reports whether cookies must carry the Secure flag: always,
// unless the service is reached over plain http (a laptop, a test).
func (c Config) SecureCookies() bool { return !strings.HasPrefix(c.BaseURL, "http://") }

// Getenv reads one environment variable.
type Getenv func(string) string

// Serve parses the flags of `ikrar serve`.
func Serve(args []string, getenv Getenv, stderr io.Writer) (Config, error) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := Config{}
	def := func(env, fallback string) string {
		if v := getenv(env); v != "" {
			return v
		}
		return fallback
	}
	var rate, proxies string
	fs.StringVar(&c.Addr, "addr", def("IKRAR_ADDR", ":8080"), "listen address (IKRAR_ADDR); with --demo and neither, 127.0.0.1:8080")
	fs.StringVar(&c.DataDir, "data", def("IKRAR_DATA", "./data"), "data directory, created if missing (IKRAR_DATA)")
	database := DatabaseFlag(fs, getenv)
	fs.StringVar(&c.BaseURL, "base-url", def("IKRAR_BASE_URL", ""), "public URL put in QR codes and links (IKRAR_BASE_URL)")
	fs.StringVar(&rate, "rate-limit", def("IKRAR_RATE_LIMIT", "on"), "on|off: limit failed identification attempts (IKRAR_RATE_LIMIT)")
	fs.StringVar(&proxies, "trusted-proxies", def("IKRAR_TRUSTED_PROXIES", ""), "comma-separated CIDRs of reverse proxies whose X-Forwarded-For is trusted (IKRAR_TRUSTED_PROXIES)")
	fs.StringVar(&c.Origin, "log-origin", def("IKRAR_LOG_ORIGIN", ""), "transparency log origin line, default: the base URL's host + /ikrar (IKRAR_LOG_ORIGIN)")
	fs.StringVar(&c.PublishFile, "publish", def("IKRAR_PUBLISH", ""), "file of places to push each new checkpoint to, one https:// URL or dir:/path a line (IKRAR_PUBLISH)")
	fs.BoolVar(&c.Demo, "demo", getenv("IKRAR_DEMO") == "1" || getenv("IKRAR_DEMO") == "true", "seed a demo regency, roster and open event (IKRAR_DEMO)")
	fs.StringVar(&c.LogLevel, "log-level", def("IKRAR_LOG_LEVEL", "info"), "debug|info|warn|error (IKRAR_LOG_LEVEL)")
	fs.StringVar(&c.WitnessFor, "witness-for", def("IKRAR_WITNESS_FOR", ""), "file of the logs this registry witnesses, one \"ORIGIN VERIFIER-KEY\" a line (IKRAR_WITNESS_FOR)")
	fs.StringVar(&c.Witnesses, "witnesses", def("IKRAR_WITNESSES", ""), "file of this log's witnesses, one \"VERIFIER-KEY URL\" a line (IKRAR_WITNESSES)")
	fs.IntVar(&c.WitnessQuorum, "witness-quorum", 0, "how many witnesses must cosign a checkpoint before the verification page trusts it (IKRAR_WITNESS_QUORUM)")
	fs.BoolVar(&c.AccessLog, "access-log", getenv("IKRAR_ACCESS_LOG") == "1" || getenv("IKRAR_ACCESS_LOG") == "true" || getenv("IKRAR_ACCESS_LOG") == "on",
		"log every request at info level: route, path without query string, status, size, time, request ID; no address or personal data (IKRAR_ACCESS_LOG)")
	fs.Int64Var(&c.MinFreeMB, "min-free-mb", 256, "free space (MB) on the data directory's disk below which /readyz answers 503 (IKRAR_MIN_FREE_MB)")
	fs.Int64Var(&c.PDFReserveMB, "pdf-reserve-mb", 0, "free space (MB) below which no new certificate PDF is stored, so signings keep room; larger than --min-free-mb (default twice it) (IKRAR_PDF_RESERVE_MB)")
	fs.DurationVar(&c.DrainDelay, "drain-delay", 0, "after SIGTERM, keep accepting this long with /readyz at 503 before closing the listener (IKRAR_DRAIN_DELAY)")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", DefaultShutdownTimeout, "after SIGTERM, how long requests in flight may finish before they are cut (IKRAR_SHUTDOWN_TIMEOUT)")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", def("IKRAR_METRICS_ADDR", ""), "serve Prometheus metrics at GET /metrics on this address, apart from the public one; empty: off (IKRAR_METRICS_ADDR)")
	fs.StringVar(&c.MetricsToken, "metrics-token", def("IKRAR_METRICS_TOKEN", ""), "require \"Authorization: Bearer TOKEN\" on /metrics (IKRAR_METRICS_TOKEN; prefer the environment: flags show in ps)")
	var pdfCache string
	fs.StringVar(&pdfCache, "pdf-cache-mb", getenv("IKRAR_PDF_CACHE_MB"), "obsolete and ignored: issued certificates are stored in the database (IKRAR_PDF_CACHE_MB)")
	err := fs.Parse(args)
	if err != nil {
		return c, err
	}
	c.PDFCacheMBObsolete = pdfCache != ""
	if c.Database, err = database(); err != nil {
		return c, err
	}
	if c.Demo && !flagSet(fs, "addr") && getenv("IKRAR_ADDR") == "" {
		// The demo admin's password is printed and in the README: unless
		// told where to listen, the demo answers this machine only.
		c.Addr = DemoAddr
		if c.BaseURL == "" {
			c.BaseURL = "http://localhost:8080"
		}
	}
	for _, m := range []struct {
		env, flag string
		to        *int64
	}{{"IKRAR_MIN_FREE_MB", "min-free-mb", &c.MinFreeMB}, {"IKRAR_PDF_RESERVE_MB", "pdf-reserve-mb", &c.PDFReserveMB}} {
		if v := getenv(m.env); v != "" && !flagSet(fs, m.flag) {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return c, fmt.Errorf("%s %q is not a number", m.env, v)
			}
			*m.to = n
		}
	}
	for _, d := range []struct {
		env, flag string
		to        *time.Duration
	}{{"IKRAR_DRAIN_DELAY", "drain-delay", &c.DrainDelay}, {"IKRAR_SHUTDOWN_TIMEOUT", "shutdown-timeout", &c.ShutdownTimeout}} {
		if v := getenv(d.env); v != "" && !flagSet(fs, d.flag) {
			t, err := time.ParseDuration(v)
			if err != nil {
				return c, fmt.Errorf("%s %q is not a duration (such as 5s)", d.env, v)
			}
			*d.to = t
		}
	}
	if c.MinFreeMB < 0 || c.DrainDelay < 0 || c.ShutdownTimeout <= 0 {
		return c, errors.New("--min-free-mb and --drain-delay must not be negative, --shutdown-timeout must be positive")
	}
	if c.PDFReserveMB < 0 {
		return c, errors.New("--pdf-reserve-mb must not be negative")
	}
	if c.PDFReserveMB > 0 && c.PDFReserveMB <= c.MinFreeMB {
		return c, fmt.Errorf("--pdf-reserve-mb (%d) must be larger than --min-free-mb (%d): certificates must leave the database room to commit signings", c.PDFReserveMB, c.MinFreeMB)
	}
	if q := getenv("IKRAR_WITNESS_QUORUM"); q != "" && !flagSet(fs, "witness-quorum") {
		n, err := strconv.Atoi(q)
		if err != nil {
			return c, fmt.Errorf("IKRAR_WITNESS_QUORUM %q is not a number", q)
		}
		c.WitnessQuorum = n
	}
	if c.MetricsToken != "" && c.MetricsAddr == "" {
		return c, errors.New("--metrics-token needs --metrics-addr")
	}
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			return c, fmt.Errorf("--metrics-addr %q: %w", c.MetricsAddr, err)
		}
	}
	if c.WitnessQuorum < 0 || (c.WitnessQuorum > 0 && c.Witnesses == "") {
		return c, errors.New("--witness-quorum needs --witnesses and must not be negative")
	}
	switch rate {
	case "on", "true", "1":
		c.RateLimit = true
	case "off", "false", "0":
		c.RateLimit = false
	default:
		return c, fmt.Errorf("--rate-limit must be on or off, not %q", rate)
	}
	for _, p := range strings.Split(proxies, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		_, n, err := net.ParseCIDR(p)
		if err != nil {
			return c, fmt.Errorf("--trusted-proxies: %w", err)
		}
		c.TrustedProxies = append(c.TrustedProxies, n)
	}
	return c, c.complete()
}

// complete fills defaults that depend on other fields and validates.
func (c *Config) complete() error {
	if c.DataDir == "" {
		return errors.New("--data must not be empty")
	}
	if c.BaseURL == "" {
		host, port, err := net.SplitHostPort(c.Addr)
		if err != nil {
			return fmt.Errorf("--addr %q: %w", c.Addr, err)
		}
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "localhost"
		}
		c.BaseURL = "http://" + net.JoinHostPort(host, port)
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--base-url %q must be an absolute http(s) URL", c.BaseURL)
	}
	if u.Path != "" || u.RawQuery != "" || u.Fragment != "" {
		// The certificate QR is HTTPS://HOST/V/CODE/CLAIM in upper case, so
		// it can use the QR alphanumeric mode: a path prefix would have to
		// be matched in upper case by whatever serves the host.
		return fmt.Errorf("--base-url %q must be the root of a host, with no path: certificate QR codes open /V/<code>/<claim> on it", c.BaseURL)
	}
	if c.Origin == "" {
		c.Origin = u.Host + "/ikrar"
	}
	return nil
}

// DatabaseFlag adds --database to fs, for every command that opens the
// registry's store, and returns what to call after fs is parsed: the
// postgres:// URL of the PostgreSQL database to use, or "" for the SQLite
// file in the data directory. The flag wins over IKRAR_DATABASE, and that
// over IKRAR_DATABASE_FILE, a file holding the URL (mode 0600, as the data
// directory's secrets are): a password in a URL on the command line or in
// the environment shows in ps and in /proc. pgx also reads a password
// from PGPASSWORD or ~/.pgpass (PGPASSFILE) when the URL has none.
func DatabaseFlag(fs *flag.FlagSet, getenv Getenv) func() (string, error) {
	// No default from the environment: flag's usage would print it.
	v := fs.String("database", "",
		"postgres://USER@HOST/DB of a PostgreSQL database to keep the registry in; default: ikrar.db in the data directory (IKRAR_DATABASE, or IKRAR_DATABASE_FILE: a file holding the URL)")
	return func() (string, error) {
		dsn := *v
		if dsn == "" {
			dsn = getenv("IKRAR_DATABASE")
		}
		if dsn == "" {
			if file := getenv("IKRAR_DATABASE_FILE"); file != "" {
				b, err := os.ReadFile(file)
				if err != nil {
					return "", fmt.Errorf("IKRAR_DATABASE_FILE: %w", err)
				}
				dsn = strings.TrimSpace(string(b))
				if dsn == "" {
					return "", fmt.Errorf("IKRAR_DATABASE_FILE %s is empty", file)
				}
			}
		}
		if dsn != "" && !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
			// Never echo the value: it may hold a password.
			return "", errors.New("--database must be a postgres:// or postgresql:// URL (the SQLite database is ikrar.db in --data, the default)")
		}
		return dsn, nil
	}
}

func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
