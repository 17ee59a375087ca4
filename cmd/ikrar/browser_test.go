package main

import (
	"bytes"
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	ikrarnip "github.com/ikrar-id/ikrar/internal/nip"
	"github.com/ikrar-id/ikrar/internal/pdftest"
)

// needTool finds a program the browser test needs. Outside CI a missing one
// skips the test; CI must run it, so there it fails.
func needTool(t *testing.T, name, pkg string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is required in CI (apt-get install %s; .ci/run does): %v", name, pkg, err)
	}
	t.Skipf("%s not installed (apt-get install %s)", name, pkg)
	return ""
}

// cspProbe runs in every document before the page's own scripts (DevTools
// scripts are exempt from the page's CSP) and records what the CSP blocked.
const cspProbe = `window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber);
});`

// testBrowserSigning signs the demo event's pledge the way a civil servant
// does on a phone, in Debian's chromium: NIP and code, "is this you?", a
// signature drawn with a finger, consent, the certificate page, the PDF and
// its QR code, and the public verification page the QR opens.
func testBrowserSigning(t *testing.T, demo demoServer) {
	chromium := needTool(t, "chromium", "chromium")
	needTool(t, "pdftoppm", "poppler-utils")
	pdftotext := needTool(t, "pdftotext", "poppler-utils")

	// The whole browser lives at most this long; every step has its own
	// shorter limit below.
	ctx, cancelTab := newTestBrowser(t, chromium, 45*time.Second)

	// Subscribing starts the browser and opens the tab, bound to ctx.
	console := recordConsole(ctx)
	step := stepper(t, ctx, 15*time.Second)
	eval := evaluator(t, ctx)

	step("set up a phone",
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspProbe})
			return err
		}),
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch),
	)

	// 1. Identify with NIP and event code.
	nip := demo.NIPs[0]
	step("open the event page",
		chromedp.Navigate(demo.EventURL),
		chromedp.WaitVisible(chromedp.ID("nip")),
		chromedp.SendKeys(chromedp.ID("nip"), nip),
		chromedp.SendKeys(chromedp.ID("code"), demo.Code),
		chromedp.Tap(chromedp.CSS(`main form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("sigpad-canvas")),
	)
	if h1 := eval("read the heading", `document.querySelector('main h1').textContent`); h1 != "Apakah ini Anda?" {
		t.Fatalf("after identifying: heading %q, want %q", h1, "Apakah ini Anda?")
	}
	// The person to confirm is the one the demo banner named with the NIP.
	if name := eval("read the name shown", `document.querySelector('main strong').textContent`); name != demo.Names[nip] {
		t.Errorf("confirm page asks about %q; the demo banner printed %s with %q", name, nip, demo.Names[nip])
	}
	// The NIP is shown masked, and is nowhere in the page: whoever typed it
	// need not be its owner.
	digits := strings.ReplaceAll(nip, " ", "")
	if got, want := eval("read the NIP shown", `document.querySelector('.kv dd.mono').textContent`), ikrarnip.Mask(digits); got != want {
		t.Errorf("confirm page shows NIP %q, want %q", got, want)
	}
	if html := eval("read the page source", `document.documentElement.outerHTML`); strings.Contains(html, digits) || strings.Contains(html, nip) {
		t.Errorf("the confirm page carries the full NIP %s", nip)
	}

	// 2. Draw a signature with a finger: real touch input, which the browser
	// turns into the pointer events signature_pad listens to.
	step("scroll to the pad", chromedp.ScrollIntoView(chromedp.ID("sigpad-canvas")))
	box, err := chromedp.Run(ctx, chromedp.Evaluate[viewportRect](`(() => {
		const r = document.getElementById('sigpad-canvas').getBoundingClientRect();
		return {X: r.left, Y: r.top, W: r.width, H: r.height};
	})()`))
	if err != nil || box.W < 200 || box.H < 60 {
		t.Fatalf("signature pad box = %+v, %v; want a visible pad across the phone", box, err)
	}
	if box.X+box.W > 390 {
		t.Errorf("signature pad %+v overflows the 390 px viewport", box)
	}
	step("draw the signature",
		touchStroke(box, func(f float64) (float64, float64) { // a looping scrawl
			return 0.08 + 0.84*f, 0.5 - 0.28*math.Sin(f*4*math.Pi)*math.Cos(f*math.Pi/2)
		}),
		touchStroke(box, func(f float64) (float64, float64) { // and a flourish under it
			return 0.2 + 0.6*f, 0.8 - 0.05*f
		}),
	)
	const countInk = `(() => {
		const c = document.getElementById('sigpad-canvas');
		const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
		let n = 0;
		for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
		return String(n);
	})()`
	inked := eval("count inked pixels", countInk)
	if inked == "0" {
		t.Fatal("the strokes left no ink on the signature pad")
	}
	t.Logf("signature pad %.0f×%.0f CSS px, %s inked device pixels", box.W, box.H, inked)

	// 2b. The form comes back (here: its confirmation spoilt, as an expired
	// one would be): the drawn signature survives identifying again.
	step("tick consent", chromedp.Tap(chromedp.ID("consent")))
	eval("spoil the confirmation", `String(document.querySelector('input[name=ticket]').value += 'x')`)
	step("send the spoilt confirmation",
		chromedp.Tap(chromedp.ID("sign-submit")),
		chromedp.WaitVisible(chromedp.ID("nip")),
	)
	step("identify again with the signature kept",
		chromedp.SendKeys(chromedp.ID("nip"), nip),
		chromedp.SendKeys(chromedp.ID("code"), demo.Code),
		chromedp.Tap(chromedp.CSS(`main form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("sigpad-canvas")),
		chromedp.ScrollIntoView(chromedp.ID("sigpad-canvas")),
	)
	if kept := eval("count inked pixels again", countInk); kept == "0" {
		t.Fatal("the drawn signature was lost when the form came back")
	}
	if checked := eval("read the consent box", `String(document.getElementById('consent').checked)`); checked == "true" {
		// The box comes back ticked; untick it so that step 3 ticks it.
		step("untick consent", chromedp.Tap(chromedp.ID("consent")))
	}

	// 3. Consent and submit.
	if csp := eval("read CSP violations", `window.__csp.join('\n')`); csp != "" {
		t.Errorf("CSP violations on the signing page:\n%s", csp)
	}
	step("consent and sign",
		chromedp.Tap(chromedp.ID("consent")),
		chromedp.Tap(chromedp.ID("sign-submit")),
		chromedp.WaitVisible(chromedp.CSS(`a[href*="/sertifikat.pdf"]`)),
	)
	if msg := eval("read the confirmation", `document.querySelector('[role=status]').textContent`); !strings.Contains(msg, "Ikrar Anda telah tercatat") {
		t.Errorf("certificate page says %q, want that the pledge was recorded", msg)
	}
	if csp := eval("read CSP violations", `window.__csp.join('\n')`); csp != "" {
		t.Errorf("CSP violations on the certificate page:\n%s", csp)
	}
	link := eval("find the PDF link", `(() => {
		const a = [...document.querySelectorAll('a')].find(a => a.textContent.trim() === 'Unduh sertifikat (PDF)');
		return a ? a.href : '';
	})()`)
	m := regexp.MustCompile(`^` + regexp.QuoteMeta(demo.BaseURL) + `/c/([A-Z0-9]+)/sertifikat\.pdf\?k=[A-Za-z0-9_-]+$`).FindStringSubmatch(link)
	if m == nil {
		t.Fatalf("PDF link %q, want %s/c/CODE/sertifikat.pdf?k=KEY", link, demo.BaseURL)
	}
	code := m[1]

	// 4. The PDF, fetched without the browser's cookies: the link carries its key.
	res, pdf := httpGet(t, link)
	if ct := res.Header.Get("Content-Type"); ct != "application/pdf" {
		t.Errorf("PDF Content-Type %q", ct)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("PDF starts with %q", pdf[:min(len(pdf), 16)])
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "sertifikat.pdf")
	if err := os.WriteFile(file, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	text, err := exec.Command(pdftotext, "-enc", "UTF-8", file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	if !strings.Contains(string(text), nip) || strings.Contains(string(text), "tanda tangan diketik") {
		t.Errorf("PDF text lacks the NIP %s or has a typed signature, not the drawn one:\n%s", nip, text)
	}
	qr := pdftest.DecodeQR(t, pdftest.Page(t, pdf, 1))
	// The QR is an upper-case URL with a v2 claim (docs/FORMATS.md §5).
	verify := strings.ToUpper(demo.BaseURL) + "/V/" + code + "/"
	if !strings.HasPrefix(qr, verify) {
		t.Fatalf("QR on the certificate = %q, want it to start with %q", qr, verify)
	}

	// 5. What anyone scanning the QR sees.
	step("open the QR's link",
		chromedp.Navigate(qr),
		chromedp.WaitVisible(chromedp.CSS(`.verdict`)),
	)
	if verdict := eval("read the verdict", `document.querySelector('.verdict strong').textContent`); verdict != "SAH" {
		t.Errorf("verification page verdict %q, want SAH", verdict)
	}
	if shown := eval("read the page", `document.body.innerText`); strings.Contains(shown, nip) {
		t.Errorf("public verification page shows the full NIP %s", nip)
	}

	// 6. Coming back to the event leads to the same certificate, not a
	// second signing.
	step("identify again",
		chromedp.Navigate(demo.EventURL),
		chromedp.SendKeys(chromedp.ID("nip"), nip),
		chromedp.SendKeys(chromedp.ID("code"), demo.Code),
		chromedp.Tap(chromedp.CSS(`main form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href*="/sertifikat.pdf"]`)),
	)
	if again := eval("find the PDF link", `document.querySelector('a[href*="/sertifikat.pdf"]').href`); again != link {
		t.Errorf("identifying again leads to %q, want the same certificate %q", again, link)
	}

	cancelTab()
	for _, m := range console() {
		t.Logf("console %s %s:%d %s", m.Source, m.URL, m.Line+1, m)
		// Step 2b's spoilt confirmation is answered 403 on purpose.
		spoilt := m.Source == "network" && strings.HasSuffix(m.URL, "/sign") && strings.Contains(m.String(), "403")
		if (m.Type == chromedp.ConsoleError || m.IsException()) && !spoilt {
			t.Errorf("browser reported an error: %s (%s:%d)", m, m.URL, m.Line+1)
		}
	}
}

// pageState describes where the browser is, for a failure message.
func pageState(ctx context.Context) string {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + '\n' + document.body.innerText`))
	if err != nil {
		return "page state unavailable: " + err.Error()
	}
	return "the page is at " + s
}

// viewportRect is an element's box in CSS pixels of the viewport, where
// input events land.
type viewportRect struct{ X, Y, W, H float64 }

// touchStroke draws one stroke with a finger across box: path maps 0..1 to
// a point in the box's fractions. The moves are spaced like a real finger's,
// one per frame, so that none are coalesced away, and the finger comes to
// rest before it lifts, as a person's does: a finger lifted mid-motion made
// headless chromium swallow the next tap (on the consent box) for about a
// second — touch events but no click, as when a tap stops a fling.
func touchStroke(box viewportRect, path func(f float64) (x, y float64)) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		const moves, rest = 32, 6
		typ := input.DispatchTouchEventTypeTouchStart
		for i := 0; i <= moves+rest; i++ {
			fx, fy := path(min(float64(i)/moves, 1))
			p := &input.TouchPoint{X: box.X + fx*box.W, Y: box.Y + fy*box.H, ID: new(1.0), RadiusX: new(4.0), RadiusY: new(4.0), Force: new(0.5)}
			if _, err := cdp.Call(ctx, tg, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: typ, TouchPoints: []*input.TouchPoint{p}}); err != nil {
				return err
			}
			typ = input.DispatchTouchEventTypeTouchMove
			time.Sleep(17 * time.Millisecond)
		}
		_, err := cdp.Call(ctx, tg, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: input.DispatchTouchEventTypeTouchEnd, TouchPoints: []*input.TouchPoint{}})
		return err
	})
}
