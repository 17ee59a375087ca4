package main

import (
	"context"
	"database/sql"
	"encoding/base32"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/ikrar-id/ikrar/internal/leaf"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// browserCheck is what the verification page's own check in the browser
// concluded (section#browser-check, static/js/verify.js).
type browserCheck struct {
	Result string // valid, revoked, invalid, notfound; offline-… offline
	Failed string // the first check that failed
	Text   string // what the box says
	Server string // the server's verdict on the same page, if any
	CSP    string // what the page's CSP blocked
}

// browserCheckJS reads a verification page's browserCheck.
const browserCheckJS = `(() => {
	const b = document.getElementById('browser-check'), s = document.querySelector('main > .verdict strong');
	return {Result: b.dataset.result, Failed: b.dataset.failed || '', Text: b.innerText,
		Server: s ? s.textContent : '', CSP: window.__csp.join('\n')};
})()`

// TestBrowserVerify checks a certificate the way the public does, in
// chromium: the page's script recomputes the checkpoint signature, the
// leaf, the inclusion proof, the revocation list and the QR claim with
// WebCrypto, and its verdict must agree with the server's for a valid, a
// revoked, a tampered and an unknown certificate. Then the registry goes
// away and a certificate URL visited fresh still verifies, from the
// service worker's cache: a genuine QR, a revoked one, an altered one.
func TestBrowserVerify(t *testing.T) {
	t.Parallel()
	chromium := needTool(t, "chromium", "chromium")
	r := seededTrustRegistry(t)
	ts := r.serveHTTP(t)
	base := ts.URL
	// Claims v1, as certificates issued before claims bound the host carry.
	qr := func(i int) string {
		claim := leaf.Claim(r.sigs[i])
		token, err := r.a.keys.SignClaim(claim)
		if err != nil {
			t.Fatal(err)
		}
		return translog.FormatQR(base, claim, token)
	}
	genuine, revoked, tampered, fresh := qr(0), qr(1), qr(3), qr(5)
	tamperDB(t, r.dir, func(exec func(string, ...any) sql.Result) {
		exec(`UPDATE signatures SET signed_at = signed_at + 60000 WHERE id = ?`, r.sigs[3].ID)
	})

	ctx, _ := newTestBrowser(t, chromium, 90*time.Second)
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspProbe})
		return err
	}))
	if err != nil {
		t.Fatal(err)
	}
	check := func(name, url string) browserCheck {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(`#browser-check[data-result]`))); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, pageState(ctx))
		}
		got, err := chromedp.Run(sctx, chromedp.Evaluate[browserCheck](browserCheckJS))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got.CSP != "" {
			t.Errorf("%s: CSP violations:\n%s", name, got.CSP)
		}
		return got
	}
	apiStatus := func(code string) string {
		res, err := http.Get(base + "/api/v1/certificates/" + code)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var v struct{ Status string }
		if res.StatusCode == http.StatusNotFound {
			return "notfound"
		}
		if err := json.NewDecoder(res.Body).Decode(&v); err != nil {
			t.Fatal(err)
		}
		return v.Status
	}

	// Online: the browser agrees with the server, page and API.
	for _, c := range []struct {
		name, url, code, want, server, failed string
	}{
		{"valid, from its QR", genuine, r.sigs[0].Code, "valid", "SAH", ""},
		{"valid, code typed", base + "/v/" + r.sigs[2].Code, r.sigs[2].Code, "valid", "SAH", ""},
		{"revoked", revoked, r.sigs[1].Code, "revoked", "DICABUT", ""},
		// The record's signing time was moved in the database: it is no
		// longer the leaf the log proves, and no longer what the QR signed.
		{"tampered", tampered, r.sigs[3].Code, "invalid", "TIDAK SAH", "inclusion"},
		{"unknown", base + "/v/ZZZZZZZZZZZZ", "ZZZZZZZZZZZZ", "notfound", "TIDAK DITEMUKAN", ""},
	} {
		got := check(c.name, c.url)
		if got.Result != c.want || got.Failed != c.failed || got.Server != c.server {
			t.Errorf("%s: browser %q (failed %q), server %q; want browser %q (failed %q) beside server %q\n%s",
				c.name, got.Result, got.Failed, got.Server, c.want, c.failed, c.server, got.Text)
		}
		if api := apiStatus(c.code); api != c.want {
			t.Errorf("%s: API status %q, browser %q", c.name, api, got.Result)
		}
		if !strings.Contains(got.Text, "Pemeriksaan di peramban ini") {
			t.Errorf("%s: the box does not say it is the browser's check:\n%s", c.name, got.Text)
		}
	}

	// Claims v2 (/V/CODE/CLAIM), where the registry answers them.
	v2online := []struct{ name, url, want, failed, server string }{
		{"valid, claim v2", r.qrTextV2(t, r.sigs[2], base), "valid", "", "SAH"},
		{"revoked, claim v2", r.qrTextV2(t, r.sigs[1], base), "revoked", "", "DICABUT"},
		{"tampered, claim v2", r.qrTextV2(t, r.sigs[3], base), "invalid", "inclusion", "TIDAK SAH"},
	}
	if res, err := http.Get(strings.ToLower(v2online[0].url)); err != nil || res.StatusCode == http.StatusNotFound {
		t.Logf("this registry does not answer /v/CODE/CLAIM (%v): claims v2 are checked offline only", err)
		v2online = nil
	} else {
		res.Body.Close()
	}
	for _, c := range v2online {
		if got := check(c.name, c.url); got.Result != c.want || got.Failed != c.failed || got.Server != c.server {
			t.Errorf("%s: browser %q (failed %q), server %q; want %q (failed %q) beside %q\n%s", c.name, got.Result, got.Failed, got.Server, c.want, c.failed, c.server, got.Text)
		}
	}

	// A registry that names a revoked record's revocation leaf (API
	// revocation.log) has it recomputed and proved; one that shows another
	// reason than the one logged is caught.
	proxy, lie := revocationLogProxy(t, base, r.sigs[1])
	if got := check("revoked, its leaf given", proxy+"/v/"+r.sigs[1].Code); got.Result != "revoked" || !strings.Contains(got.Text, "revocation ✓") {
		t.Errorf("revoked, its revocation leaf given: browser %q, want revoked with the revocation leaf checked\n%s", got.Result, got.Text)
	}
	lie.Store(true)
	if got := check("revoked, reason edited", proxy+"/v/"+r.sigs[1].Code); got.Result != "invalid" || got.Failed != "revocation" {
		t.Errorf("revoked, another reason shown than logged: browser %q (failed %q), want invalid (revocation)\n%s", got.Result, got.Failed, got.Text)
	}

	// A claim altered in the QR (its event number) fails the claim check
	// online, though the record is fine.
	altered := strings.Replace(fresh, "?e=", "?e=9", 1)
	if got := check("altered claim online", altered); got.Result != "invalid" || got.Failed != "claim" {
		t.Errorf("altered claim online: browser %q (failed %q), want invalid (claim)\n%s", got.Result, got.Failed, got.Text)
	}

	// The log grew since this browser last checked: the checkpoint it
	// kept must be the beginning of the new one, by a consistency proof.
	r.sign(t)
	got := check("after the log grew", genuine)
	if got.Result != "valid" || !strings.Contains(got.Text, "consistency ✓ sejak checkpoint 8") || !strings.Contains(got.Text, "per checkpoint 9") {
		t.Errorf("after the log grew: browser %q, want valid with a consistency proof from checkpoint 8 to 9\n%s", got.Result, got.Text)
	}
	// From a checkpoint whose size is no power of two, the proof's every
	// branch is taken: checkpoint 7, the registry's first.
	_, cp7 := httpGet(t, base+"/api/v1/log/checkpoint/7")
	lines := strings.Split(string(cp7), "\n")
	evalJS(t, ctx, `localStorage.setItem('ikrar-checkpoint', JSON.stringify({origin: '`+lines[0]+`', size: 7, root: '`+lines[2]+`'})) || ''`)
	if got := check("from checkpoint 7", genuine); got.Result != "valid" || !strings.Contains(got.Text, "consistency ✓ sejak checkpoint 7") {
		t.Errorf("from checkpoint 7: browser %q, want valid with a consistency proof from checkpoint 7\n%s", got.Result, got.Text)
	}
	// A device that saw another history of the log (here: its kept root
	// altered) refuses the registry's.
	evalJS(t, ctx, `(() => { const k = JSON.parse(localStorage.getItem('ikrar-checkpoint'));
		k.size = 7; k.root = btoa('x'.repeat(32)); localStorage.setItem('ikrar-checkpoint', JSON.stringify(k)); return ''; })()`)
	if got := check("another history", genuine); got.Result != "invalid" || got.Failed != "consistency" {
		t.Errorf("a log that does not extend the one this device saw: browser %q (failed %q), want invalid (consistency)\n%s", got.Result, got.Failed, got.Text)
	}
	evalJS(t, ctx, `localStorage.removeItem('ikrar-checkpoint') || ''`)

	// The service worker is in charge before the network goes.
	if scope := evalAwait(t, ctx, `navigator.serviceWorker.ready.then(r => r.scope)`); scope != base+"/" {
		t.Fatalf("service worker scope %q, want %s/", scope, base)
	}

	// The shell kept follows the language chosen online.
	for _, c := range []struct{ lang, text string }{{"en", "Checking a certificate without a network"}, {"id", "Pemeriksaan sertifikat tanpa jaringan"}} {
		if got := check("in language "+c.lang, addQuery(genuine, "lang="+c.lang)); got.Result != "valid" {
			t.Fatalf("with lang=%s: browser %q\n%s", c.lang, got.Result, got.Text)
		}
		kept := ""
		for range 50 {
			kept = evalAwait(t, ctx, `caches.keys().then(ks => caches.open(ks[0])).then(c => c.match('/v/luring')).then(r => r ? r.text() : '')`)
			if strings.Contains(kept, c.text) {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if !strings.Contains(kept, c.text) {
			t.Errorf("after a visit with lang=%s the kept shell does not say %q", c.lang, c.text)
		}
	}

	// Offline: the registry is gone. URLs never visited, in another case.
	ts.Close()
	upper := strings.Replace(fresh, "/v/", "/V/", 1)
	v2 := r.qrTextV2(t, r.sigs[4], base)
	// The signing time's first character (the claim is the last 138).
	at := len(v2) - 138
	v2altered := v2[:at] + map[bool]string{true: "B", false: "A"}[v2[at] == 'A'] + v2[at+1:]
	for _, c := range []struct {
		name, url, want string
	}{
		{"genuine QR", fresh, "offline-valid"},
		{"genuine QR, upper-case path", upper, "offline-valid"},
		{"revoked QR", addQuery(revoked, "x=1"), "offline-revoked"},
		{"altered QR", addQuery(altered, "x=1"), "offline-invalid"},
		{"genuine QR, claim v2", v2, "offline-valid"},
		{"altered QR, claim v2", v2altered, "offline-invalid"},
	} {
		got := check("offline "+c.name, c.url)
		if got.Result != c.want {
			t.Errorf("offline %s: browser %q, want %q\n%s", c.name, got.Result, c.want, got.Text)
		}
		if !strings.Contains(got.Text, "Pemeriksaan luring per checkpoint 9") {
			t.Errorf("offline %s: the box does not say it checked offline as of checkpoint 9 (the list kept at the last online visit):\n%s", c.name, got.Text)
		}
	}
}

// revocationLogProxy stands in front of the registry at base and adds to
// the API's answer for the revoked record sig what the API is to give
// (revocation.log: the revocation leaf's index, hash and bytes); after
// lie.Store(true) it also answers another reason than the one logged.
func revocationLogProxy(t *testing.T, base string, sig registry.Signature) (string, *atomic.Bool) {
	t.Helper()
	if sig.Revocation == nil {
		t.Fatalf("%s is not revoked", sig.Code)
	}
	leaf := leaf.Revocation(sig, *sig.Revocation)
	lie := new(atomic.Bool)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		res, err := http.Get(base + req.URL.String())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		if req.URL.Path == "/api/v1/certificates/"+sig.Code {
			var rec map[string]any
			if err := json.Unmarshal(body, &rec); err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			rv, _ := rec["revocation"].(map[string]any)
			if rv == nil {
				http.Error(w, "not revoked", http.StatusBadGateway)
				return
			}
			rv["log"] = map[string]any{"index": sig.Revocation.LeafIndex, "leaf_hash": leaf.Hash().String(), "preimage": leaf.Encode()}
			if lie.Load() {
				rv["reason"] = "Salah ketik"
			}
			body, _ = json.Marshal(rec)
		}
		w.Header().Set("Content-Type", res.Header.Get("Content-Type"))
		w.WriteHeader(res.StatusCode)
		w.Write(body)
	}))
	t.Cleanup(proxy.Close)
	return proxy.URL, lie
}

// addQuery adds a query parameter to a URL: a URL not visited yet, for
// the browser.
func addQuery(u, q string) string {
	if strings.Contains(u, "?") {
		return u + "&" + q
	}
	return u + "?" + q
}

func evalJS(t *testing.T, ctx context.Context, js string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[string](js)); err != nil {
		t.Fatalf("%s: %v", js, err)
	}
}

// evalAwait evaluates a promise of a string.
func evalAwait(t *testing.T, ctx context.Context, js string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

// newTestBrowser opens a tab that lives at most limit and returns its
// context, which starts at its first use, and what closes the tab. The tab
// is the package's shared chromium's, in a browser context of its own;
// extra command-line options (a forced dark mode) start a chromium for the
// test alone.
func newTestBrowser(t *testing.T, chromium string, limit time.Duration, extra ...chromedp.ExecAllocatorOption) (context.Context, context.CancelFunc) {
	t.Helper()
	if len(extra) == 0 {
		browserCtx, cancelBrowser := context.WithTimeout(sharedBrowser(t, chromium), limit)
		t.Cleanup(cancelBrowser)
		ctx, cancelTab := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
		t.Cleanup(cancelTab)
		return ctx, cancelTab
	}
	browserCtx, cancelBrowser := context.WithTimeout(t.Context(), limit)
	t.Cleanup(cancelBrowser)
	opts := append(chromiumOptions(chromium), chromedp.UserDataDir(t.TempDir()))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(browserCtx, append(opts, extra...)...)
	t.Cleanup(cancelAlloc)
	ctx, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithLogf(t.Logf))
	t.Cleanup(cancelTab)
	return ctx, cancelTab
}

// qrTextV2 is the QR text of a record with a claim v2, built and signed
// here from docs/FORMATS.md §5 alone: HTTPS://HOST/V/CODE/CLAIM in upper
// case (here http, as the test server is), CLAIM the base32 of the
// signing time (6 bytes, Unix ms), the first 16 bytes of the record's leaf
// hash and the Ed25519 signature of "ikrar-claim/v2" 0x00 and the lines
// origin, host, code, time, leaf-hash prefix in hex.
func (r *trustRegistry) qrTextV2(t *testing.T, sig registry.Signature, baseURL string) string {
	t.Helper()
	u, err := url.Parse(baseURL)
	if err != nil {
		t.Fatal(err)
	}
	leaf := leaf.Signature(sig).Hash()
	ms := sig.SignedAt.UnixMilli()
	msg := fmt.Sprintf("ikrar-claim/v2\x00%s\n%s\n%s\n%d\n%s\n", r.a.keys.Name(), strings.ToLower(u.Host), sig.Code, ms, hex.EncodeToString(leaf[:16]))
	signature, err := r.a.keys.Signer().Sign([]byte(msg))
	if err != nil {
		t.Fatal(err)
	}
	claim := binary.BigEndian.AppendUint64(nil, uint64(ms))[2:]
	claim = append(claim, leaf[:16]...)
	claim = append(claim, signature...)
	return strings.ToUpper(baseURL + "/V/" + sig.Code + "/" + base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(claim))
}
