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
)

// TestBrowserPaperSignature: an operator at a 1366×768 desktop, in
// Debian's chromium, opens the event's paper page from the event page,
// finds a participant by NIP, picks her, uploads the PNG scan of her
// signed pakta and names the witness; the page says it is recorded, and
// the live dashboard counts her as signed. Nothing is blocked by the CSP.
func TestBrowserPaperSignature(t *testing.T) {
	t.Parallel()
	chromium := needTool(t, "chromium", "chromium")
	r := newTrustRegistry(t)
	r.sign(t)
	ctx := t.Context()
	operator := &registry.User{Email: "operator@deliserdangkab.go.id", Name: "Operator Upacara", Role: registry.RoleOperator, OrgID: r.event.OrgID}
	const password = "rahasia-daerah-2024"
	if err := r.a.svc.CreateUser(ctx, registry.Actor{User: registry.System, IP: "test"}, operator, password); err != nil {
		t.Fatal(err)
	}
	before, err := r.a.db.EventStats(ctx, r.event)
	if err != nil {
		t.Fatal(err)
	}
	base := r.serveHTTP(t).URL
	emp := r.emps[r.next]

	file := filepath.Join(t.TempDir(), "pakta.png")
	if err := os.WriteFile(file, scanPNG(t, 620, 877), 0o600); err != nil {
		t.Fatal(err)
	}

	bctx, _ := newTestBrowser(t, chromium, 60*time.Second)
	step := stepper(t, bctx, 20*time.Second)
	// The first action starts the browser, bound to bctx itself.
	err = chromedp.Do(bctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspProbe})
		return err
	}), chromedp.EmulateViewport(1366, 768))
	if err != nil {
		t.Fatal(err)
	}
	step("sign in",
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), operator.Email),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS(`main form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/admin"]`)),
	)
	paperPage := fmt.Sprintf("/admin/events/%d/paper", r.event.ID)
	step("open the paper page from the event page",
		chromedp.Navigate(fmt.Sprintf("%s/admin/events/%d", base, r.event.ID)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="`+paperPage+`"]`)),
		chromedp.Click(chromedp.CSS(`a[href="`+paperPage+`"]`)),
		chromedp.WaitVisible(chromedp.ID("q")),
	)
	step("find her by NIP and record the paper signature",
		chromedp.SendKeys(chromedp.ID("q"), emp.NIP),
		chromedp.Click(chromedp.CSS(`main form[method=get] button[type=submit]`)),
		// The page before the search offers her too: wait for the
		// search's own page, or the click lands on the page going away.
		chromedp.WaitVisible(chromedp.CSS(`#q[value="`+emp.NIP+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name=nip][value="`+emp.NIP+`"]`)),
		chromedp.Click(chromedp.CSS(`input[name=nip][value="`+emp.NIP+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name=nip][value="`+emp.NIP+`"]:checked`)),
		chromedp.SetUploadFiles(chromedp.ID("scan"), []string{file}),
		chromedp.SendKeys(chromedp.ID("witness_name"), "Ir. Made Sudarsana (Bawaslu)"),
		chromedp.Click(chromedp.CSS(`#paper-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("paper-done")),
	)
	type outcome struct{ Done, Link, Path, Candidates, CSP string }
	got, err := chromedp.Run(bctx, chromedp.Evaluate[outcome](`({Done: document.getElementById('paper-done').textContent,
		Link: document.querySelector('#paper-done a').getAttribute('href'),
		Path: location.pathname, Candidates: [...document.querySelectorAll('input[name=nip]')].map(i => i.value).join(' '),
		CSP: window.__csp.join('\n')})`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got.Done, emp.FullName()) || got.Path != paperPage {
		t.Errorf("after recording: %q at %s, want her name on the paper page", got.Done, got.Path)
	}
	if strings.Contains(got.Candidates, emp.NIP) {
		t.Errorf("she is still offered after recording: %s", got.Candidates)
	}

	step("the live dashboard",
		chromedp.Navigate(fmt.Sprintf("%s/admin/events/%d/dashboard", base, r.event.ID)),
		chromedp.WaitVisible(chromedp.CSS(`[data-live=signed]`)),
	)
	signed, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.querySelector('[data-live=signed]').textContent.trim()`))
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprint(before.Signed + 1); signed != want {
		t.Errorf("the dashboard counts %s signed, want %s (one more, on paper)", signed, want)
	}
	csp, err := chromedp.Run(bctx, chromedp.Evaluate[string](`window.__csp.join('\n')`))
	if err != nil {
		t.Fatal(err)
	}
	if got.CSP+csp != "" {
		t.Errorf("CSP violations:\n%s\n%s", got.CSP, csp)
	}
	// The public verification page's own check recomputes the paper
	// record's leaf, scan line included, and agrees with the server.
	code := strings.TrimPrefix(got.Link, "/admin/certificates/")
	r.checkpoint(t)
	step("verify it in the browser",
		chromedp.Navigate(base+"/v/"+code),
		chromedp.WaitVisible(chromedp.CSS(`#browser-check[data-result]`)),
	)
	check, err := chromedp.Run(bctx, chromedp.Evaluate[browserCheck](browserCheckJS))
	if err != nil {
		t.Fatal(err)
	}
	if check.Result != "valid" || check.Server != "SAH" || check.CSP != "" {
		t.Errorf("verification of the paper record %s: browser %q (failed %q), server %q, CSP %q\n%s", code, check.Result, check.Failed, check.Server, check.CSP, check.Text)
	}
	after, err := r.a.db.EventStats(ctx, r.event)
	if err != nil || after.Paper != 1 {
		t.Errorf("stats after the page: %+v (%v), want one on paper", after, err)
	}
}
