package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
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
	"github.com/ikrar-id/ikrar/internal/report"
)

// TestBrowserWitnessesAndSignedBA: on a 360×740 phone in Debian's
// chromium, an officer adds a witness on the event's page and uploads a
// Berita Acara back; the witness is listed, the upload without an
// electronic signature is kept with the warning in view, the page does
// not scroll sideways, and the CSP blocks nothing.
func TestBrowserWitnessesAndSignedBA(t *testing.T) {
	t.Parallel()
	chromium := needTool(t, "chromium", "chromium")
	r := newTrustRegistry(t)
	ctx := t.Context()
	officer := &registry.User{Email: "operator@deliserdangkab.go.id", Name: "Operator Acara", Role: registry.RoleOperator, OrgID: r.event.OrgID}
	const password = "rahasia-daerah-2024"
	if err := r.a.svc.CreateUser(ctx, registry.Actor{User: registry.System, IP: "test"}, officer, password); err != nil {
		t.Fatal(err)
	}
	base := r.serve(t)
	var ba bytes.Buffer
	if err := report.WriteBeritaAcaraPDF(&ba, report.BeritaAcara{EventHeader: report.EventHeader{Event: r.event},
		Pledge: registry.DefaultPledge(), Date: time.Now(), Generated: time.Now()}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "berita-acara.pdf")
	if err := os.WriteFile(file, ba.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}

	bctx, _ := newTestBrowser(t, chromium, 90*time.Second)
	err := chromedp.Do(bctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspProbe})
		return err
	}))
	if err != nil {
		t.Fatal(err)
	}
	step := stepper(t, bctx, 30*time.Second)
	eventPage := fmt.Sprintf("%s/admin/events/%d", base, r.event.ID)
	step("sign in on a phone",
		chromedp.EmulateViewport(360, 740, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), officer.Email),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS(`main form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/admin"]`)),
	)
	step("add a witness",
		chromedp.Navigate(eventPage),
		chromedp.WaitVisible(chromedp.ID("w-name")),
		chromedp.SendKeys(chromedp.ID("w-name"), "Rina Marpaung, S.Sos."),
		chromedp.SendKeys(chromedp.ID("w-position"), "Ketua"),
		chromedp.SendKeys(chromedp.ID("w-institution"), "Bawaslu Kabupaten Deli Serdang"),
		chromedp.Click(chromedp.CSS(`#saksi form button[type=submit].btn-primary`)),
		chromedp.WaitVisible(chromedp.CSS(`#saksi table`)),
	)
	step("upload the Berita Acara",
		chromedp.SetUploadFiles(chromedp.ID("ba-file"), []string{file}),
		chromedp.Click(chromedp.CSS(`#ba form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#ba .alert-error`)),
	)
	type outcome struct {
		Witnesses, Alert, Documents, CSP string
		AlertTop, ScrollW, ViewH         float64
	}
	got, err := chromedp.Run(bctx, chromedp.Evaluate[outcome](`(() => {
		const alert = document.querySelector('#ba .alert-error');
		return {Witnesses: document.querySelector('#saksi table').textContent, Alert: alert.textContent,
			Documents: document.querySelector('#ba table').textContent, CSP: window.__csp.join('\n'),
			AlertTop: alert.getBoundingClientRect().top, ScrollW: document.documentElement.scrollWidth, ViewH: innerHeight};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Rina Marpaung, S.Sos.", "Ketua", "Bawaslu Kabupaten Deli Serdang"} {
		if !strings.Contains(got.Witnesses, want) {
			t.Errorf("the witnesses' table %q does not show %q", got.Witnesses, want)
		}
	}
	if !strings.Contains(got.Alert, "PDF ini tidak memuat tanda tangan elektronik.") {
		t.Errorf("after an unsigned upload the page says %q", got.Alert)
	}
	if got.AlertTop < 0 || got.AlertTop > got.ViewH {
		t.Errorf("the warning is at %.0f px, outside the %.0f px viewport the upload landed on", got.AlertTop, got.ViewH)
	}
	if !strings.Contains(got.Documents, officer.Name) || !strings.Contains(got.Documents, sha256Hex(ba.Bytes())) {
		t.Errorf("the documents' table %q does not show who uploaded it and its SHA-256", got.Documents)
	}
	if got.ScrollW > 360 {
		t.Errorf("the event page is %.0f px wide on a 360 px phone", got.ScrollW)
	}
	if got.CSP != "" {
		t.Errorf("CSP violations:\n%s", got.CSP)
	}
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
