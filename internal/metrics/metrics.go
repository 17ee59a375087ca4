// Package metrics is what `ikrar serve --metrics-addr` exposes to
// Prometheus: it owns a registry of its own (never the global default, so
// each server and each test has its own numbers) and the typed instruments
// the other packages feed. A nil *Metrics takes every observation and
// records nothing, so code paths need no check for metrics being off.
//
// Counters on the signing path are resolved once, at start, per label
// pair: counting a signing is one atomic add, no map write or allocation.
// Whatever the store or the checkpointer already knows (the log's size,
// the newest checkpoint, the WAL, the stored certificates) is read when
// Prometheus scrapes, through Sources, not pushed on every change.
package metrics

import (
	"context"
	"crypto/subtle"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Signing channels: the interface a signing came through.
const (
	ChannelWeb = "web"
	ChannelAPI = "api"
)

// Signing results.
const (
	ResultOK        = "ok"        // a new record committed
	ResultDuplicate = "duplicate" // the person had signed already: the first record is shown
	ResultClosed    = "closed"    // the event is not open for signing
	ResultInvalid   = "invalid"   // the signer's input was refused (consent, signature)
	ResultError     = "error"     // the server failed (database, disk)
)

var (
	channels = []string{ChannelWeb, ChannelAPI}
	results  = []string{ResultOK, ResultDuplicate, ResultClosed, ResultInvalid, ResultError}
)

// Metrics holds the instruments.
type Metrics struct {
	reg *prometheus.Registry

	signings  *prometheus.CounterVec
	signingBy map[[2]string]prometheus.Counter // read-only after New

	identFailures *prometheus.CounterVec
	rateLimited   *prometheus.CounterVec
	batchSize     prometheus.Histogram
	commitSeconds prometheus.Histogram
	sseClients    prometheus.Gauge
	pdfRenders    *prometheus.CounterVec
	pdfSeconds    prometheus.Histogram
	pdfStored     prometheus.Counter
	hashWait      prometheus.Histogram
	hashRefused   prometheus.Counter
}

// Build names the running binary in ikrar_build_info.
type Build struct {
	Version, Revision string
}

// New makes the instruments and registers them, with the Go runtime and
// process collectors and ikrar_build_info, in a registry of their own.
func New(b Build) *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{reg: reg,
		signings: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ikrar_signings_total",
			Help: "Signing attempts that reached the signing step, by channel (web, api) and result (ok, duplicate, closed, invalid, error)."},
			[]string{"channel", "result"}),
		identFailures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ikrar_identification_failures_total",
			Help: "Failed identifications of signers (wrong event code, NIP not eligible, name mismatch, invalid personal link), by reason."},
			[]string{"reason"}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ikrar_rate_limited_total",
			Help: "Requests a limit held back, by limit: login (sign-in and password-change failures), identification (the name was asked as well), witness (add-checkpoint pace)."},
			[]string{"limit"}),
		batchSize: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "ikrar_commit_batch_size",
			Help:    "Writes (signings, stored certificates) committed together by one group commit.",
			Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128, 256, 512}}),
		commitSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "ikrar_commit_duration_seconds",
			Help:    "Time one group commit took, its fsync included.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14)}),
		sseClients: prometheus.NewGauge(prometheus.GaugeOpts{Name: "ikrar_sse_clients",
			Help: "Live dashboard streams (server-sent events) open now."}),
		pdfRenders: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ikrar_pdf_renders_total",
			Help: "Certificate PDFs rendered, by result (ok, error)."}, []string{"result"}),
		pdfSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "ikrar_pdf_render_duration_seconds",
			Help:    "Time to render one certificate PDF, waiting for a render slot included.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2, 12)}),
		pdfStored: prometheus.NewCounter(prometheus.CounterOpts{Name: "ikrar_pdf_stored_bytes_total",
			Help: "Bytes of issued certificates this process stored in the database."}),
		hashWait: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "ikrar_password_hash_wait_seconds",
			Help:    "Time a password check or hash waited in the queue for a hashing slot (only those that had to wait).",
			Buckets: prometheus.ExponentialBuckets(0.01, 2, 10)}),
		hashRefused: prometheus.NewCounter(prometheus.CounterOpts{Name: "ikrar_password_hash_refused_total",
			Help: "Password checks refused as busy: the hashing queue was full or the wait ran out."}),
		signingBy: map[[2]string]prometheus.Counter{},
	}
	for _, ch := range channels {
		for _, r := range results {
			m.signingBy[[2]string{ch, r}] = m.signings.WithLabelValues(ch, r)
		}
	}
	// Series that exist from the start, at 0, so that rates and alerts
	// have something to compare before the first event.
	for _, r := range []string{"wrong_event_code", "not_eligible", "identity_mismatch"} {
		m.identFailures.WithLabelValues(r)
	}
	for _, l := range []string{"login", "identification", "witness"} {
		m.rateLimited.WithLabelValues(l)
	}
	for _, r := range []string{ResultOK, ResultError} {
		m.pdfRenders.WithLabelValues(r)
	}
	build := prometheus.NewGauge(prometheus.GaugeOpts{Name: "ikrar_build_info",
		Help:        "Always 1; the labels name the version and VCS revision running.",
		ConstLabels: prometheus.Labels{"version": b.Version, "revision": b.Revision}})
	build.Set(1)
	reg.MustRegister(m.signings, m.identFailures, m.rateLimited, m.batchSize, m.commitSeconds, m.sseClients,
		m.pdfRenders, m.pdfSeconds, m.pdfStored, m.hashWait, m.hashRefused, build,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Signing counts one signing by channel and result.
func (m *Metrics) Signing(channel, result string) {
	if m == nil {
		return
	}
	if c, ok := m.signingBy[[2]string{channel, result}]; ok {
		c.Inc()
		return
	}
	m.signings.WithLabelValues(channel, result).Inc()
}

// IdentificationFailed counts a failed identification; reason is the
// error code the signer got.
func (m *Metrics) IdentificationFailed(reason string) {
	if m == nil {
		return
	}
	m.identFailures.WithLabelValues(reason).Inc()
}

// RateLimited counts a request a limit held back.
func (m *Metrics) RateLimited(limit string) {
	if m == nil {
		return
	}
	m.rateLimited.WithLabelValues(limit).Inc()
}

// Committed records one group commit: how many writes and how long.
func (m *Metrics) Committed(batch int, took time.Duration) {
	if m == nil {
		return
	}
	m.batchSize.Observe(float64(batch))
	m.commitSeconds.Observe(took.Seconds())
}

// StreamOpened and StreamClosed count live dashboard streams.
func (m *Metrics) StreamOpened() {
	if m != nil {
		m.sseClients.Inc()
	}
}

func (m *Metrics) StreamClosed() {
	if m != nil {
		m.sseClients.Dec()
	}
}

// PDFRendered records one certificate render.
func (m *Metrics) PDFRendered(took time.Duration, err error) {
	if m == nil {
		return
	}
	result := ResultOK
	if err != nil {
		result = ResultError
	}
	m.pdfRenders.WithLabelValues(result).Inc()
	m.pdfSeconds.Observe(took.Seconds())
}

// PDFStored counts the bytes of a certificate stored for good.
func (m *Metrics) PDFStored(bytes int) {
	if m != nil {
		m.pdfStored.Add(float64(bytes))
	}
}

// PasswordHashWaited records the wait of one password computation that
// had to queue; refused says it got no slot.
func (m *Metrics) PasswordHashWaited(took time.Duration, refused bool) {
	if m == nil {
		return
	}
	m.hashWait.Observe(took.Seconds())
	if refused {
		m.hashRefused.Inc()
	}
}

// Sources are read at scrape time; a nil one is left out.
type Sources struct {
	// LogSize is the number of leaves in the transparency log.
	LogSize func() int64
	// LatestCheckpoint is the newest stored signed checkpoint: its tree
	// size and when it was signed; ok false before the first.
	LatestCheckpoint func(ctx context.Context) (size int64, signedAt time.Time, ok bool, err error)
	// FileBytes is the size of the database file and of its
	// write-ahead log.
	FileBytes func() (main, wal int64, err error)
	// IssuedPDFs counts the certificates issued and stored. It is read at
	// most once a minute.
	IssuedPDFs func(ctx context.Context) (int64, error)
	// DiskFree is the free space on the data directory's file system and
	// the threshold below which the server is not ready.
	DiskFree func() (free, min uint64, err error)
	// PDFCache is what the in-memory certificate cache holds.
	PDFCache func() (entries int, bytes int64)
	// PasswordHashing is how many password computations run and wait now.
	PasswordHashing func() (running, waiting int64)
	// Now is the clock for ages (default time.Now).
	Now func() time.Time
}

// Watch registers the scrape-time sources.
func (m *Metrics) Watch(src Sources) {
	if m == nil {
		return
	}
	if src.Now == nil {
		src.Now = time.Now
	}
	gauge := func(name, help string, f func() float64) {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f))
	}
	if src.LogSize != nil {
		gauge("ikrar_log_size", "Leaves in the transparency log.", func() float64 { return float64(src.LogSize()) })
	}
	if src.PDFCache != nil {
		gauge("ikrar_pdf_cache_entries", "Certificates held in the in-memory cache.", func() float64 { n, _ := src.PDFCache(); return float64(n) })
		gauge("ikrar_pdf_cache_bytes", "Bytes of certificates held in the in-memory cache.", func() float64 { _, b := src.PDFCache(); return float64(b) })
	}
	if src.PasswordHashing != nil {
		gauge("ikrar_password_hash_running", "Password hash computations running now.", func() float64 { r, _ := src.PasswordHashing(); return float64(r) })
		gauge("ikrar_password_hash_queue", "Password hash computations waiting for a slot now.", func() float64 { _, w := src.PasswordHashing(); return float64(w) })
	}
	m.reg.MustRegister(&stateCollector{src: src})
}

var (
	descCheckpointAge = prometheus.NewDesc("ikrar_checkpoint_age_seconds",
		"Seconds since the newest signed checkpoint was signed (a checkpoint is signed only when the log grew: compare ikrar_checkpoint_size with ikrar_log_size).", nil, nil)
	descCheckpointSize = prometheus.NewDesc("ikrar_checkpoint_size", "Tree size of the newest signed checkpoint.", nil, nil)
	descDB             = prometheus.NewDesc("ikrar_db_bytes", "Size of the SQLite database file (ikrar.db), stored certificates included.", nil, nil)
	descWAL            = prometheus.NewDesc("ikrar_wal_bytes", "Size of the SQLite write-ahead log file (ikrar.db-wal).", nil, nil)
	descPDFCount       = prometheus.NewDesc("ikrar_pdf_issued", "Certificates issued and stored in the database (read at most once a minute).", nil, nil)
	descDiskFree       = prometheus.NewDesc("ikrar_disk_free_bytes", "Free space on the data directory's file system.", nil, nil)
	descDiskMin        = prometheus.NewDesc("ikrar_disk_min_free_bytes", "Free space below which /readyz answers 503 (--min-free-mb).", nil, nil)
	descScrapeErrors   = prometheus.NewDesc("ikrar_metrics_source_errors", "1 for each source that failed to answer this scrape, by source.", []string{"source"}, nil)
)

// stateCollector reads, per scrape, what needs the database or the disk.
// A source that fails is reported by ikrar_metrics_source_errors rather
// than failing the whole scrape.
type stateCollector struct {
	src Sources

	mu       sync.Mutex
	pdfAt    time.Time
	pdfCount int64
}

func (s *stateCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descCheckpointAge, descCheckpointSize, descDB, descWAL, descDiskFree, descDiskMin, descPDFCount, descScrapeErrors} {
		ch <- d
	}
}

// issuedPDFsEvery bounds how often the issued certificates are counted: a
// count reads a whole index.
const issuedPDFsEvery = time.Minute

func (s *stateCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	failed := func(source string) {
		ch <- prometheus.MustNewConstMetric(descScrapeErrors, prometheus.GaugeValue, 1, source)
	}
	if f := s.src.LatestCheckpoint; f != nil {
		size, at, ok, err := f(ctx)
		switch {
		case err != nil:
			failed("checkpoint")
		case ok:
			ch <- prometheus.MustNewConstMetric(descCheckpointAge, prometheus.GaugeValue, max(0, s.src.Now().Sub(at).Seconds()))
			ch <- prometheus.MustNewConstMetric(descCheckpointSize, prometheus.GaugeValue, float64(size))
		}
	}
	if f := s.src.FileBytes; f != nil {
		if main, wal, err := f(); err != nil {
			failed("files")
		} else {
			ch <- prometheus.MustNewConstMetric(descDB, prometheus.GaugeValue, float64(main))
			ch <- prometheus.MustNewConstMetric(descWAL, prometheus.GaugeValue, float64(wal))
		}
	}
	if f := s.src.DiskFree; f != nil {
		if free, min, err := f(); err != nil {
			failed("disk")
		} else {
			ch <- prometheus.MustNewConstMetric(descDiskFree, prometheus.GaugeValue, float64(free))
			ch <- prometheus.MustNewConstMetric(descDiskMin, prometheus.GaugeValue, float64(min))
		}
	}
	if f := s.src.IssuedPDFs; f != nil {
		s.mu.Lock()
		if s.pdfAt.IsZero() || time.Since(s.pdfAt) >= issuedPDFsEvery {
			if n, err := f(ctx); err != nil {
				failed("pdf_issued")
			} else {
				s.pdfAt, s.pdfCount = time.Now(), n
			}
		}
		if !s.pdfAt.IsZero() {
			ch <- prometheus.MustNewConstMetric(descPDFCount, prometheus.GaugeValue, float64(s.pdfCount))
		}
		s.mu.Unlock()
	}
}

// Handler serves the registry in Prometheus' text format. With a token,
// a request must carry "Authorization: Bearer TOKEN".
func (m *Metrics) Handler(token string) http.Handler {
	h := promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg, ErrorHandling: promhttp.ContinueOnError})
	if token == "" {
		return h
	}
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := []byte(r.Header.Get("Authorization"))
		if subtle.ConstantTimeCompare(got, want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="ikrar metrics"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// Mux serves Handler at /metrics and nothing else.
func (m *Metrics) Mux(token string) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler(token))
	return mux
}
