package web_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/ink"
	"github.com/ikrar-id/ikrar/internal/registry"
)

// BenchmarkCertificatesZIP downloads the ZIP of all certificates of an
// event of zipRecords signatures through the router: "first" when no
// certificate was rendered before (each is fingerprinted on the way),
// "again" for one already downloaded. It reports certificates per second
// and the peak heap while streaming, which stays flat however large the
// event: run it with -cpu 1 for the per-core figure.
func BenchmarkCertificatesZIP(b *testing.B) {
	const zipRecords = 1000
	a := benchNewApp(b, zipRecords)
	cookie := a.adminCookie(b)
	strokes, err := ink.ParseStrokes([]byte(benchStrokes(5)))
	if err != nil {
		b.Fatal(err)
	}
	download := func(b *testing.B, e registry.Event) {
		w := &zipSink{header: http.Header{}}
		req := httptest.NewRequest(http.MethodGet, fmt.Sprintf("/admin/events/%d/export/certificates.zip", e.ID), nil)
		req.Header.Set("Cookie", cookie)
		req.RemoteAddr = "10.1.2.3:40000"
		a.h.ServeHTTP(w, req)
		if w.status != http.StatusOK || !bytes.Contains(w.tail[:], []byte("PK\x05\x06")) {
			b.Fatalf("ZIP: status %d, %d bytes, tail %q", w.status, w.n, w.tail)
		}
	}
	run := func(b *testing.B, event func() registry.Event) {
		b.ReportAllocs()
		peak := watchHeap()
		var cpu time.Duration
		for b.Loop() {
			e := event()
			start := cpuTime(b)
			download(b, e)
			cpu += cpuTime(b) - start
		}
		b.ReportMetric(float64(zipRecords*b.N)/b.Elapsed().Seconds(), "certificates/s")
		// The process's CPU time, garbage collection included: the
		// per-core rate, whatever else the machine runs.
		b.ReportMetric(float64(zipRecords*b.N)/cpu.Seconds(), "certificates/cpu-s")
		b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MB")
	}
	b.Run("first", func(b *testing.B) {
		run(b, func() registry.Event {
			b.StopTimer()
			defer b.StartTimer()
			e := a.newEvent(b)
			a.signAll(b, e, strokes)
			return e
		})
	})
	download(b, a.event) // every certificate rendered and fingerprinted once
	b.Run("again", func(b *testing.B) {
		run(b, func() registry.Event { return a.event })
	})
}

// adminCookie signs in a superadmin and returns the session cookie.
func (a *benchApp) adminCookie(b *testing.B) string {
	b.Helper()
	ctx := context.Background()
	u := &registry.User{Email: "super@bench.test", Name: "Superadmin", Role: registry.RoleSuperadmin}
	if err := a.svc.CreateUser(ctx, registry.Actor{User: registry.System, IP: "bench"}, u, "kata-sandi-bench-2024"); err != nil {
		b.Fatal(err)
	}
	token, err := a.svc.RandomToken()
	if err != nil {
		b.Fatal(err)
	}
	if err := a.db.CreateSession(ctx, registry.HashToken(token), u.ID, time.Now().Add(time.Hour)); err != nil {
		b.Fatal(err)
	}
	return "ikrar_session=" + token
}

// signAll has every employee sign e, from many goroutines as a burst does.
func (a *benchApp) signAll(b *testing.B, e registry.Event, in registry.Ink) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < len(a.emps); i = int(next.Add(1) - 1) {
				if _, _, err := a.svc.Sign(context.Background(), registry.SignRequest{Event: e, Employee: a.emps[i], Ink: in,
					Consent: true, Channel: registry.ChannelEventCode, ClientIP: "10.1.2.3", UserAgent: "bench"}); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if b.Failed() {
		b.FailNow()
	}
}

// zipSink is a client that reads the download and keeps only its size and
// last bytes, so the benchmark holds no copy of the archive.
type zipSink struct {
	header http.Header
	status int
	n      int64
	tail   [64]byte
}

func (w *zipSink) Header() http.Header { return w.header }

func (w *zipSink) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *zipSink) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	w.n += int64(len(p))
	if len(p) >= len(w.tail) {
		copy(w.tail[:], p[len(p)-len(w.tail):])
	} else {
		copy(w.tail[:], w.tail[len(p):])
		copy(w.tail[len(w.tail)-len(p):], p)
	}
	return len(p), nil
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// watchHeap samples the heap in use until the returned function is called,
// which gives the highest value seen.
func watchHeap() func() uint64 {
	var peak atomic.Uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-stopped
		return peak.Load()
	}
}
