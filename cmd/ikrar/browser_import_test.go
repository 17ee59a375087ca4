package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/web"
)

// uploadProbe records, across the pages of one tab, the upload progress
// events of every XMLHttpRequest and the heading of every page loaded.
const uploadProbe = `(function () {
  var send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (body) {
    this.upload.addEventListener('progress', function (e) {
      sessionStorage.setItem('upload', e.loaded + '/' + e.total);
    });
    return send.call(this, body);
  };
  document.addEventListener('DOMContentLoaded', function () {
    var h = document.querySelector('main h1');
    var seen = JSON.parse(sessionStorage.getItem('pages') || '[]');
    seen.push(h ? h.textContent : '');
    sessionStorage.setItem('pages', JSON.stringify(seen));
  });
})();`

// TestBrowserRosterUpload imports a roster from the organization page in
// Debian's chromium: the file goes up with its progress shown, the upload
// goes on to the import's page, which follows the import and then shows
// the result, with nothing blocked by the page's CSP.
func TestBrowserRosterUpload(t *testing.T) {
	t.Parallel()
	chromium := needTool(t, "chromium", "chromium")
	r := newTrustRegistry(t)
	ctx := t.Context()
	org := r.emps[0].OrgID
	officer := &registry.User{Email: "bkpsdm@deliserdangkab.go.id", Name: "Petugas BKPSDM", Role: registry.RoleAdmin, OrgID: org}
	const password = "rahasia-daerah-2024"
	if err := r.a.svc.CreateUser(ctx, registry.Actor{User: registry.System, IP: "test"}, officer, password); err != nil {
		t.Fatal(err)
	}
	// The upload answers at once with the import's page, so that the
	// page's own following of the import is what shows the result.
	base := "http://" + r.serveHTTP(t, func(o *web.Options) { o.ImportWait = -1 }).Listener.Addr().String()

	const rows = 3000
	var csv strings.Builder
	csv.WriteString("nip;nama;unit_kerja\n")
	for i := range rows {
		fmt.Fprintf(&csv, "1975%02d%02d2001011%03d;Pegawai Unggah %d;Dinas %d\n", 1+i/900%12, 1+i/36%25, 100+i%900, i, i%9)
	}
	file := filepath.Join(t.TempDir(), "pegawai.csv")
	if err := os.WriteFile(file, []byte(csv.String()), 0o600); err != nil {
		t.Fatal(err)
	}

	bctx, _ := newTestBrowser(t, chromium, 90*time.Second)
	step := stepper(t, bctx, 30*time.Second)
	// The first action starts the browser, bound to the context it gets:
	// bctx itself, not a step's shorter one.
	err := chromedp.Do(bctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		for _, src := range []string{cspProbe, uploadProbe} {
			if _, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: src}); err != nil {
				return err
			}
		}
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	step("sign in",
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), officer.Email),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS(`main form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/admin"]`)),
	)
	step("upload the roster",
		chromedp.Navigate(fmt.Sprintf("%s/admin/orgs/%d", base, org)),
		chromedp.WaitVisible(chromedp.ID("file")),
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{file}),
		chromedp.Click(chromedp.CSS(`form[data-upload] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`main .alert-success`)),
	)
	type outcome struct {
		URL, Result, Upload, Pages, CSP string
	}
	got, err := chromedp.Run(bctx, chromedp.Evaluate[outcome](`({URL: location.pathname,
		Result: document.querySelector('main .alert-success').textContent,
		Upload: sessionStorage.getItem('upload') || '', Pages: sessionStorage.getItem('pages') || '',
		CSP: window.__csp.join('\n')})`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got.URL, "/admin/imports/") {
		t.Errorf("the result is at %s, want the import's page", got.URL)
	}
	if want := fmt.Sprintf("%s pegawai baru", formatID(rows)); !strings.Contains(got.Result, want) {
		t.Errorf("result %q, want %q", got.Result, want)
	}
	// The file went up through the script, which saw all of it go.
	if n, total, ok := strings.Cut(got.Upload, "/"); !ok || n != total || n == "0" {
		t.Errorf("upload progress %q, want the whole file reported", got.Upload)
	}
	if got.CSP != "" {
		t.Errorf("CSP violations:\n%s", got.CSP)
	}
	// The tab went from the organization page to the import's page and
	// to its result without anyone reloading; the progress page shows in
	// between when the import outlasts the redirect.
	if !strings.HasSuffix(got.Pages, `"Hasil impor pegawai.csv"]`) || strings.Count(got.Pages, "Hasil impor") != 1 {
		t.Errorf("pages seen: %s", got.Pages)
	}
	t.Logf("pages seen: %s", got.Pages)
}

// formatID writes n as Indonesian pages group it: 3.000.
func formatID(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "." + s[i:]
	}
	return s
}
