package web

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/labstack/echo/v5"
)

// Stable codes of /readyz's checks (docs/OPERATIONS.md).
const (
	codeLogInconsistent     = "log_inconsistent"
	codeDatabaseUnavailable = "database_unavailable"
	codeWriterUnavailable   = "writer_unavailable"
	codeDiskLow             = "disk_low"
	codeStorageFull         = "storage_full"
	codeDraining            = "draining"
)

// DefaultMinFreeBytes is the free space on the data directory's file
// system below which /readyz answers 503: room for the WAL to grow while
// a checkpoint of it waits for readers.
const DefaultMinFreeBytes = 256 << 20

// writerRecent is how recent a group commit must be to stand for a write
// probe; probeBound bounds how long /readyz waits for a probe.
const (
	writerRecent = 5 * time.Second
	probeBound   = 2 * time.Second
	// fullRecent is how long a write refused for a full disk keeps
	// /readyz at 503 unless a signing commits: past it, readiness comes
	// back by itself, so a balancer sends signers again to find out.
	fullRecent = 30 * time.Second
)

// FullReporter is a store that can say its writes met a full disk.
type FullReporter interface {
	// LastFull is when a write last failed for a full disk; zero if
	// none did or a signing committed since.
	LastFull() time.Time
}

// WriteProber is the store's writer as /readyz sees it.
type WriteProber interface {
	// LastCommit is when a signing batch last committed.
	LastCommit() time.Time
	// ProbeWrite commits a transaction that changes nothing.
	ProbeWrite(ctx context.Context) error
}

// readyCheck is one line of /readyz's answer.
type readyCheck struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Code   string `json:"code,omitempty"`
	Detail string `json:"detail,omitempty"`
}

// readyStatus is /readyz's answer. Code, Reason and Detail are those of
// the first failing check, for a client that reads one reason.
type readyStatus struct {
	Ready  bool         `json:"ready"`
	Code   string       `json:"code,omitempty"`
	Reason string       `json:"reason,omitempty"`
	Detail string       `json:"detail,omitempty"`
	Checks []readyCheck `json:"checks"`
}

// health holds what /readyz needs between probes.
type health struct {
	draining atomic.Bool
	mu       sync.Mutex
	probing  chan struct{} // closed when the probe in flight ends
	probeErr error
	probeAt  time.Time
}

// Drain makes /readyz answer 503 and every other new request 503 with
// Retry-After, so a load balancer takes the server out of rotation while
// the requests in flight finish. It is called on SIGTERM.
func (s *Server) Drain() { s.health.draining.Store(true) }

// drainGate refuses new requests once the server drains; the probes
// still answer.
func (s *Server) drainGate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c *echo.Context) error {
		if !s.health.draining.Load() {
			return next(c)
		}
		switch c.Request().URL.Path {
		case "/livez", "/healthz", "/readyz":
			return next(c)
		}
		c.Response().Header().Set("Retry-After", "5")
		c.Response().Header().Set("Connection", "close")
		return c.String(http.StatusServiceUnavailable, s.lang(c).T("Server sedang berhenti; coba lagi sebentar lagi.")+"\n")
	}
}

// livez answers while the process runs; it asks nothing of the database.
// /healthz is its older name.
func (s *Server) livez(c *echo.Context) error {
	return c.String(http.StatusOK, "ok\n")
}

// readyz answers 200 only when the server can do its work: the database
// answers, the writer commits, the disk has room for the WAL, the log
// agrees with its signed history and the server is not draining.
func (s *Server) readyz(c *echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), probeBound)
	defer cancel()
	lang := s.lang(c)
	st := readyStatus{Ready: true}
	add := func(name, code, reason, detail string) {
		ch := readyCheck{Name: name, OK: code == "", Code: code, Detail: detail}
		if code != "" && reason != "" {
			ch.Detail = reason
			if detail != "" {
				ch.Detail += " " + detail
			}
		}
		st.Checks = append(st.Checks, ch)
		if code != "" && st.Ready {
			st.Ready, st.Code, st.Reason, st.Detail = false, code, reason, detail
		}
	}
	if s.health.draining.Load() {
		add("draining", codeDraining, translate(lang, "Server sedang berhenti dan tidak menerima permintaan baru."), "")
	} else {
		add("draining", "", "", "")
	}
	if err := s.db.Ping(ctx); err != nil {
		add("database", codeDatabaseUnavailable, translate(lang, "Basis data tidak menjawab."), err.Error())
	} else {
		add("database", "", "", "")
	}
	if err := s.writerCommits(ctx); err != nil {
		add("writer", codeWriterUnavailable, translate(lang, "Basis data tidak dapat menyimpan: penandatanganan akan gagal."), err.Error())
	} else {
		add("writer", "", "", "")
	}
	if free, err := s.freeBytes(); err != nil {
		add("disk", codeDiskLow, translate(lang, "Ruang kosong disk data tidak dapat dibaca."), err.Error())
	} else if min := s.minFreeBytes(); free < min {
		add("disk", codeDiskLow, translate(lang, "Ruang kosong disk data hampir habis: penandatanganan dapat gagal."),
			fmt.Sprintf("%d MB free, %d MB required (--min-free-mb)", free>>20, min>>20))
	} else if full := s.lastFull(); !full.IsZero() {
		// statfs may show room (a quota, a size cap) where SQLite met none.
		add("disk", codeStorageFull, translate(lang, "Penyimpanan penuh: penandatanganan terakhir gagal karena basis data tidak dapat bertambah besar."),
			fmt.Sprintf("a write failed with storage_full %s ago; %d MB free", time.Since(full).Round(time.Second), free>>20))
	} else {
		add("disk", "", "", fmt.Sprintf("%d MB free", free>>20))
	}
	if r := s.refusal(); r != nil {
		add("log", codeLogInconsistent, translate(lang, "Pohon log yang tersimpan tidak lagi sesuai dengan checkpoint terakhir yang ditandatangani registri ini: tidak ada checkpoint baru yang ditandatangani. Jalankan ikrar audit --data."), r.Error())
	} else {
		add("log", "", "", "")
	}
	status := http.StatusOK
	if !st.Ready {
		status = http.StatusServiceUnavailable
		c.Response().Header().Set("Retry-After", "5")
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(status, st)
}

func (s *Server) refusal() error {
	if cp := s.tl.Checkpointer; cp != nil {
		if r := cp.Refusal(); r != nil {
			return r
		}
	}
	return nil
}

// writerCommits reports whether the writer can commit: a group commit in
// the last few seconds says so; otherwise one probe runs (never more than
// one at a time, its result kept a second) and is awaited until ctx ends.
// A probe stuck behind an outside write lock keeps running; readyz stops
// waiting for it.
func (s *Server) writerCommits(ctx context.Context) error {
	w, ok := s.db.(WriteProber)
	if !ok {
		return nil
	}
	now := time.Now()
	if now.Sub(w.LastCommit()) < writerRecent {
		return nil
	}
	h := &s.health
	h.mu.Lock()
	if h.probing == nil && now.Sub(h.probeAt) > time.Second {
		done := make(chan struct{})
		h.probing = done
		go func() {
			pctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			err := w.ProbeWrite(pctx)
			cancel()
			h.mu.Lock()
			h.probeErr, h.probeAt, h.probing = err, time.Now(), nil
			h.mu.Unlock()
			close(done)
		}()
	}
	probing := h.probing
	err := h.probeErr
	h.mu.Unlock()
	if probing == nil {
		return err
	}
	select {
	case <-probing:
		h.mu.Lock()
		defer h.mu.Unlock()
		return h.probeErr
	case <-ctx.Done():
		return fmt.Errorf("no commit within %s", probeBound)
	}
}

// lastFull is when a write last failed for a full disk, if that was
// within fullRecent and no signing has committed since.
func (s *Server) lastFull() time.Time {
	f, ok := s.db.(FullReporter)
	if !ok {
		return time.Time{}
	}
	if t := f.LastFull(); !t.IsZero() && time.Since(t) < fullRecent {
		return t
	}
	return time.Time{}
}

func (s *Server) minFreeBytes() uint64 {
	if s.opt.MinFreeBytes > 0 {
		return uint64(s.opt.MinFreeBytes)
	}
	return DefaultMinFreeBytes
}

// pdfReserveBytes is the free space below which no new certificate is
// stored (issuance.Config.ReserveBytes).
func (s *Server) pdfReserveBytes() uint64 {
	if s.opt.PDFReserveBytes > 0 {
		return uint64(s.opt.PDFReserveBytes)
	}
	return 2 * s.minFreeBytes()
}

// freeBytes is the space an unprivileged writer may still use on the
// data directory's file system; with no data directory (tests), plenty.
func (s *Server) freeBytes() (uint64, error) {
	if s.opt.FreeBytes != nil {
		return s.opt.FreeBytes(s.opt.DataDir)
	}
	if s.opt.DataDir == "" {
		return ^uint64(0), nil
	}
	return StatfsFree(s.opt.DataDir)
}

// StatfsFree is the space available to an unprivileged user on dir's file
// system.
func StatfsFree(dir string) (uint64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, fmt.Errorf("statfs %s: %w", dir, err)
	}
	return st.Bavail * uint64(st.Bsize), nil
}
