package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"sync"
	"time"

	"github.com/ikrar-id/ikrar"
	"github.com/ikrar-id/ikrar/internal/certificate"
	"github.com/ikrar-id/ikrar/internal/config"
	"github.com/ikrar-id/ikrar/internal/metrics"
	"github.com/ikrar-id/ikrar/internal/publish"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/sqlite"
	"github.com/ikrar-id/ikrar/internal/translog"
	"github.com/ikrar-id/ikrar/internal/web"
)

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	cfg, err := config.Serve(args, getenv, stderr)
	if err != nil {
		return exitError{code: 2, msg: err.Error()}
	}
	log := newLogger(stderr, cfg.LogLevel)
	if path := getenv("IKRAR_CPUPROFILE"); path != "" {
		// For measuring under load (docs/PERFORMANCE.md): a CPU profile of
		// the whole run, written at shutdown.
		stop, err := startCPUProfile(path)
		if err != nil {
			return err
		}
		defer stop()
	}
	a, err := openServe(ctx, cfg.DataDir, cfg.Database, cfg.Origin, cfg.BaseURL)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := sameKeysAsTheLog(ctx, a); err != nil {
		return err
	}
	if err := a.svc.Hasher.Params().Production(); err != nil {
		// Only code chooses cheaper costs (tests); never serve with them.
		return fmt.Errorf("password hashing: %w", err)
	}
	if w := a.keys.CurrentWindow(); !w.Contains(time.Now()) {
		return exitError{code: 1, msg: fmt.Sprintf("kunci penanda tangan log di luar masa berlakunya (%s); jalankan ikrar key rotate.\n"+
			"The log's signing key is outside its validity window (%s) and no longer signs: run `ikrar key rotate --data %s`.", w, w, cfg.DataDir)}
	} else if !w.NotAfter.IsZero() && time.Until(w.NotAfter) < 30*24*time.Hour {
		log.Warn("the log's signing key expires soon: rotate it while it can still cross-sign the handover", "not_after", w.NotAfter)
	}
	if err := dropPDFCache(cfg, log); err != nil {
		return err
	}
	if getenv("GOMEMLIMIT") == "" {
		// A burst of certificate downloads allocates about 1 GB/s; without
		// a limit the heap runs far ahead of what is live between
		// collections. Password hashes in flight are live memory on top:
		// a limit below them makes the collector run without pause while
		// a login flood is hashed, and starves signing of CPU.
		// GOMEMLIMIT overrides this.
		debug.SetMemoryLimit(defaultMemoryLimit + int64(a.svc.Hasher.Size())*a.svc.Hasher.Memory())
	}
	certs, err := certificate.NewRenderer()
	if err != nil {
		return fmt.Errorf("load certificate fonts: %w", err)
	}
	cp := &translog.Checkpointer{Store: a.db, Keys: a.keys, MinInterval: 2 * time.Second, Now: time.Now, Log: log}
	if err := checkSignedHistory(ctx, cfg.DataDir, a.lite != nil, cp, log); err != nil {
		return err
	}
	tl := web.Transparency{Store: a.db, Keys: a.keys, Checkpointer: cp}
	if err := witnessing(cfg, a, &tl, log); err != nil {
		return exitError{code: 2, msg: err.Error()}
	}
	pub, err := publisher(cfg.PublishFile, a, log)
	if err != nil {
		return exitError{code: 2, msg: err.Error()}
	}
	if pub != nil {
		cp.Signed = append(cp.Signed, pub.Notify)
		if tl.Cosigned != nil {
			// Pushed once signed, and again once its witnesses cosigned it.
			tl.Cosigned.Cosigned = func(sc translog.SignedCheckpoint) { pub.Notify(ctx, sc) }
		}
	}
	m := newMetrics(cfg, a)
	srv, err := web.New(web.Options{
		BaseURL: cfg.BaseURL, SecureCookies: cfg.SecureCookies(), RateLimit: cfg.RateLimit,
		TrustedProxies: cfg.TrustedProxies, AccessLog: cfg.AccessLog, Templates: ikrar.Templates, Static: ikrar.Static,
		DownloadKey: a.secrets.Download, DataDir: cfg.DataDir, MinFreeBytes: cfg.MinFreeMB << 20, Metrics: m,
		PDFReserveBytes: cfg.PDFReserveMB << 20,
	}, a.svc, a.db, certs, tl, log)
	if err != nil {
		return err
	}
	if shared, ok := a.db.(interface{ OnErased(func(codes []string)) }); ok {
		// Another instance's erasure takes this one's copies in memory too.
		shared.OnErased(srv.ForgetCertificates)
	}
	m.Watch(metrics.Sources{
		LogSize:          func() int64 { n, _ := a.db.LogSize(ctx); return n },
		LatestCheckpoint: a.db.NewestCheckpoint,
		FileBytes:        a.fileBytes(),
		IssuedPDFs:       a.db.IssuedCount,
		DiskFree:         srv.DiskFree,
		PDFCache:         srv.PDFCacheStats,
		PasswordHashing:  a.svc.Hasher.Load,
	})
	stopMetrics, err := serveMetrics(cfg, m, log)
	if err != nil {
		return err
	}
	defer stopMetrics()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	if cfg.Demo {
		if err := seedDemo(ctx, a, cfg.BaseURL, ln.Addr().String(), stdout); err != nil {
			ln.Close()
			return fmt.Errorf("demo data: %w", err)
		}
	}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	log.Info("ikrar serving", "addr", ln.Addr().String(), "base_url", cfg.BaseURL, "data", cfg.DataDir, "rate_limit", cfg.RateLimit,
		"password_hash_slots", a.svc.Hasher.Size())
	cpCtx, stopCheckpoints := context.WithCancel(context.Background())
	cpDone := make(chan struct{})
	// Several instances on one PostgreSQL database sign checkpoints one at
	// a time, with the key each has the same copy of, and gather their
	// cosignatures; the others serve what it stores.
	go func() {
		runLed(cpCtx, a.db, "checkpoints", log, func(ctx context.Context) {
			var cosigning sync.WaitGroup
			if tl.Cosigned != nil {
				cosigning.Go(func() { tl.Cosigned.Run(ctx) })
			}
			cp.Run(ctx, a.db.Appended())
			cosigning.Wait()
		}, func(ctx context.Context) { cp.Follow(ctx, a.db.Appended()) })
		close(cpDone)
	}()
	defer func() { stopCheckpoints(); <-cpDone }()
	// Every background job stops with the server, before the store closes:
	// none may write into the data directory once serve has returned.
	var bg sync.WaitGroup
	defer func() { stopCheckpoints(); bg.Wait() }()
	bg.Go(func() {
		runLed(cpCtx, a.db, "schedule", log, func(ctx context.Context) { runSchedule(ctx, a, log) }, nil)
	})
	// Events past their retention date lose their records' personal data,
	// checked at start and once a day.
	bg.Go(func() { runLed(cpCtx, a.db, "retention", log, srv.RunRetention, nil) })
	if a.lite != nil {
		// A long outside reader (a backup tool, sqlite3 left open) grows the
		// WAL; once it ends, the WAL's disk comes back without a restart.
		bg.Go(func() { a.lite.MaintainWAL(cpCtx, sqlite.WALCheckInterval, sqlite.WALTruncateAbove, log) })
	}
	if pub != nil {
		pubDone := make(chan struct{})
		go func() { pub.Run(cpCtx); close(pubDone) }()
		defer func() { stopCheckpoints(); <-pubDone }()
		// Targets catch up with what was signed while the server was down.
		if last, ok, err := a.keys.LastSigned(); err == nil && ok {
			pub.Notify(cpCtx, last)
		}
	}
	bg.Go(func() {
		runOnceLed(cpCtx, a.db, "store-issued-pdfs", log, func(ctx context.Context) { storeIssuedPDFs(ctx, srv, log) })
	})
	if a.lite != nil {
		// Only a registry from before issuances were logged has stored
		// certificates to log; one is moved to PostgreSQL after it served
		// on this release.
		bg.Go(func() { logStoredPDFs(cpCtx, a.lite, log) })
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	return drain(srv, hs, errc, cfg.DrainDelay, cfg.ShutdownTimeout, log)
}

// sameKeysAsTheLog refuses to serve a shared (PostgreSQL) registry with
// keys that did not sign its newest checkpoint: an instance with a data
// directory of its own keys would sign QR claims and checkpoints nobody
// can verify with the keys the others publish. Every instance needs the
// same keys/, secret.key and origin, copied from the first.
func sameKeysAsTheLog(ctx context.Context, a *app) error {
	if a.lite != nil {
		return nil
	}
	sc, err := a.db.LatestCheckpoint(ctx)
	if registry.IsCode(err, registry.ENOTFOUND) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read the newest checkpoint: %w", err)
	}
	if _, err := translog.OpenCheckpoint(sc.Note, a.keys.Verifiers()); err != nil {
		return exitError{code: 1, msg: fmt.Sprintf("kunci di %s tidak menandatangani checkpoint terbaru basis data ini; salin keys/, secret.key dan origin dari instans pertama.\n"+
			"The keys in %s did not sign this database's newest checkpoint (size %d: %v): every instance needs the same keys/, secret.key and origin, copied from the first (after a key rotation, copied again).",
			a.dir, a.dir, sc.Size, err)}
	}
	return nil
}

// newMetrics makes the instruments when --metrics-addr asks for them and
// hooks them to the store's group commit and the password hasher; nil
// (nothing counted) otherwise.
func newMetrics(cfg config.Config, a *app) *metrics.Metrics {
	if cfg.MetricsAddr == "" {
		return nil
	}
	version, revision := buildVersion()
	m := metrics.New(metrics.Build{Version: version, Revision: revision})
	if a.lite != nil {
		a.lite.ObserveCommits(m.Committed)
	}
	a.svc.Hasher.OnWait = m.PasswordHashWaited
	return m
}

// serveMetrics serves GET /metrics on --metrics-addr, a plain listener
// apart from the public router, so the numbers never reach the public
// address. stop closes it; it goes down with the server.
func serveMetrics(cfg config.Config, m *metrics.Metrics, log *slog.Logger) (stop func(), err error) {
	if m == nil {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", cfg.MetricsAddr)
	if err != nil {
		return nil, fmt.Errorf("listen on --metrics-addr %s: %w", cfg.MetricsAddr, err)
	}
	hs := &http.Server{Handler: m.Mux(cfg.MetricsToken), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 16 << 10}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics listener stopped", "addr", ln.Addr().String(), "err", err)
		}
	}()
	log.Info("serving metrics", "addr", ln.Addr().String(), "token", cfg.MetricsToken != "")
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := hs.Shutdown(ctx); err != nil {
			hs.Close()
		}
		<-done
	}, nil
}

// drain stops the server after SIGTERM: /readyz and new requests answer
// 503 at once; after delay the listener closes; requests in flight (a
// signing waiting for its commit) get until timeout to finish, then the
// slow ones (an upload trickling in) are cut. Stopping this way is a
// normal exit.
func drain(srv *web.Server, hs *http.Server, errc <-chan error, delay, timeout time.Duration, log *slog.Logger) error {
	srv.Drain()
	log.Info("draining: /readyz answers 503", "delay", delay, "timeout", timeout)
	time.Sleep(delay)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := hs.Shutdown(ctx); err != nil {
		log.Warn("requests still in flight at the shutdown timeout were cut", "timeout", timeout, "err", err)
		hs.Close()
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// shutdownGrace is how long requests in flight get after SIGTERM by
// default (--drain-delay 0). The service managers in deploy/ must wait
// longer before they kill.
const shutdownGrace = config.DefaultShutdownTimeout

// publisher reads the --publish file; nil without one.
func publisher(file string, a *app, log *slog.Logger) (*publish.Publisher, error) {
	if file == "" {
		return nil, nil
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("--publish: %w", err)
	}
	defer f.Close()
	text, err := io.ReadAll(io.LimitReader(f, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("--publish %s: %w", file, err)
	}
	targets, err := publish.ParseTargets(string(text))
	if err != nil {
		return nil, fmt.Errorf("--publish %s: %w", file, err)
	}
	for _, t := range targets {
		log.Info("publishing checkpoints", "target", t.String())
	}
	return &publish.Publisher{Targets: targets, Log: log,
		Note: func(ctx context.Context, size int64) ([]byte, error) {
			c, err := a.db.CheckpointAt(ctx, size)
			return c.Note, err
		}}, nil
}

// dropPDFCache removes the certificate cache an earlier version kept in
// data/pdf-cache/: its copies hold names and NIPs that no erasure would
// reach any more, and every issued certificate is in the database now
// (or is stored from the fingerprint it had, see issuance.Issuer.StoreIssued).
func dropPDFCache(cfg config.Config, log *slog.Logger) error {
	if cfg.PDFCacheMBObsolete {
		log.Warn("--pdf-cache-mb (IKRAR_PDF_CACHE_MB) is obsolete and ignored: issued certificates are stored in the database")
	}
	dir := filepath.Join(cfg.DataDir, "pdf-cache")
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("remove the old certificate cache %s: %w", dir, err)
	}
	log.Info("removed the old certificate cache: issued certificates are stored in the database", "dir", dir)
	return nil
}

// storeIssuedPDFs stores the certificates issued before this version, in
// the background: downloads meanwhile do the same for their own record.
func storeIssuedPDFs(ctx context.Context, srv *web.Server, log *slog.Logger) {
	stored, unmatched, err := srv.StoreIssuedPDFs(ctx)
	switch {
	case err != nil && ctx.Err() == nil:
		log.Error("store issued certificates: stopped; the next start resumes", "stored", stored, "unmatched", unmatched, "err", err)
	case stored+unmatched > 0:
		log.Info("stored the certificates issued before this version", "stored", stored, "unmatched", unmatched)
	}
}

// logStoredPDFs appends, in the background, the issuance leaves of the
// certificates stored before issuances were logged.
func logStoredPDFs(ctx context.Context, db *sqlite.DB, log *slog.Logger) {
	n, mismatched, err := db.LogStoredPDFs(ctx, time.Now)
	switch {
	case err != nil && ctx.Err() == nil:
		log.Error("log stored certificates: stopped; the next start resumes", "logged", n, "err", err)
	case n > 0:
		log.Info("logged the issuance of the certificates stored before this version", "logged", n)
	}
	if len(mismatched) > 0 {
		log.Error("stored certificates whose bytes differ from their record's fingerprint: not logged; run ikrar audit --data", "codes", mismatched)
	}
}

func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("IKRAR_CPUPROFILE: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("IKRAR_CPUPROFILE: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// defaultMemoryLimit is the Go heap's soft limit: the live heap of a busy
// server (caches included) stays well below it, about 40 MB, and the rest
// of the process (SQLite's page caches, goroutine stacks, the runtime)
// takes some 35 MB more; 100 MB keeps the whole under 150 MB.
const defaultMemoryLimit = 100 << 20

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

// runSchedule opens and closes events on their signing schedule, checking
// every 15 seconds, until ctx is done.
func runSchedule(ctx context.Context, a *app, log *slog.Logger) {
	tick := time.NewTicker(15 * time.Second)
	defer tick.Stop()
	for {
		changed, err := a.svc.ApplySchedule(ctx)
		if err != nil && ctx.Err() == nil {
			log.Error("apply event schedule", "err", err)
		}
		for _, e := range changed {
			log.Info("event status changed by schedule", "event", e.ID, "status", e.Status)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
