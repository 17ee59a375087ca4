package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ikrar-id/ikrar/internal/api"
	"github.com/ikrar-id/ikrar/internal/fixture"
)

// signers hands out employee indexes [next, hi): each signing uses a
// person who has not signed yet. Against the ceiling server, which stores
// nothing, the range wraps around instead of running out.
type signers struct {
	next atomic.Int64
	lo   int64
	hi   int64
	wrap bool
}

func newSigners(lo, hi int, wrap bool) *signers {
	s := &signers{lo: int64(lo), hi: int64(hi), wrap: wrap}
	s.next.Store(int64(lo))
	return s
}

func (s *signers) take() (int, bool) {
	i := s.next.Add(1) - 1
	if i >= s.hi {
		if !s.wrap || s.hi == s.lo {
			return 0, false
		}
		i = s.lo + (i-s.lo)%(s.hi-s.lo)
	}
	return int(i), true
}

// used is how many employees of the range were handed out.
func (s *signers) used() int { return int(min(s.next.Load(), s.hi) - s.lo) }

// sink receives each acknowledged signing's certificate code and PDF path.
type sink interface{ add(code, pdfPath string) }

// certs collects the certificates the signing phases produced: the codes
// for verification and the PDF download paths (with their key).
type certs struct {
	mu    sync.Mutex
	codes []string
	pdfs  []string
}

func (c *certs) add(code, pdfPath string) {
	c.mu.Lock()
	c.codes = append(c.codes, code)
	if pdfPath != "" {
		c.pdfs = append(c.pdfs, pdfPath)
	}
	c.mu.Unlock()
}

func (c *certs) snapshot() (codes, pdfs []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.codes...), append([]string(nil), c.pdfs...)
}

// payloads are the request bodies' signatures, generated once at start.
type payloads struct {
	strokes []string // drawings as sign.js posts them, form-encoded
	pngs    []string // drawn-signature PNGs, base64
	pngSize int      // mean PNG size in bytes
	strokeN int      // mean drawing size in bytes
}

func makePayloads(nStrokes, nPNG int) (payloads, error) {
	var p payloads
	start := time.Now().UnixMilli()
	for i := range nStrokes {
		s := strokesCompact(uint64(i)+1, start+int64(i)*7919)
		p.strokeN += len(s)
		p.strokes = append(p.strokes, url.QueryEscape(string(s)))
	}
	for i := range nPNG {
		b, err := signaturePNG(uint64(i) + 1000)
		if err != nil {
			return p, err
		}
		p.pngSize += len(b)
		p.pngs = append(p.pngs, base64.StdEncoding.EncodeToString(b))
	}
	p.strokeN /= max(nStrokes, 1)
	p.pngSize /= max(nPNG, 1)
	return p, nil
}

func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// drain reads and discards a body so the connection is reused, and
// returns how many bytes it had.
func drain(resp *http.Response) int64 {
	n, _ := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return n
}

// transportError names a request that got no answer; a cancelled run is
// not counted as one.
func transportError(ctx context.Context, err error) (outcome, error) {
	if ctx.Err() != nil {
		return outcome{}, ctx.Err()
	}
	var ue *url.Error
	if errors.As(err, &ue) && ue.Timeout() {
		return failed("timeout"), nil
	}
	return failed("transport error"), nil
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// uiClient is one simulated phone: its own cookie jar and the CSRF token
// of the page it loaded.
type uiClient struct {
	client *http.Client
	csrf   string
}

// openEventPage loads the event page as a phone does on scanning the QR
// code, keeping the CSRF cookie and token.
func openEventPage(ctx context.Context, tr http.RoundTripper, base, slug string) (*uiClient, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, err
	}
	c := &uiClient{client: &http.Client{Transport: tr, Jar: jar, Timeout: time.Minute, CheckRedirect: noRedirect}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/e/"+slug, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET /e/%s: status %d", slug, resp.StatusCode)
	}
	m := csrfField.FindSubmatch(body)
	if m == nil {
		return nil, fmt.Errorf("GET /e/%s: no CSRF token in the page", slug)
	}
	c.csrf = string(m[1])
	return c, nil
}

// signUI posts the signing form as the confirm page does.
func signUI(ctx context.Context, c *uiClient, base string, ev benchEvent, src *signers, p payloads, out sink) (outcome, error) {
	i, ok := src.take()
	if !ok {
		return outcome{}, errExhausted
	}
	body := "_csrf=" + url.QueryEscape(c.csrf) + "&nip=" + fixture.NIP(i) + "&code=" + ev.Code +
		"&signature_strokes=" + p.strokes[i%len(p.strokes)] + "&consent=1"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/e/"+ev.Slug+"/sign", strings.NewReader(body))
	if err != nil {
		return outcome{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.client.Do(req)
	if err != nil {
		return transportError(ctx, err)
	}
	drain(resp)
	if resp.StatusCode != http.StatusSeeOther {
		return failed("status %d", resp.StatusCode), nil
	}
	loc := resp.Header.Get("Location")
	rest, ok := strings.CutPrefix(loc, "/c/")
	code, key, ok2 := strings.Cut(rest, "?k=")
	if !ok || !ok2 || code == "" {
		return failed("303 to %.40s", loc), nil
	}
	if out != nil {
		out.add(code, "/c/"+code+"/sertifikat.pdf?k="+key)
	}
	return success, nil
}

// signAPI posts a signing with a PNG signature to the JSON API.
func signAPI(ctx context.Context, client *http.Client, base string, ev benchEvent, src *signers, p payloads, out sink) (outcome, error) {
	i, ok := src.take()
	if !ok {
		return outcome{}, errExhausted
	}
	body, err := json.Marshal(api.Signing{NIP: fixture.NIP(i), EventCode: ev.Code, Consent: true, SignaturePNG: p.pngs[i%len(p.pngs)]})
	if err != nil {
		return outcome{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/events/"+itoa(ev.ID)+"/signatures", bytes.NewReader(body))
	if err != nil {
		return outcome{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return transportError(ctx, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		drain(resp)
		return failed("status %d", resp.StatusCode), nil
	}
	var ans api.Signed
	if err := json.NewDecoder(resp.Body).Decode(&ans); err != nil || ans.Certificate == nil || ans.Certificate.Code == "" {
		drain(resp)
		return failed("bad 201 body"), nil
	}
	drain(resp)
	if out != nil {
		u, err := url.Parse(ans.Certificate.PDFURL)
		if err != nil {
			return failed("bad pdf_url"), nil
		}
		out.add(ans.Certificate.Code, u.RequestURI())
	}
	return success, nil
}

// fetch GETs a path and checks the status (and, if given, the start of the
// body); nbytes counts the body bytes as they came over the wire. With gz
// the request asks for gzip itself, so the transport hands the body over
// as sent rather than decompressing it: the client's half of the work
// stays what a phone does on its own CPU, not on the server's machine,
// and ikrar, which compresses, pays no more for it than the ceiling, which
// does not. A compressed body must still start as gzip does.
func fetch(ctx context.Context, client *http.Client, gz bool, base, path string, want int, prefix string, nbytes *atomic.Int64) (outcome, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
	if err != nil {
		return outcome{}, err
	}
	if gz {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	resp, err := client.Do(req)
	if err != nil {
		return transportError(ctx, err)
	}
	if resp.Header.Get("Content-Encoding") == "gzip" {
		prefix = "\x1f\x8b"
	}
	if prefix != "" {
		head := make([]byte, len(prefix))
		if _, err := io.ReadFull(resp.Body, head); err != nil || string(head) != prefix {
			drain(resp)
			return failed("body is not %q", prefix), nil
		}
		nbytes.Add(int64(len(prefix)))
	}
	nbytes.Add(drain(resp))
	if resp.StatusCode != want {
		return failed("status %d", resp.StatusCode), nil
	}
	return success, nil
}

// sequence hands out items of a list once each, then reports exhaustion;
// picks hands them out at random, forever.
type sequence struct {
	items []string
	next  atomic.Int64
}

func (s *sequence) take() (string, bool) {
	i := s.next.Add(1) - 1
	if i >= int64(len(s.items)) {
		return "", false
	}
	return s.items[i], true
}

func (s *sequence) taken() []string { return s.items[:min(int(s.next.Load()), len(s.items))] }

func pick(items []string) string { return items[rand.IntN(len(items))] }

// pdfPath turns a certificate code into the path of its PDF on the ceiling
// server, which checks no key.
func ceilingPDFPath(code string) string { return "/c/" + code + "/sertifikat.pdf?k=x" }

// pageWeight follows the signing flow as a phone does — event page,
// identification and its redirect to the confirm page with the signature
// pad, certificate page — and sums what crosses the wire with gzip: every
// HTML page, and each CSS and JavaScript file once (they are cached under
// content-hashed URLs).
type weight struct {
	Pages   map[string]int `json:"pages"`
	Assets  map[string]int `json:"assets"`
	TotalKB float64        `json:"total_kb"`
}

var assetRef = regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`)

func pageWeight(ctx context.Context, base string, ev benchEvent, empIndex int, strokes string) (weight, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return weight{}, err
	}
	// DisableCompression: the transport neither asks for nor undoes gzip,
	// so the bytes counted are the bytes on the wire.
	tr := &http.Transport{DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Jar: jar, CheckRedirect: noRedirect, Timeout: time.Minute}
	w := weight{Pages: map[string]int{}, Assets: map[string]int{}}
	assets := map[string]bool{}
	// do sends a request with Accept-Encoding: gzip and returns the
	// decoded text, the bytes on the wire and the status.
	do := func(method, path string, form url.Values) (string, int, *http.Response, error) {
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, err := http.NewRequestWithContext(ctx, method, base+path, body)
		if err != nil {
			return "", 0, nil, err
		}
		req.Header.Set("Accept-Encoding", "gzip")
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		resp, err := client.Do(req)
		if err != nil {
			return "", 0, nil, err
		}
		raw, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return "", 0, nil, err
		}
		text := string(raw)
		if resp.Header.Get("Content-Encoding") == "gzip" {
			if text, err = gunzip(raw); err != nil {
				return "", 0, nil, fmt.Errorf("%s: %w", path, err)
			}
		}
		for _, m := range assetRef.FindAllStringSubmatch(text, -1) {
			assets[strings.ReplaceAll(m[1], "&amp;", "&")] = true
		}
		return text, len(raw), resp, nil
	}
	page, n, resp, err := do(http.MethodGet, "/e/"+ev.Slug, nil)
	if err != nil {
		return w, err
	}
	m := csrfField.FindStringSubmatch(page)
	if resp.StatusCode != http.StatusOK || m == nil {
		return w, fmt.Errorf("event page: status %d", resp.StatusCode)
	}
	w.Pages["event page (GET /e/{slug})"] = n
	nip := fixture.NIP(empIndex)
	page, n, resp, err = do(http.MethodPost, "/e/"+ev.Slug, url.Values{"_csrf": {m[1]}, "nip": {nip}, "code": {ev.Code}})
	if err != nil {
		return w, err
	}
	if resp.StatusCode != http.StatusSeeOther {
		return w, fmt.Errorf("identification: status %d", resp.StatusCode)
	}
	w.Pages["identification redirect (POST /e/{slug})"] = n
	page, n, resp, err = do(http.MethodGet, resp.Header.Get("Location"), nil)
	if err != nil {
		return w, err
	}
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `name="signature_strokes"`) {
		return w, fmt.Errorf("confirm page: status %d", resp.StatusCode)
	}
	w.Pages["confirm page (GET /e/{slug}/konfirmasi)"] = n
	if m = csrfField.FindStringSubmatch(page); m == nil {
		return w, errors.New("confirm page has no CSRF token")
	}
	_, n, resp, err = do(http.MethodPost, "/e/"+ev.Slug+"/sign", url.Values{"_csrf": {m[1]}, "nip": {nip}, "code": {ev.Code},
		"signature_strokes": {strokes}, "consent": {"1"}})
	if err != nil {
		return w, err
	}
	if resp.StatusCode != http.StatusSeeOther {
		return w, fmt.Errorf("signing: status %d", resp.StatusCode)
	}
	w.Pages["signing redirect (POST /e/{slug}/sign)"] = n
	loc := resp.Header.Get("Location")
	if _, n, resp, err = do(http.MethodGet, loc, nil); err != nil {
		return w, err
	} else if resp.StatusCode != http.StatusOK {
		return w, fmt.Errorf("certificate page: status %d", resp.StatusCode)
	}
	w.Pages["certificate page (GET /c/{code})"] = n
	total := 0
	for _, n := range w.Pages {
		total += n
	}
	for a := range assets {
		if !strings.Contains(a, ".css") && !strings.Contains(a, ".js") {
			continue // the favicon is neither HTML, CSS nor JavaScript
		}
		_, n, resp, err := do(http.MethodGet, a, nil)
		if err != nil {
			return w, err
		}
		if resp.StatusCode != http.StatusOK {
			return w, fmt.Errorf("%s: status %d", a, resp.StatusCode)
		}
		w.Assets[a] = n
		total += n
	}
	w.TotalKB = float64(total) / 1024
	return w, nil
}

func gunzip(b []byte) (string, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return "", err
	}
	out, err := io.ReadAll(zr)
	return string(out), err
}
