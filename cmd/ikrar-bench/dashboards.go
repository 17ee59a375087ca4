package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// dashSegments is how many alternating segments the dashboards phase runs,
// each half of -duration long.
const dashSegments = 6

// dashboardsPhase measures what open live dashboards cost the signers: web
// form signings arrive at -dash-rate, an open load so that the p99 is the
// latency at that rate rather than a consequence of throughput, in six
// alternating segments — without dashboards, with -dashboards connected,
// and so on — so that drift on a shared machine falls on both sides.
// The target: signing p99 with the dashboards at most 10% above without.
func (b *bench) dashboardsPhase(ctx context.Context, src *signers) error {
	seg := b.cfg.Duration / 2
	rate := b.cfg.DashRate
	session, err := loginSession(ctx, b.ikrar.base)
	if err != nil {
		return fmt.Errorf("dashboards: %w", err)
	}
	// Streams get their own connections: they stay open for a whole
	// segment and must not take the signers' idle connections.
	streamTr := &http.Transport{MaxIdleConnsPerHost: b.cfg.Dashboards, DisableCompression: true}
	defer streamTr.CloseIdleConnections()

	clients := b.cfg.Concurrency
	var off, on measured
	var events atomic.Int64
	var streamErrs []string
	b.logf("dashboards: %.0f web-form signings/s, %d segments of %s, without and with %d live dashboards", rate, dashSegments, seg, b.cfg.Dashboards)
	b.ikrar.rss.reset()
	var segP99 []string
	for i := range dashSegments {
		withDash := i%2 == 1
		var stop func() []string
		if withDash {
			if stop, err = openDashboards(ctx, streamTr, b.ikrar.base, session, b.event.ID, b.cfg.Dashboards, &events); err != nil {
				return fmt.Errorf("dashboards: %w", err)
			}
		}
		m, err := load{Concurrency: clients, Duration: seg, Rate: rate}.run(ctx, func(ctx context.Context, w *worker) error {
			c, err := openEventPage(ctx, b.tr, b.ikrar.base, b.event.Slug)
			w.state = c
			return err
		}, func(ctx context.Context, w *worker) (outcome, error) {
			return signUI(ctx, w.state.(*uiClient), b.ikrar.base, b.event, src, b.pay, &b.uiCerts)
		})
		if stop != nil {
			streamErrs = append(streamErrs, stop()...)
		}
		if err != nil {
			return fmt.Errorf("dashboards: %w", err)
		}
		st := summarize(m)
		b.logf("dashboards: segment %d (%s): %d signings, %.0f/s, p50 %.1f ms, p99 %.1f ms, %d errors",
			i+1, map[bool]string{false: "no dashboards", true: "dashboards open"}[withDash], st.Requests, st.RPS, st.P50, st.P99, st.Errors)
		segP99 = append(segP99, fmt.Sprintf("%.1f", st.P99))
		dst := &off
		if withDash {
			dst = &on
		}
		dst.Latencies = append(dst.Latencies, m.Latencies...)
		dst.Elapsed += m.Elapsed
		if dst.Errors == nil {
			dst.Errors = map[string]int{}
		}
		for k, v := range m.Errors {
			dst.Errors[k] += v
		}
		b.tr.CloseIdleConnections()
	}
	peak := b.ikrar.rss.peakMB()
	base := phaseResult{Name: "sign-ui-nodash", Clients: clients, Rate: rate, Ikrar: summarize(off),
		Target: "reference for the dashboards phase: 0 errors"}
	base.Ikrar.PeakRSS = peak
	target{text: base.Target}.judge(&base)
	with := phaseResult{Name: "sign-ui-dash", Clients: clients, Rate: rate, Ikrar: summarize(on)}
	with.Ikrar.PeakRSS = peak
	limit := 1.10 * base.Ikrar.P99
	with.Target = fmt.Sprintf("%d dashboards open: signing p99 ≤ 110%% of %.1f ms without them (%.1f ms), 0 errors", b.cfg.Dashboards, base.Ikrar.P99, limit)
	target{text: with.Target, maxP99: limit}.judge(&with)
	with.Notes = append(with.Notes, fmt.Sprintf("the dashboards received %d stats events in all", events.Load()),
		"p99 ms per segment, without and with alternating: "+strings.Join(segP99, ", "))
	if events.Load() == 0 {
		with.Met = "NOT MET: the dashboards received no stats events"
	}
	if len(streamErrs) > 0 {
		with.Met = "NOT MET: dashboard streams failed: " + strings.Join(streamErrs[:min(len(streamErrs), 3)], "; ")
	}
	b.report.Phases = append(b.report.Phases, base, with)
	b.logf("dashboards: p99 %.1f ms without, %.1f ms with %d dashboards → %s", base.Ikrar.P99, with.Ikrar.P99, b.cfg.Dashboards, with.Met)
	return nil
}

// loginSession signs in as the tool's superadmin through the login form
// and returns the session cookie.
func loginSession(ctx context.Context, base string) (*cookiejar.Jar, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, err
	}
	client := &http.Client{Jar: jar, Timeout: time.Minute, CheckRedirect: noRedirect}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/login", nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	page, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	m := csrfField.FindSubmatch(page)
	if m == nil {
		return nil, fmt.Errorf("GET /login: no CSRF token (status %d)", resp.StatusCode)
	}
	form := url.Values{"_csrf": {string(m[1])}, "email": {benchEmail}, "password": {benchPassword}}
	req, err = http.NewRequestWithContext(ctx, http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err = client.Do(req)
	if err != nil {
		return nil, err
	}
	drain(resp)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin" {
		return nil, fmt.Errorf("POST /login: status %d to %q, want 303 to /admin", resp.StatusCode, resp.Header.Get("Location"))
	}
	return jar, nil
}

// openDashboards connects n live dashboards of an event, as n officers'
// browsers do, and counts the stats events they receive. It returns once
// every stream has shown its first numbers, so what is measured is open
// dashboards, not the connecting; stop closes them all and reports the
// streams that failed.
func openDashboards(ctx context.Context, tr *http.Transport, base string, jar *cookiejar.Jar, eventID int64, n int, events *atomic.Int64) (stop func() []string, err error) {
	ctx, cancel := context.WithCancel(ctx)
	client := &http.Client{Transport: tr, Jar: jar}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	fail := func(s string) {
		mu.Lock()
		defer mu.Unlock()
		failures = append(failures, s)
	}
	ready := make(chan error, n)
	sem := make(chan struct{}, 32) // connect a few at a time
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/admin/events/%d/live/events", base, eventID), nil)
			if err != nil {
				<-sem
				ready <- err
				return
			}
			req.Header.Set("Accept", "text/event-stream")
			resp, err := client.Do(req)
			<-sem
			if err != nil {
				ready <- err
				return
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				ready <- fmt.Errorf("live stream: status %d", resp.StatusCode)
				return
			}
			sc := bufio.NewScanner(resp.Body)
			sc.Buffer(make([]byte, 64<<10), 1<<20)
			first := true
			for sc.Scan() {
				if sc.Text() == "event: stats" {
					events.Add(1)
					if first {
						ready <- nil
						first = false
					}
				}
			}
			if first {
				ready <- fmt.Errorf("live stream ended before its first stats event: %v", sc.Err())
				return
			}
			if ctx.Err() == nil {
				fail(fmt.Sprintf("a stream ended early: %v", sc.Err()))
			}
		}()
	}
	stop = func() []string {
		cancel()
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		return failures
	}
	for range n {
		if err := <-ready; err != nil {
			stop()
			return nil, err
		}
	}
	return stop, nil
}
