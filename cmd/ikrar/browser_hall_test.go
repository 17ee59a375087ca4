package main

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"image"
	"image/png"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	ikrar "github.com/ikrar-id/ikrar"
	"github.com/ikrar-id/ikrar/internal/pdftest"
	"github.com/ikrar-id/ikrar/internal/translog"
	"github.com/ikrar-id/ikrar/internal/web"
)

// hallServer serves the demo registry (its open event, its roster and its
// admin) on a loopback port and returns the registry and the base URL.
func hallServer(t *testing.T) (*trustRegistry, string) {
	t.Helper()
	r := newTrustRegistry(t)
	ts := httptest.NewUnstartedServer(nil)
	base := "http://" + ts.Listener.Addr().String()
	log := slog.New(slog.DiscardHandler)
	cp := &translog.Checkpointer{Store: r.a.db, Keys: r.a.keys, MinInterval: time.Second, Now: time.Now, Log: log}
	srv, err := web.New(web.Options{BaseURL: base, Templates: ikrar.Templates, Static: ikrar.Static, DownloadKey: r.a.secrets.Download},
		r.a.svc, r.a.db, mustCertRenderer(t), web.Transparency{Store: r.a.db, Keys: r.a.keys, Checkpointer: cp}, log)
	if err != nil {
		t.Fatal(err)
	}
	runCheckpointer(t, cp, r.a.db.Appended())
	ts.Config.Handler = srv.Handler()
	ts.Start()
	t.Cleanup(ts.Close)
	return r, base
}

// browserSteps returns the step and eval helpers of a test's tab, after
// starting it on ctx itself with the CSP probe in every document.
func browserSteps(t *testing.T, ctx context.Context) (step func(string, ...chromedp.Action[chromedp.Void]), eval func(string, string) string) {
	t.Helper()
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspProbe})
		return err
	}))
	if err != nil {
		t.Fatal(err)
	}
	step = func(name string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, steps...); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, pageState(ctx))
		}
	}
	eval = func(name, js string) string {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		v, err := chromedp.Run(sctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return v
	}
	return step, eval
}

// outside lists the elements of sels whose box is not wholly inside the
// viewport; and "page scrolls" if the page is larger than the viewport.
const outside = `((sels) => {
	const out = [];
	const de = document.documentElement;
	if (de.scrollHeight > innerHeight || de.scrollWidth > innerWidth) out.push('page scrolls: ' + de.scrollWidth + 'x' + de.scrollHeight);
	for (const s of sels) {
		const e = document.querySelector(s);
		if (!e) { out.push(s + ' missing'); continue; }
		const r = e.getBoundingClientRect();
		if (r.width === 0 || r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth)
			out.push(s + ' at ' + [r.left, r.top, r.right, r.bottom].map(Math.round).join(','));
	}
	return out.join('; ');
})`

// TestBrowserProjector: the hall's screen fits a projector at 1024×768,
// 1366×768 and 1920×1080 without scrolling, with its QR code, short
// address, code and progress bar in view; the QR code read from a
// screenshot is the event's address, and the short address leads there.
func TestBrowserProjector(t *testing.T) {
	t.Parallel()
	chromium := needTool(t, "chromium", "chromium")
	r, base := hallServer(t)
	ctx, _ := newTestBrowser(t, chromium, 90*time.Second)
	step, eval := browserSteps(t, ctx)
	step("sign in",
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), demoEmail),
		chromedp.SendKeys(chromedp.ID("password"), demoPassword),
		chromedp.Click(chromedp.CSS(`main form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/admin"]`)),
	)
	eventURL := base + "/e/" + r.event.Slug
	// IKRAR_SHOTS keeps the screenshots, to look at.
	dir := cmp.Or(os.Getenv("IKRAR_SHOTS"), t.TempDir())
	for _, size := range [][2]int64{{1024, 768}, {1366, 768}, {1920, 1080}} {
		name := fmt.Sprintf("%dx%d", size[0], size[1])
		step("open the projector at "+name,
			chromedp.EmulateViewport(size[0], size[1]),
			chromedp.Navigate(fmt.Sprintf("%s/admin/events/%d/projector", base, r.event.ID)),
			chromedp.WaitVisible(chromedp.CSS(`.qr img`)),
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := chromedp.Poll[bool](`document.querySelector('.qr img').complete && document.querySelector('.qr img').naturalWidth > 0`)(ctx, tg)
				return err
			}),
		)
		if bad := eval("measure "+name, outside+`(['h1', '.qr img', 'progress', '.projector-link', '.event-code', '.counter'])`); bad != "" {
			t.Errorf("%s: not in view: %s", name, bad)
		}
		qrSide := eval("measure the QR", `String(Math.round(document.querySelector('.qr img').getBoundingClientRect().width))`)
		shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".png"), shot, 0o600); err != nil {
			t.Fatal(err)
		}
		screen, err := png.Decode(bytes.NewReader(shot))
		if err != nil {
			t.Fatal(err)
		}
		if got := pdftest.DecodeQR(t, screen); got != eventURL {
			t.Errorf("%s: QR on the screen reads %q, want %q", name, got, eventURL)
		}
		short := eval("read the short address", `document.querySelector('.projector-link').textContent`)
		t.Logf("%s: QR %s px, short address %s", name, qrSide, short)
		if strings.ContainsAny(short[strings.LastIndex(short, "/"):], "ILOUilou") {
			t.Errorf("%s: short address %q has a letter people confuse", name, short)
		}
		res, err := http.Get("http://" + strings.ToLower(short))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.Request.URL.String() != eventURL || res.StatusCode != http.StatusOK {
			t.Errorf("%s: short address %s leads to %d %s, want %s", name, short, res.StatusCode, res.Request.URL, eventURL)
		}
	}
	if csp := eval("read CSP violations", `window.__csp.join('\n')`); csp != "" {
		t.Errorf("CSP violations on the projector:\n%s", csp)
	}
}

// TestBrowserPhoneSigning signs on a 360×740 phone in Chrome's forced dark
// mode: the NIP form starts above the fold; the NIP, typed as printed with
// dots, is accepted; an empty pad is reported next to the pad, in view;
// the pad is wide and tall, its two buttons apart, and a clear can be
// undone; the ink stays readable (contrast at least 4.5:1 in a
// screenshot); and the back button after signing lands on a normal page.
func TestBrowserPhoneSigning(t *testing.T) {
	t.Parallel()
	chromium := needTool(t, "chromium", "chromium")
	r, base := hallServer(t)
	ctx, _ := newTestBrowser(t, chromium, 90*time.Second,
		chromedp.Flag("enable-features", "WebContentsForceDark"), chromedp.Flag("force-dark-mode", true))
	step, eval := browserSteps(t, ctx)
	step("set up a phone", chromedp.EmulateViewport(360, 740, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch))
	eventURL := base + "/e/" + r.event.Slug
	emp := r.emps[0]
	step("open the event page", chromedp.Navigate(eventURL), chromedp.WaitVisible(chromedp.ID("nip")))
	if top := eval("measure the form", `String(Math.round(document.getElementById('nip').getBoundingClientRect().bottom))`); atoiTest(top) >= 740 {
		t.Errorf("the NIP field ends at %s px, below the fold of a 740 px phone", top)
	}
	// The site header is one row on a phone (it was three: brand, link and
	// both language names on lines of their own).
	if h := eval("measure the header", `String(Math.round(document.querySelector('.site-header').getBoundingClientRect().height))`); atoiTest(h) > 64 {
		t.Errorf("the site header is %s px tall on a 360 px phone, want one row (≤ 64 px)", h)
	}
	keepShot(t, ctx, "event-360.png")
	if got := eval("read the NIP field", `document.getElementById('nip').inputMode + ' ' + document.getElementById('nip').form.noValidate`); got != "text true" {
		t.Errorf("NIP field inputmode and form novalidate = %q, want %q", got, "text true")
	}
	// Sent empty: the page's own message, not the browser's bubble.
	step("send the form empty",
		chromedp.Tap(chromedp.CSS(`main form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID(`nip-error`)),
	)
	// The message is under the field, which has the focus.
	if msg := eval("read the error", `document.getElementById('nip-error').textContent + ' / ' + document.activeElement.id`); msg != "NIP wajib diisi / nip" {
		t.Errorf("empty form: message / focus %q, want %q", msg, "NIP wajib diisi / nip")
	}
	n := emp.NIP
	step("identify with the NIP as printed",
		chromedp.SendKeys(chromedp.ID("nip"), n[0:8]+"."+n[8:14]+"."+n[14:15]+"."+n[15:]),
		chromedp.SendKeys(chromedp.ID("code"), strings.ToLower(r.event.Code)),
		chromedp.Tap(chromedp.CSS(`main form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("sigpad-canvas")),
	)
	if loc := eval("read the address", `location.pathname + location.search`); !strings.HasPrefix(loc, "/e/"+r.event.Slug+"/konfirmasi?t=") || strings.Contains(loc, n[8:14]) {
		t.Errorf("confirm page at %s, want /e/SLUG/konfirmasi?t=TICKET without the NIP", loc)
	}

	type box struct{ X, Y, W, H float64 }
	rect := func(id string) box {
		t.Helper()
		b, err := chromedp.Run(ctx, chromedp.Evaluate[box](`(() => { const r = document.getElementById('`+id+`').getBoundingClientRect(); return {X: r.left, Y: r.top, W: r.width, H: r.height}; })()`))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	pad := rect("sigpad-canvas")
	if pad.W < 320 || pad.H < 160 || pad.X < 0 || pad.X+pad.W > 360 {
		t.Errorf("signature pad %+v, want at least 320×160 CSS px inside the 360 px screen", pad)
	}
	undo, clear := rect("sigpad-undo"), rect("sigpad-clear")
	if gap := clear.X - (undo.X + undo.W); gap < 24 {
		t.Errorf("Hapus is %.0f px from Urungkan, want at least 24", gap)
	}

	// Consent given, the pad left empty: the message is next to the pad.
	step("scroll to consent", chromedp.ScrollIntoView(chromedp.ID("consent")))
	step("consent and send with an empty pad",
		chromedp.Tap(chromedp.ID("consent")),
		chromedp.Tap(chromedp.ID("sign-submit")),
		chromedp.WaitVisible(chromedp.ID("sigpad-error")),
		chromedp.Sleep(300*time.Millisecond), // the smooth scroll, if any, settles
	)
	if msg := eval("read the pad's error", `document.getElementById('sigpad-error').textContent`); !strings.Contains(msg, "bubuhkan tanda tangan") {
		t.Errorf("empty pad: message %q", msg)
	}
	if bad := eval("measure the pad's error", outside+`(['#sigpad-error', '#sigpad-canvas'])`); bad != "" && !strings.HasPrefix(bad, "page scrolls") {
		t.Errorf("empty pad: the message or the pad is not in view: %s", bad)
	}
	keepShot(t, ctx, "empty-pad-360.png")
	if f := eval("read the focus", `document.activeElement.id`); f != "sigpad-canvas" {
		t.Errorf("empty pad: focus on %q, want the pad", f)
	}

	const countInk = `(() => {
		const c = document.getElementById('sigpad-canvas');
		const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
		let n = 0;
		for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
		return String(n);
	})()`
	pad = rect("sigpad-canvas")
	step("draw",
		touchStroke(viewportRect(pad), func(f float64) (float64, float64) {
			return 0.08 + 0.84*f, 0.5 - 0.3*math.Sin(f*4*math.Pi)
		}),
		touchStroke(viewportRect(pad), func(f float64) (float64, float64) { return 0.2 + 0.6*f, 0.8 }),
	)
	inked := eval("count ink", countInk)
	step("clear", chromedp.Tap(chromedp.ID("sigpad-clear")))
	if n := eval("count ink after Hapus", countInk); n != "0" {
		t.Errorf("Hapus left %s inked pixels", n)
	}
	step("undo the clear", chromedp.Tap(chromedp.ID("sigpad-undo")))
	// Drawn again from the same strokes, the antialiased edges may differ
	// by a few pixels.
	if n := atoiTest(eval("count ink after Urungkan", countInk)); math.Abs(float64(n-atoiTest(inked))) > float64(atoiTest(inked))/50 {
		t.Errorf("Urungkan after Hapus brought back %d inked pixels, want the %s drawn", n, inked)
	}

	// The ink as the eye sees it, under the forced dark mode.
	shot, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.ID("sigpad-canvas")))
	if err != nil {
		t.Fatal(err)
	}
	// Chromium inverts the ink with the pad, so the contrast alone would
	// survive a darkened pad; Samsung's browser does not. The pad must stay
	// light, as paper is, with dark ink.
	c, bg := inkContrast(t, shot)
	if c < 4.5 {
		t.Errorf("ink contrast on the pad in forced dark mode %.2f:1, want at least 4.5:1", c)
	}
	if bg < 0.8 {
		t.Errorf("the pad is darkened in forced dark mode: background luminance %.3f, want a light pad", bg)
	}
	t.Logf("ink contrast on the pad in forced dark mode %.1f:1", c)

	step("sign",
		chromedp.Tap(chromedp.ID("sign-submit")),
		chromedp.WaitVisible(chromedp.CSS(`a[href*="/sertifikat.pdf"]`)),
	)
	step("go back", chromedp.NavigateBack(), chromedp.Sleep(500*time.Millisecond), chromedp.WaitReady(chromedp.CSS(`body`)))
	type where struct{ URL, H1, Text string }
	back, err := chromedp.Run(ctx, chromedp.Evaluate[where](`({URL: location.href, H1: (document.querySelector('main h1') || {}).textContent || '', Text: document.body.innerText})`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(back.URL, base) || back.H1 == "" || strings.Contains(back.Text, "ERR_CACHE_MISS") {
		t.Errorf("back after signing: %s, heading %q:\n%s", back.URL, back.H1, back.Text)
	}
	t.Logf("back after signing: %s (%s)", back.URL, back.H1)
	if csp := eval("read CSP violations", `window.__csp.join('\n')`); csp != "" {
		t.Errorf("CSP violations:\n%s", csp)
	}
}

// keepShot saves a screenshot of the viewport in $IKRAR_SHOTS, if set, for
// a person to look at.
func keepShot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("IKRAR_SHOTS")
	if dir == "" {
		return
	}
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, name), shot, 0o600)
	}
	if err != nil {
		t.Fatal(err)
	}
}

func atoiTest(s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return math.MaxInt
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// inkContrast returns the WCAG contrast between the pad's background (its most
// common luminance) and its ink (the luminance that the darkest or
// lightest 0.5% of pixels reach, whichever is farther from the
// background), from a PNG screenshot of the pad, and the background's
// relative luminance.
func inkContrast(t *testing.T, shot []byte) (contrast, background float64) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	var lum []float64
	hist := map[int]int{}
	// Inside the border and away from the baseline, which are not ink.
	for y := b.Min.Y + 6; y < b.Max.Y-6; y++ {
		for x := b.Min.X + 6; x < b.Max.X-6; x++ {
			l := relLuminance(img, x, y)
			lum = append(lum, l)
			hist[int(l*100)]++
		}
	}
	bg, most := 0, 0
	for k, n := range hist {
		if n > most {
			bg, most = k, n
		}
	}
	bgL := min((float64(bg)+0.5)/100, 1)
	slices.Sort(lum)
	k := len(lum) / 200
	dark, light := lum[k], lum[len(lum)-1-k]
	ink := dark
	if light-bgL > bgL-dark {
		ink = light
	}
	hi, lo := max(ink, bgL), min(ink, bgL)
	t.Logf("pad background luminance %.3f, ink %.3f", bgL, ink)
	return (hi + 0.05) / (lo + 0.05), bgL
}

func relLuminance(img image.Image, x, y int) float64 {
	r, g, b, _ := img.At(x, y).RGBA()
	lin := func(c uint32) float64 {
		v := float64(c) / 0xffff
		if v <= 0.04045 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}
