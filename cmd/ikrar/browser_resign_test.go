package main

import (
	"context"
	"math"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// TestBrowserResignAfterRevocation: someone signed in a civil servant's
// name and the officer revoked that record. On her 360×740 phone, in
// chromium, NIP and event code lead her to the pad — not to the revoked
// certificate — with a notice on the first screen that the earlier
// certificate was revoked; she signs with her finger and gets a new
// certificate, which verifies as SAH while the revoked one still says
// DICABUT.
func TestBrowserResignAfterRevocation(t *testing.T) {
	t.Parallel()
	chromium := needTool(t, "chromium", "chromium")
	r := seededTrustRegistry(t) // the second signer's record is revoked
	base := r.serveHTTP(t).URL
	emp, revoked := r.emps[1], r.sigs[1]
	if !revoked.Revoked() || revoked.EmployeeID != emp.ID {
		t.Fatalf("fixture: record %s of employee %d, revoked %v", revoked.Code, revoked.EmployeeID, revoked.Revoked())
	}

	ctx, cancelTab := newTestBrowser(t, chromium, 60*time.Second)
	console := recordConsole(ctx)
	step := stepper(t, ctx, 15*time.Second)
	eval := evaluator(t, ctx)

	step("set up a phone",
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspProbe})
			return err
		}),
		chromedp.EmulateViewport(360, 740, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch),
	)
	step("identify with NIP and event code",
		chromedp.Navigate(base+"/e/"+r.event.Slug),
		chromedp.WaitVisible(chromedp.ID("nip")),
		chromedp.SendKeys(chromedp.ID("nip"), emp.NIP),
		chromedp.SendKeys(chromedp.ID("code"), r.event.Code),
		chromedp.Tap(chromedp.CSS(`main form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("sigpad-canvas")),
	)
	if h1 := eval("read the heading", `document.querySelector('main h1').textContent`); h1 != "Apakah ini Anda?" {
		t.Fatalf("after identifying: heading %q, want the signing page", h1)
	}
	notice, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
		Text string
		Box  viewportRect
	}](`(() => {
		const n = document.getElementById('resign-notice');
		if (!n) return {Text: '', Box: {}};
		const r = n.getBoundingClientRect();
		return {Text: n.innerText, Box: {X: r.left, Y: r.top, W: r.width, H: r.height}};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(notice.Text, "Sertifikat Anda sebelumnya untuk acara ini telah dicabut") || !strings.Contains(notice.Text, "menandatangani ikrar ini kembali") {
		t.Errorf("signing page notice %q, want that the earlier certificate was revoked and she may sign again", notice.Text)
	}
	if b := notice.Box; b.W == 0 || b.X < 0 || b.X+b.W > 360 || b.Y < 0 || b.Y+b.H > 740 {
		t.Errorf("the notice's box %+v is not on the first screen of a 360×740 phone", b)
	}
	if html := eval("read the page source", `document.documentElement.outerHTML`); strings.Contains(html, revoked.Code) || strings.Contains(html, emp.NIP) {
		t.Errorf("the signing page carries the revoked code %s or the full NIP", revoked.Code)
	}

	step("scroll to the pad", chromedp.ScrollIntoView(chromedp.ID("sigpad-canvas")))
	box, err := chromedp.Run(ctx, chromedp.Evaluate[viewportRect](`(() => {
		const r = document.getElementById('sigpad-canvas').getBoundingClientRect();
		return {X: r.left, Y: r.top, W: r.width, H: r.height};
	})()`))
	if err != nil || box.W < 200 || box.H < 60 {
		t.Fatalf("signature pad box = %+v, %v", box, err)
	}
	step("draw the signature",
		touchStroke(box, func(f float64) (float64, float64) {
			return 0.1 + 0.8*f, 0.5 - 0.3*math.Sin(f*3*math.Pi)
		}),
	)
	step("consent and sign",
		chromedp.Tap(chromedp.ID("consent")),
		chromedp.Tap(chromedp.ID("sign-submit")),
		chromedp.WaitVisible(chromedp.CSS(`a[href*="/sertifikat.pdf"]`)),
	)
	if msg := eval("read the confirmation", `document.querySelector('[role=status]').textContent`); !strings.Contains(msg, "Ikrar Anda telah tercatat") {
		t.Errorf("certificate page says %q, want that the pledge was recorded", msg)
	}
	m := regexp.MustCompile(`/c/([A-Z0-9]+)/sertifikat\.pdf`).FindStringSubmatch(eval("find the PDF link", `document.querySelector('a[href*="/sertifikat.pdf"]').href`))
	if m == nil || m[1] == revoked.Code {
		t.Fatalf("after signing again the PDF link is %v, want a new certificate (revoked: %s)", m, revoked.Code)
	}
	if csp := eval("read CSP violations", `window.__csp.join('\n')`); csp != "" {
		t.Errorf("CSP violations:\n%s", csp)
	}

	for code, want := range map[string]string{m[1]: "SAH", revoked.Code: "DICABUT"} {
		step("verify "+code,
			chromedp.Navigate(base+"/v/"+code),
			chromedp.WaitVisible(chromedp.CSS(`.verdict`)),
		)
		if got := eval("read the verdict", `document.querySelector('.verdict strong').textContent`); got != want {
			t.Errorf("verification of %s says %q, want %q", code, got, want)
		}
	}

	cancelTab()
	for _, m := range console() {
		if m.Type == chromedp.ConsoleError || m.IsException() {
			t.Errorf("browser reported an error: %s (%s:%d)", m, m.URL, m.Line+1)
		}
	}
}
