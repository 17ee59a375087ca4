package main

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// shareProbe stands in for the clipboard and the print dialog, which a
// headless browser has not: it records what the page copied and printed.
const shareProbe = `window.__copied = [];
window.__printed = 0;
if (navigator.clipboard) navigator.clipboard.writeText = function (t) { window.__copied.push(t); return Promise.resolve(); };
window.print = function () { window.__printed++; };`

// TestBrowserShareCertificate: on a 360×740 phone the signer's certificate
// page shows "Bagikan ke WhatsApp", "Salin tautan" and "Cetak" within the
// screen's width; copying puts the public verification link on the
// clipboard and says so; printing opens the print dialog, and the printed
// page leaves out the buttons. No shared link carries the download key.
func TestBrowserShareCertificate(t *testing.T) {
	t.Parallel()
	chromium := needTool(t, "chromium", "chromium")
	r, base := hallServer(t)
	sig := r.sign(t)
	link := downloadLink(r.a.secrets.Download, sig.Code)
	key := link[strings.Index(link, "?k=")+3:]
	verify := base + "/v/" + sig.Code

	ctx, _ := newTestBrowser(t, chromium, 60*time.Second)
	step, eval := browserSteps(t, ctx)
	step("set up a phone",
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: shareProbe})
			return err
		}),
		chromedp.EmulateViewport(360, 740, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch))
	step("open the certificate page", chromedp.Navigate(base+link), chromedp.WaitVisible(chromedp.ID("share-copy")))
	keepShot(t, ctx, "certificate-share-360.png")

	if w := eval("measure the page", `String(document.documentElement.scrollWidth)`); w != "360" {
		t.Errorf("the certificate page is %s px wide on a 360 px phone", w)
	}
	for _, id := range []string{"share-wa", "share-copy", "share-print", "share-url"} {
		got := eval("measure "+id, `(() => { const r = document.getElementById('`+id+`').getBoundingClientRect();
			return r.width > 0 && r.left >= 0 && r.right <= innerWidth ? 'ok' : [r.left, r.right, r.width].join(','); })()`)
		if got != "ok" {
			t.Errorf("#%s is not within the screen: %s", id, got)
		}
	}
	wa := eval("read the WhatsApp link", `document.getElementById('share-wa').href`)
	u, err := url.Parse(wa)
	if err != nil || u.Host != "wa.me" || !strings.Contains(u.Query().Get("text"), verify) {
		t.Errorf("WhatsApp link %q, want wa.me with the verification link %s", wa, verify)
	}
	if strings.Contains(wa, key) || strings.Contains(wa, "k%3D") {
		t.Errorf("the WhatsApp link carries the download key: %s", wa)
	}
	if strings.Contains(wa, "+") {
		t.Errorf("the WhatsApp text encodes spaces as +, want %%20: %s", wa)
	}

	step("copy the link", chromedp.Tap(chromedp.ID("share-copy")), chromedp.WaitVisible(`#share-status:not(:empty)`))
	if got := eval("read the clipboard", `window.__copied.join('\n') + ' / ' + document.getElementById('share-status').textContent`); got != verify+" / Tautan disalin." {
		t.Errorf("copied / said %q, want %q", got, verify+" / Tautan disalin.")
	}
	step("print", chromedp.Tap(chromedp.ID("share-print")))
	if n := eval("count print dialogs", `String(window.__printed)`); n != "1" {
		t.Errorf("Cetak opened the print dialog %s times, want once", n)
	}
	step("as printed", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	}))
	printed := eval("read the printed page", `['.share', '.steps', '.site-header nav', 'main h1'].map(s => s + ':' + getComputedStyle(document.querySelector(s)).display).join(' ')`)
	if printed != ".share:none .steps:none .site-header nav:none main h1:block" {
		t.Errorf("printed page: %s; want the buttons and steps left out, the name kept", printed)
	}
	if csp := eval("read CSP violations", `window.__csp.join('\n')`); csp != "" {
		t.Errorf("CSP violations:\n%s", csp)
	}
}
