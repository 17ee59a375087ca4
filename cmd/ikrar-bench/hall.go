package main

import (
	"context"
	"fmt"
	"html"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ikrar-id/ikrar/internal/fixture"
)

// The hall: every phone on the office Wi-Fi reaches the server from one
// address. Signers scan the QR code, type NIP and event code (one in twenty
// mistypes the NIP first), confirm and sign; a hostile client on the same
// Wi-Fi sends two wrong guesses a second for the whole time. No honest
// signer may be refused.
const (
	hallSigners   = 2000
	hallTypoEvery = 20 // one signer in 20 first types a wrong NIP
	hallGuessRate = 2  // the hostile client's wrong guesses per second
)

var (
	formRe   = regexp.MustCompile(`(?s)<form[^>]*action="([^"]*)"[^>]*>(.*?)</form>`)
	inputRe  = regexp.MustCompile(`<input[^>]*>`)
	attrRe   = regexp.MustCompile(`([a-z_-]+)="([^"]*)"`)
	identKey = map[string]bool{"_csrf": true, "nip": true, "code": true}
)

// formFields returns the fields of the page's form that posts to action:
// hidden values as they are, and the names of the visible text fields.
func formFields(page []byte, action string) (vals url.Values, text []string, ok bool) {
	for _, m := range formRe.FindAllSubmatch(page, -1) {
		if html.UnescapeString(string(m[1])) != action {
			continue
		}
		vals = url.Values{}
		for _, in := range inputRe.FindAll(m[2], -1) {
			a := map[string]string{}
			for _, kv := range attrRe.FindAllSubmatch(in, -1) {
				a[string(kv[1])] = html.UnescapeString(string(kv[2]))
			}
			switch a["type"] {
			case "hidden":
				vals.Set(a["name"], a["value"])
			case "", "text", "search":
				text = append(text, a["name"])
			}
		}
		return vals, text, true
	}
	return nil, nil, false
}

// hallSigner is one phone in the hall.
type hallSigner struct {
	c    *http.Client
	csrf string
}

func (b *bench) hallPhase(ctx context.Context, src *signers) error {
	r := phaseResult{Name: "hall", Clients: b.cfg.Concurrency, Rate: float64(hallSigners) / b.cfg.Duration.Seconds(),
		Target: fmt.Sprintf("%d signers behind one address, 1 in %d mistyping first, a hostile client guessing %d/s: 0 refused", hallSigners, hallTypoEvery, hallGuessRate)}
	guessCtx, stopGuessing := context.WithCancel(ctx)
	var guesses statusTally
	done := make(chan struct{})
	go func() {
		defer close(done)
		hostileGuesser(guessCtx, b.tr, b.ikrar.base, b.event, &guesses)
	}()
	var typos, stepUps atomic.Int64
	b.ikrar.rss.reset()
	cpu := b.ikrarCPU()
	m, err := load{Concurrency: b.cfg.Concurrency, Duration: b.cfg.Duration + 5*time.Second, MaxRequests: hallSigners, Rate: r.Rate}.run(ctx, nil,
		func(ctx context.Context, w *worker) (outcome, error) {
			i, ok := src.take()
			if !ok {
				return outcome{}, errExhausted
			}
			return b.signInHall(ctx, i, &typos, &stepUps)
		})
	stopGuessing()
	<-done
	if err != nil {
		return err
	}
	r.Ikrar = summarize(m)
	r.Ikrar.PeakRSS = b.ikrar.rss.peakMB()
	cpu.per(&r.Ikrar)
	target{}.judge(&r)
	r.Notes = append(r.Notes, fmt.Sprintf("%d signers mistyped their NIP first; %d were asked for their name as well (the address had used its failure budget)", typos.Load(), stepUps.Load()),
		"hostile guesses answered: "+tallyText(guesses.snapshot()))
	b.report.Phases = append(b.report.Phases, r)
	b.logf("hall: %d signers, p99 %.1f ms, %d refused; %s", r.Ikrar.Requests, r.Ikrar.P99, r.Ikrar.Errors, strings.Join(r.Notes, "; "))
	return nil
}

// signInHall walks one signer through the web pages: event page, identify
// (after a typo for some), confirm, sign. Any answer that keeps an honest
// signer from signing is a refusal.
func (b *bench) signInHall(ctx context.Context, i int, typos, stepUps *atomic.Int64) (outcome, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Transport: b.tr, Jar: jar, Timeout: time.Minute, CheckRedirect: noRedirect}
	base, slug := b.ikrar.base, b.event.Slug
	csrf, err := pageCSRF(ctx, c, base+"/e/"+slug)
	if err != nil {
		return transportOrFail(ctx, err)
	}
	identify := func(nip string, extra url.Values) (int, []byte, error) {
		form := url.Values{"_csrf": {csrf}, "nip": {nip}, "code": {b.event.Code}}
		for k, v := range extra {
			form[k] = v
		}
		return postForm(ctx, c, base+"/e/"+slug, form)
	}
	if i%hallTypoEvery == 0 {
		typos.Add(1)
		wrong := fixture.NIP(i)
		wrong = wrong[:15] + "999" // a sequence number nobody has
		if status, page, err := identify(wrong, nil); err != nil {
			return transportOrFail(ctx, err)
		} else if _, _, ok := formFields(page, "/e/"+slug+"/sign"); ok {
			return failed("typo accepted (status %d)", status), nil
		}
	}
	status, page, err := identify(fixture.NIP(i), nil)
	if err != nil {
		return transportOrFail(ctx, err)
	}
	vals, _, ok := formFields(page, "/e/"+slug+"/sign")
	if !ok {
		// Asked for more than NIP and code? Answer as the signer would.
		_, text, asked := formFields(page, "/e/"+slug)
		var extra url.Values
		for _, name := range text {
			if !identKey[name] {
				extra = url.Values{name: {fixture.Employee(i).Name}}
			}
		}
		if !asked || extra == nil {
			return failed("identify: status %d", status), nil
		}
		stepUps.Add(1)
		if status, page, err = identify(fixture.NIP(i), extra); err != nil {
			return transportOrFail(ctx, err)
		}
		if vals, _, ok = formFields(page, "/e/"+slug+"/sign"); !ok {
			return failed("identify with name: status %d", status), nil
		}
	}
	s, _ := urlUnescape(b.pay.strokes[i%len(b.pay.strokes)])
	vals.Set("signature_strokes", s)
	vals.Set("consent", "1")
	if vals.Get("_csrf") == "" {
		vals.Set("_csrf", csrf)
	}
	status, _, err = postForm(ctx, c, base+"/e/"+slug+"/sign", vals)
	if err != nil {
		return transportOrFail(ctx, err)
	}
	if status != http.StatusSeeOther {
		return failed("sign: status %d", status), nil
	}
	return success, nil
}

func transportOrFail(ctx context.Context, err error) (outcome, error) {
	if ctx.Err() != nil {
		return outcome{}, ctx.Err()
	}
	return failed("transport: %.60s", err.Error()), nil
}

func postForm(ctx context.Context, c *http.Client, u string, form url.Values) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, body, err
}

// hostileGuesser sends wrong NIPs with the right event code from the
// hall's address at hallGuessRate per second.
func hostileGuesser(ctx context.Context, tr http.RoundTripper, base string, ev benchEvent, out *statusTally) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Transport: tr, Jar: jar, Timeout: time.Minute, CheckRedirect: noRedirect}
	csrf, err := pageCSRF(ctx, c, base+"/e/"+ev.Slug)
	if err != nil {
		out.add("csrf: " + err.Error())
		return
	}
	rng := rand.New(rand.NewPCG(5, 9))
	tick := time.NewTicker(time.Second / hallGuessRate)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		nip := fmt.Sprintf("19%02d%02d%02d20%02d%02d1%03d", 60+rng.IntN(35), 1+rng.IntN(12), 1+rng.IntN(28), 5+rng.IntN(19), 1+rng.IntN(12), 900+rng.IntN(99))
		status, _, err := postForm(ctx, c, base+"/e/"+ev.Slug, url.Values{"_csrf": {csrf}, "nip": {nip}, "code": {ev.Code}})
		if err != nil {
			if ctx.Err() == nil {
				out.add("transport")
			}
			continue
		}
		out.add(itoa(int64(status)))
	}
}
