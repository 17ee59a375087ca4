package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"
)

// loadPhases are the steps of a load run in the order they run. A step
// with a name runs when -phases lists it; one without runs always.
var loadPhases = []struct {
	name string
	run  func(b *bench, ctx context.Context) error
}{
	{"sign-ui", (*bench).signUIPhase},
	// Right after the web-form signing it loads, before the PDF phases
	// fill the disk with certificates to write back.
	{"dashboards", (*bench).dashboardsStep},
	{"sign-api", (*bench).signAPIPhase},
	{"", (*bench).prepareCertificates},
	{"", (*bench).checkSignedCount},
	{"pdf", (*bench).pdfPhases},
	{"verify-json", verifyPhase("verify-json", "/api/v1/certificates/", target{text: "≥ 10,000/s, ≥ 0.4 of ceiling", minRPS: 10000, minRatio: 0.4})},
	{"verify-html", verifyPhase("verify-html", "/v/", target{text: "≥ 5,000/s, ≥ 0.4 of ceiling", minRPS: 5000, minRatio: 0.4})},
}

// runPhases seeds the server, runs the phases -phases lists and writes the
// report.
func (b *bench) runPhases(ctx context.Context) error {
	b.rg = b.plan()
	b.report.Config = reportConfig{Employees: b.rg.total, Concurrency: b.cfg.Concurrency, DurationS: b.cfg.Duration.Seconds(),
		CeilingDuration: b.cfg.CeilingDuration.Seconds(), Requests: b.cfg.Requests, Preload: b.cfg.Preload, Gzip: b.cfg.Gzip,
		Store: setup{Postgres: b.cfg.Database != "", Instances: b.cfg.Instances}.String()}
	if err := b.setUp(ctx); err != nil {
		return err
	}
	for _, p := range loadPhases {
		if p.name != "" && !b.has(p.name) {
			continue
		}
		if err := p.run(b, ctx); err != nil {
			return err
		}
	}
	b.report.Memory = b.memory()
	b.stopServers()
	return b.write()
}

func (b *bench) has(phase string) bool { return slices.Contains(b.cfg.Phases, phase) }

// setUp seeds the organization, its employees and the open event, starts
// the ceiling server and walks the signing flow once for its page weight.
func (b *bench) setUp(ctx context.Context) error {
	t0 := time.Now()
	ev, err := seed(ctx, b.api, b.rg.total, b.logf)
	if err != nil {
		return err
	}
	b.event = ev
	b.report.Seeding = append(b.report.Seeding, fmt.Sprintf("seeded 1 organization, %d employees (CSV import through the API, %d rows per upload), 1 open event in %s",
		b.rg.total, importChunk, time.Since(t0).Round(time.Millisecond)))
	b.logf("%s", b.report.Seeding[len(b.report.Seeding)-1])

	if b.ceiling, err = startCeiling(ctx, b.dir); err != nil {
		return err
	}
	b.logf("ceiling server at %s (pid %d)", b.ceiling.base, b.ceiling.pid())

	w, err := pageWeight(ctx, b.ikrar.base, b.event, b.rg.misc[0], strokesForm(b.pay))
	if err != nil {
		b.report.Checks = append(b.report.Checks, "page weight: "+err.Error())
		return nil
	}
	b.report.PageWeight = &w
	b.signed = 1 // the walk-through signed once
	b.logf("signing flow page weight: %.1f KB over the wire (gzip)", w.TotalKB)
	return nil
}

// signUIPhase signs through the web form, each client a phone with its own
// cookies that loaded the event page first.
func (b *bench) signUIPhase(ctx context.Context) error {
	t := target{text: "≥ 2,500/s for 60 s, p99 ≤ 200 ms, 0 errors, ≥ 0.15 of ceiling", minRPS: 2500, maxP99: 200, minRatio: 0.15, minSeconds: 60}
	return b.signingPhase(ctx, "sign-ui", t, b.rg.ui, &b.uiCerts, func(base string, s *signers, out sink) (setupFn, doFn) {
		setup := func(ctx context.Context, w *worker) error {
			c, err := openEventPage(ctx, b.tr, base, b.event.Slug)
			w.state = c
			return err
		}
		do := func(ctx context.Context, w *worker) (outcome, error) {
			return signUI(ctx, w.state.(*uiClient), base, b.event, s, b.pay, out)
		}
		return setup, do
	})
}

// signAPIPhase signs through the JSON API with a PNG signature.
func (b *bench) signAPIPhase(ctx context.Context) error {
	t := target{text: "≥ 1,500/s, p99 ≤ 250 ms, 0 errors", minRPS: 1500, maxP99: 250}
	return b.signingPhase(ctx, "sign-api", t, b.rg.api, &b.certs, func(base string, s *signers, out sink) (setupFn, doFn) {
		return nil, func(ctx context.Context, w *worker) (outcome, error) {
			return signAPI(ctx, b.client, base, b.event, s, b.pay, out)
		}
	})
}

// signingPhase runs a phase in which every request signs for an employee
// of rg who has not signed yet, handing the certificates to out. The
// ceiling, which stores nothing, gets its own range that wraps around.
func (b *bench) signingPhase(ctx context.Context, name string, t target, rg [2]int, out sink, mk func(base string, s *signers, out sink) (setupFn, doFn)) error {
	lo, hi := rg[0], rg[1]
	src := newSigners(lo, hi, false)
	err := b.phase(ctx, name, t, 0, func(base string, ceiling bool) (setupFn, doFn) {
		if ceiling {
			return mk(base, newSigners(lo, hi, true), nil)
		}
		return mk(base, src, out)
	}, func(r *phaseResult) {
		if r.Ikrar.Requests > 0 && src.used() >= hi-lo {
			r.Notes = append(r.Notes, fmt.Sprintf("ran out of employees after %d signings: raise -n", src.used()))
		}
	})
	if err != nil {
		return err
	}
	b.signed += b.last().Ikrar.Requests - b.last().Ikrar.Errors
	return nil
}

// dashboardsStep runs the dashboards phase, which reports two phases:
// signing without and with live dashboards.
func (b *bench) dashboardsStep(ctx context.Context) error {
	if err := b.dashboardsPhase(ctx, newSigners(b.rg.dash[0], b.rg.dash[1], false)); err != nil {
		return err
	}
	for _, p := range b.report.Phases[len(b.report.Phases)-2:] {
		b.signed += p.Ikrar.Requests - p.Ikrar.Errors
	}
	return nil
}

// prepareCertificates signs, through the API and unmeasured, the
// certificates the pdf and verify phases need when sign-api does not run.
func (b *bench) prepareCertificates(ctx context.Context) error {
	lo, hi := b.rg.prep[0], b.rg.prep[1]
	if hi <= lo {
		return nil
	}
	src := newSigners(lo, hi, false)
	do := func(ctx context.Context, w *worker) (outcome, error) {
		return signAPI(ctx, b.client, b.ikrar.base, b.event, src, b.pay, &b.certs)
	}
	m, err := load{Concurrency: b.cfg.Concurrency, Duration: 10 * time.Minute, MaxRequests: hi - lo}.run(ctx, nil, do)
	if err != nil {
		return err
	}
	st := summarize(m)
	b.signed += st.Requests - st.Errors
	b.logf("prepared %d certificates through the API (%.0f/s, %d errors)", st.Requests-st.Errors, st.RPS, st.Errors)
	return nil
}

// signedCertificates are the certificates to download and look up: those
// signed through the API first, as the issue asks (a PNG signature), then
// those of the web form.
func (b *bench) signedCertificates() (codes, pdfs []string) {
	codes, pdfs = b.certs.snapshot()
	uiCodes, uiPDFs := b.uiCerts.snapshot()
	return append(codes, uiCodes...), append(pdfs, uiPDFs...)
}

// pdfPhases download each certificate once, as fast as the server renders
// (pdf-first) and at a steady rate (pdf-first-rate), then again (pdf-again).
func (b *bench) pdfPhases(ctx context.Context) error {
	codes, pdfs := b.signedCertificates()
	if len(pdfs) == 0 {
		return errors.New("pdf: no certificates to download")
	}
	first := &sequence{items: pdfs}
	perCore := float64(300 * b.report.Machine.NProc)
	// The most the server renders, with every client always waiting…
	if err := b.pdfFirstPhase(ctx, "pdf-first", target{text: fmt.Sprintf("≥ 300/s per core (%.0f/s here)", perCore), minRPS: perCore}, 0, first, codes); err != nil {
		return err
	}
	// …and the latency at that rate of first downloads.
	rate := cmp.Or(b.cfg.PDFRate, perCore)
	if err := b.pdfFirstPhase(ctx, "pdf-first-rate", target{text: fmt.Sprintf("p99 ≤ 50 ms with first downloads arriving at %.0f/s", rate),
		minRPS: 0.97 * rate, maxP99: 50}, rate, first, codes); err != nil {
		return err
	}
	again := first.taken()
	if len(again) == 0 {
		return nil
	}
	return b.phase(ctx, "pdf-again", target{text: "about what a static file costs (≥ 0.5 of the ceiling's static 38 KB file)", minRatio: 0.5}, 0,
		func(base string, ceiling bool) (setupFn, doFn) {
			return nil, func(ctx context.Context, w *worker) (outcome, error) {
				p := pick(again)
				if ceiling {
					p = ceilingPDFPath("X")
				}
				return b.fetchPDF(ctx, base, p)
			}
		}, nil)
}

// pdfFirstPhase downloads certificates not downloaded before, taking them
// from first; the ceiling serves any code.
func (b *bench) pdfFirstPhase(ctx context.Context, name string, t target, rate float64, first *sequence, codes []string) error {
	return b.phase(ctx, name, t, rate, func(base string, ceiling bool) (setupFn, doFn) {
		if ceiling {
			return nil, func(ctx context.Context, w *worker) (outcome, error) {
				return b.fetchPDF(ctx, base, ceilingPDFPath(pick(codes)))
			}
		}
		return nil, func(ctx context.Context, w *worker) (outcome, error) {
			p, ok := first.take()
			if !ok {
				return outcome{}, errExhausted
			}
			return b.fetchPDF(ctx, base, p)
		}
	}, func(r *phaseResult) {
		if n := len(first.items); len(first.taken()) >= n {
			r.Notes = append(r.Notes, fmt.Sprintf("downloaded all %d certificates signed so far", n))
		}
	})
}

func (b *bench) fetchPDF(ctx context.Context, base, path string) (outcome, error) {
	return fetch(ctx, b.client, b.cfg.Gzip, base, path, http.StatusOK, "%PDF", &b.nbytes)
}

// verifyPhase looks certificates up at prefix+code, as the JSON API or the
// verification page.
func verifyPhase(name, prefix string, t target) func(*bench, context.Context) error {
	return func(b *bench, ctx context.Context) error {
		codes, _ := b.signedCertificates()
		if len(codes) == 0 {
			return fmt.Errorf("%s: no certificates to look up", name)
		}
		return b.phase(ctx, name, t, 0, func(base string, ceiling bool) (setupFn, doFn) {
			return nil, func(ctx context.Context, w *worker) (outcome, error) {
				return fetch(ctx, b.client, b.cfg.Gzip, base, prefix+pick(codes), http.StatusOK, "", &b.nbytes)
			}
		}, nil)
	}
}

// memory judges the server's peak RSS over the phases against the target
// of 150 MB with a million signatures preloaded.
func (b *bench) memory() *memoryResult {
	peak := 0.0
	for _, p := range b.report.Phases {
		peak = max(peak, p.Ikrar.PeakRSS)
	}
	mem := &memoryResult{Preloaded: b.cfg.Preload, PeakMB: peak}
	switch {
	case peak > 150:
		mem.Met = fmt.Sprintf("NOT MET: %.0f MB > 150 MB", peak)
		if b.cfg.Preload < 1_000_000 {
			mem.Met += fmt.Sprintf(" already with %d signatures preloaded (the target is with 1,000,000)", b.cfg.Preload)
		}
	case b.cfg.Preload < 1_000_000:
		mem.Met = fmt.Sprintf("not measured at the target's size: %d signatures preloaded, the target is with 1,000,000 (-preload 1000000)", b.cfg.Preload)
	default:
		mem.Met = "met"
	}
	return mem
}
