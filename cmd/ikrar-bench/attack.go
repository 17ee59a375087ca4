package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ikrar-id/ikrar/internal/roster/rostertest"
)

// The attack run (-attack) asks whether honest signers are served while
// the server is attacked the cheapest ways an outsider or a signed-in
// insider can: a botnet of wrong-password logins (each from an address of
// its own, so no per-address limit helps; every one must be hashed or
// refused) and XLSX files that expand to more than a gigabyte, posted to
// the roster import by an authorized officer (so only the bounds on
// decompression protect memory). Signing runs meanwhile at a fixed rate.
// The server runs as in production: rate limits on, and believing the
// X-Forwarded-For of loopback, where the bench's "proxy" sits.

const (
	attackLogins  = 50  // concurrent wrong-password login loops
	attackBombs   = 3   // concurrent XLSX bomb loops
	attackRate    = 500 // signings per second meanwhile
	bombExpansion = 1 << 30
)

// attackResult is what the attacking clients saw.
type attackResult struct {
	Logins      map[string]int `json:"logins_by_status"`
	Bombs       map[string]int `json:"bombs_by_status"`
	BombBytes   int            `json:"bomb_bytes"`
	BombExpands int64          `json:"bomb_expands_to_bytes"`
}

// statusTally counts answers by status (or transport failure).
type statusTally struct {
	mu sync.Mutex
	m  map[string]int
}

func (t *statusTally) add(k string) {
	t.mu.Lock()
	if t.m == nil {
		t.m = map[string]int{}
	}
	t.m[k]++
	t.mu.Unlock()
}

// send sends req and counts its answer's status, or a transport failure
// (not when the run is ending).
func (t *statusTally) send(ctx context.Context, c *http.Client, req *http.Request) {
	resp, err := c.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			t.add("transport")
		}
		return
	}
	drain(resp)
	t.add(itoa(int64(resp.StatusCode)))
}

func (t *statusTally) snapshot() map[string]int {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make(map[string]int, len(t.m))
	for k, v := range t.m {
		out[k] = v
	}
	return out
}

func (b *bench) runAttack(ctx context.Context) error {
	n := int(b.cfg.Duration.Seconds()*attackRate)*5/4 + hallSigners + 200
	if b.cfg.N > 0 {
		n = b.cfg.N
	}
	b.report.Config = reportConfig{Employees: n, Concurrency: b.cfg.Concurrency, DurationS: b.cfg.Duration.Seconds()}
	ev, err := seed(ctx, b.api, n, b.logf)
	if err != nil {
		return err
	}
	b.event = ev
	t0 := time.Now()
	bomb, expands := rostertest.XLSXBomb(bombExpansion), int64(bombExpansion)
	b.logf("XLSX bomb: %d bytes expanding to %d bytes (made in %s)", len(bomb), expands, time.Since(t0).Round(time.Millisecond))

	attackCtx, stopAttack := context.WithCancel(ctx)
	var wg sync.WaitGroup
	var logins, bombs statusTally
	for i := range attackLogins {
		wg.Add(1)
		go func() {
			defer wg.Done()
			loginLoop(attackCtx, b.tr, b.ikrar.base, uint64(i), &logins)
		}()
	}
	importPath := fmt.Sprintf("/api/v1/organizations/%d/employees/import", ev.OrgID)
	for range attackBombs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			bombLoop(attackCtx, b.client, b.ikrar.base+importPath, b.api.token, bomb, &bombs)
		}()
	}
	// Let the attack reach its full weight before measuring the signers.
	time.Sleep(2 * time.Second)

	src := newSigners(0, n-hallSigners-100, false)
	r := phaseResult{Name: "sign-under-attack", Clients: b.cfg.Concurrency, Rate: attackRate,
		Target: fmt.Sprintf("peak RSS ≤ 300 MB, p99 ≤ 250 ms, 0 refused, with %d botnet logins and %d XLSX bombs running", attackLogins, attackBombs)}
	b.ikrar.rss.reset()
	cpu := b.ikrarCPU()
	m, err := load{Concurrency: b.cfg.Concurrency, Duration: b.cfg.Duration, Rate: attackRate}.run(ctx, nil,
		func(ctx context.Context, w *worker) (outcome, error) {
			return signAPI(ctx, b.client, b.ikrar.base, b.event, src, b.pay, nil)
		})
	stopAttack()
	wg.Wait()
	if err != nil {
		return err
	}
	r.Ikrar = summarize(m)
	r.Ikrar.PeakRSS = b.ikrar.rss.peakMB()
	cpu.per(&r.Ikrar)
	t := target{maxP99: 250}
	t.judge(&r)
	if r.Ikrar.PeakRSS > 300 {
		r.Met = strings.TrimPrefix(r.Met, "met")
		r.Met = "NOT MET: " + strings.TrimPrefix(strings.TrimPrefix(r.Met, "NOT MET: "), "; ") + fmt.Sprintf("; peak RSS %.0f MB > 300 MB", r.Ikrar.PeakRSS)
	}
	res := &attackResult{Logins: logins.snapshot(), Bombs: bombs.snapshot(), BombBytes: len(bomb), BombExpands: expands}
	r.Notes = append(r.Notes, "wrong-password logins answered: "+tallyText(res.Logins), "XLSX bombs answered: "+tallyText(res.Bombs))
	b.report.Phases = append(b.report.Phases, r)
	b.report.Attack = res
	b.logf("%s: %d signings, p99 %.1f ms, %d refused, peak RSS %.1f MB; logins %s; bombs %s", r.Name, r.Ikrar.Requests, r.Ikrar.P99,
		r.Ikrar.Errors, r.Ikrar.PeakRSS, tallyText(res.Logins), tallyText(res.Bombs))

	if err := b.hallPhase(ctx, newSigners(n-hallSigners-100, n-100, false)); err != nil {
		return err
	}
	b.stopServers()
	return b.write()
}

func tallyText(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s ×%d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

// loginLoop posts wrong passwords for made-up accounts as fast as the
// server answers, each request from another address of a botnet.
func loginLoop(ctx context.Context, tr http.RoundTripper, base string, seed uint64, out *statusTally) {
	rng := rand.New(rand.NewPCG(seed, 77))
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Transport: tr, Jar: jar, Timeout: time.Minute, CheckRedirect: noRedirect}
	csrf := ""
	for ctx.Err() == nil {
		if csrf == "" {
			tok, err := pageCSRF(ctx, c, base+"/login")
			if err != nil {
				out.add("csrf: " + err.Error())
				time.Sleep(100 * time.Millisecond)
				continue
			}
			csrf = tok
		}
		form := url.Values{"_csrf": {csrf}, "email": {fmt.Sprintf("pegawai%d@bkpsdm.example.go.id", rng.IntN(1_000_000))},
			"password": {fmt.Sprintf("tebakan-%d", rng.Uint64())}}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
		if err != nil {
			return
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", rng.IntN(256), rng.IntN(256), 1+rng.IntN(254)))
		out.send(ctx, c, req)
	}
}

// pageCSRF GETs a page and returns its form's CSRF token.
func pageCSRF(ctx context.Context, c *http.Client, u string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", err
	}
	resp, err := c.Do(req)
	if err != nil {
		return "", err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return "", err
	}
	m := csrfField.FindSubmatch(body)
	if m == nil {
		return "", fmt.Errorf("status %d, no CSRF token", resp.StatusCode)
	}
	return string(m[1]), nil
}

// bombLoop posts the XLSX bomb to the roster import again and again.
func bombLoop(ctx context.Context, client *http.Client, u, token string, bomb []byte, out *statusTally) {
	for ctx.Err() == nil {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(bomb))
		if err != nil {
			return
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		out.send(ctx, client, req)
	}
}
