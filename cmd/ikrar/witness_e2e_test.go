package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/ikrar-id/ikrar"
	"github.com/ikrar-id/ikrar/internal/config"
	"github.com/ikrar-id/ikrar/internal/leaf"
	"github.com/ikrar-id/ikrar/internal/translog"
	"github.com/ikrar-id/ikrar/internal/web"
)

// regency is one of the three registries of the witnessing test.
type regency struct {
	*trustRegistry
	origin  string
	ts      *httptest.Server
	base    string
	witness *translog.Cosigner
	tl      web.Transparency
	dir     string // files: witness-for, witnesses, keys
}

// TestThreeRegenciesWitnessEachOther starts three registries on loopback,
// each witnessing the other two, with a quorum of one: every registry's
// checkpoints get cosigned, a fork signed with a registry's own key is
// refused by its witnesses, and a client that requires the quorum
// refuses the forked checkpoint a registry could show it alone.
func TestThreeRegenciesWitnessEachOther(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	regs := make([]*regency, 3)
	for i := range regs {
		origin := fmt.Sprintf("kab-%d.test/ikrar", i+1)
		r := &regency{trustRegistry: newTrustRegistryNamed(t, origin), origin: origin, dir: t.TempDir()}
		r.ts = httptest.NewUnstartedServer(nil)
		t.Cleanup(r.ts.Close)
		r.base = "http://" + r.ts.Listener.Addr().String()
		host, _ := translog.ClaimHost(r.base)
		w, err := translog.LoadOrCreateCosigner(filepath.Join(r.trustRegistry.dir, "keys"), host+"/witness")
		if err != nil {
			t.Fatal(err)
		}
		r.witness = w
		// What `ikrar key list --witness` prints is what the others list.
		if code, out := runTrust(t, "key", "list", "--witness", "--data", r.trustRegistry.dir); code != 0 || strings.TrimSpace(out) != w.VerifierKey() {
			t.Fatalf("key list --witness: %d %q, want %q", code, out, w.VerifierKey())
		}
		regs[i] = r
	}
	// The officers exchange keys: each lists the two others' logs and
	// witnesses.
	for i, r := range regs {
		var witnessFor, witnesses strings.Builder
		for j, o := range regs {
			if i == j {
				continue
			}
			for _, k := range o.a.keys.VerifierKeys() {
				fmt.Fprintf(&witnessFor, "%s %s\n", o.origin, k)
			}
			fmt.Fprintf(&witnesses, "%s %s/log/witness\n", o.witness.VerifierKey(), o.base)
		}
		writeFile(t, filepath.Join(r.dir, "witness-for"), witnessFor.String())
		writeFile(t, filepath.Join(r.dir, "witnesses"), witnesses.String())
		writeFile(t, filepath.Join(r.dir, "keys"), strings.Join(r.a.keys.VerifierKeys(), "\n")+"\n")
	}
	log := slog.New(slog.DiscardHandler)
	for _, r := range regs {
		cfg, err := config.Serve([]string{"--data", r.trustRegistry.dir, "--base-url", r.base, "--log-origin", r.origin,
			"--witness-for", filepath.Join(r.dir, "witness-for"), "--witnesses", filepath.Join(r.dir, "witnesses"), "--witness-quorum", "1"},
			func(string) string { return "" }, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		cp := &translog.Checkpointer{Store: r.a.db, Keys: r.a.keys, MinInterval: 10 * time.Millisecond, Now: time.Now, Log: log}
		r.tl = web.Transparency{Store: r.a.db, Keys: r.a.keys, Checkpointer: cp}
		if err := witnessing(cfg, r.a, &r.tl, log); err != nil {
			t.Fatal(err)
		}
		r.tl.Cosigned.MaxBackoff = 200 * time.Millisecond
		srv, err := web.New(web.Options{BaseURL: r.base, Templates: ikrar.Templates, Static: ikrar.Static, DownloadKey: r.a.secrets.Download},
			r.a.svc, r.a.db, mustCertRenderer(t), r.tl, log)
		if err != nil {
			t.Fatal(err)
		}
		r.ts.Config.Handler = srv.Handler()
		r.ts.Start()
	}
	done := make(chan struct{})
	for _, r := range regs {
		go func() { cp := r.tl.Checkpointer; cp.Run(ctx, r.a.db.Appended()); done <- struct{}{} }()
		go func() { r.tl.Cosigned.Run(ctx); done <- struct{}{} }()
	}
	defer func() {
		cancel()
		for range 2 * len(regs) {
			<-done
		}
	}()

	// Signing on all three gets cosigned checkpoints, and every client
	// check that requires the quorum passes.
	for _, r := range regs {
		r.sign(t)
		r.sign(t)
	}
	for i, r := range regs {
		waitCosigned(t, r, 2, 2)
		if code, out := runTrust(t, "audit", "--remote", r.base, "--since", filepath.Join(r.dir, "kept"), "--update",
			"--key", filepath.Join(r.dir, "keys"), "--witnesses", filepath.Join(r.dir, "witnesses"), "--witness-quorum", "1"); code != 0 ||
			!strings.Contains(out, "witness") {
			t.Fatalf("registry %d: audit --remote with the quorum: %d\n%s", i+1, code, out)
		}
		claim := leaf.Claim(r.sigs[0])
		token, err := r.a.keys.SignClaim(claim)
		if err != nil {
			t.Fatal(err)
		}
		if code, out := runTrust(t, "verify", "--qr", translog.FormatQR(r.base, claim, token), "--key", filepath.Join(r.dir, "keys"),
			"--online", r.base, "--witnesses", filepath.Join(r.dir, "witnesses")); code != 0 || strings.Count(out, "cosigned at") != 2 {
			t.Fatalf("registry %d: verify --online requiring both witnesses: %d\n%s", i+1, code, out)
		}
		// A client that trusts only a witness this registry never asked.
		if i == 0 {
			skey, _ := translog.GenerateCosignerKey("saksi-lain.test/witness")
			stranger, _ := translog.NewCosigner(skey)
			writeFile(t, filepath.Join(r.dir, "other-witnesses"), stranger.VerifierKey()+"\n")
			if code, out := runTrust(t, "verify", "--qr", translog.FormatQR(r.base, claim, token), "--key", filepath.Join(r.dir, "keys"),
				"--online", r.base, "--witnesses", filepath.Join(r.dir, "other-witnesses")); code == 0 || !strings.Contains(out, "NOT WITNESSED") {
				t.Fatalf("verify --online accepted a checkpoint its one trusted witness never cosigned: %d\n%s", code, out)
			}
		}
		v := fetchVerdict(t, r.base, r.sigs[1].Code)
		if v.Status != "valid" || !hasCheck(v, "witnesses", true) {
			t.Fatalf("registry %d: the page's verdict %+v, want valid with a passed witnesses check", i+1, v.Verdict)
		}
	}

	// An insider of registry 3 appends today a record that says it was
	// signed a month ago: the witnesses' clocks give it away.
	c := regs[2]
	c.a.svc.Now = func() time.Time { return time.Now().Add(-30 * 24 * time.Hour) }
	old := c.sign(t)
	c.a.svc.Now = time.Now
	waitCosigned(t, c, 3, 2)
	code, out := runTrust(t, "audit", "--data", c.trustRegistry.dir, "--key", filepath.Join(c.dir, "keys"),
		"--witnesses", filepath.Join(c.dir, "witnesses"), "--witness-quorum", "1")
	if code == 0 || !strings.Contains(out, old.Code) || !strings.Contains(out, "back-dated") || !strings.Contains(out, "1 problem(s)") {
		t.Errorf("audit --data did not flag the one back-dated record %s: %d\n%s", old.Code, code, out)
	}

	// Registry 1 signs, with its own key, a checkpoint of a history its
	// witnesses never saw: the size they cosigned with another root, and
	// a larger tree that does not extend it.
	a, b := regs[0], regs[1]
	kept, _, err := b.a.db.Witnessed(ctx, a.origin)
	if err != nil || kept.Size == 0 {
		t.Fatalf("registry 2 keeps no state of registry 1: %+v %v", kept, err)
	}
	forged := func(size int64, seed string) []byte {
		root := tlog.RecordHash([]byte(seed))
		msg, err := a.a.keys.SignCheckpoint(translog.Checkpoint{Origin: a.origin, Size: size, Root: root})
		if err != nil {
			t.Fatal(err)
		}
		return msg
	}
	sameSize := forged(kept.Size, "rewritten")
	larger := forged(kept.Size+1, "rewritten and grown")
	realProof, err := translog.ConsistencyProof(kept.Size-1, kept.Size, a.a.db.HashReader(ctx))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range regs[1:] {
		for _, sub := range []struct {
			name string
			body string
			want int
		}{
			{"same size, another root", fmt.Sprintf("old %d\n\n%s", kept.Size, sameSize), http.StatusConflict},
			{"larger, with a proof that does not hold", fmt.Sprintf("old %d\n%s\n%s", kept.Size, translog.EncodeProof(realProof), larger), http.StatusUnprocessableEntity},
			{"larger, from the start", fmt.Sprintf("old 0\n\n%s", larger), http.StatusConflict},
		} {
			resp, err := http.Post(w.base+"/log/witness/add-checkpoint", "text/plain", strings.NewReader(sub.body))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != sub.want {
				t.Errorf("witness %s, fork %q: %d, want %d", w.origin, sub.name, resp.StatusCode, sub.want)
			}
		}
		if st, _, _ := w.a.db.Witnessed(ctx, a.origin); st != kept {
			t.Errorf("witness %s moved to %d after the fork was refused", w.origin, st.Size)
		}
	}

	// What a registry could show one victim alone: the forked checkpoint,
	// bare or with the genuine checkpoint's cosignatures pasted on. A
	// client requiring the quorum refuses both; without it, the bare one
	// passes, which is why the quorum is asked.
	genuine := waitCosigned(t, a, 2, 2)
	_, lines, _ := strings.Cut(string(genuine), "\n\n")
	pasted := string(sameSize) + strings.Join(strings.SplitAfter(lines, "\n")[1:], "")
	for _, fake := range []string{string(sameSize), pasted} {
		split := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/api/v1/log/checkpoint" {
				io.WriteString(w, fake)
				return
			}
			http.NotFound(w, r)
		}))
		since := filepath.Join(t.TempDir(), "kept")
		code, out := runTrust(t, "audit", "--remote", split.URL, "--since", since, "--update",
			"--key", filepath.Join(a.dir, "keys"), "--witnesses", filepath.Join(a.dir, "witnesses"), "--witness-quorum", "1")
		if code == 0 || !strings.Contains(out, "required witnesses") {
			t.Errorf("a client requiring the quorum accepted the fork: %d\n%s", code, out)
		}
		if _, err := os.Stat(since); err == nil {
			t.Errorf("the refused fork was kept as the audit's checkpoint")
		}
		split.Close()
	}

	// A monitor walking registry 3's public entries sees the same record
	// out of order among its neighbours.
	if code, out := runTrust(t, "monitor", c.base, "--state", t.TempDir(), "--key", filepath.Join(c.dir, "keys")); code != 1 ||
		!strings.Contains(out, old.Code) || !strings.Contains(out, "back-dated") {
		t.Errorf("the monitor of registry 3 did not report the back-dated record %s: %d\n%s", old.Code, code, out)
	}

	// A monitor of registry 1 walks its entries and remembers them; later
	// the registry shows it an older checkpoint (a restored backup, or a
	// view kept for one victim): the monitor reports the rollback, with
	// both signed checkpoints as evidence.
	monState := t.TempDir()
	if code, out := runTrust(t, "monitor", a.base, "--state", monState, "--key", filepath.Join(a.dir, "keys")); code != 0 {
		t.Fatalf("monitor of registry 1: %d\n%s", code, out)
	}
	olderRoot, err := translog.TreeHash(1, a.a.db.HashReader(ctx))
	if err != nil {
		t.Fatal(err)
	}
	olderNote, err := a.a.keys.SignCheckpoint(translog.Checkpoint{Origin: a.origin, Size: 1, Root: olderRoot})
	if err != nil {
		t.Fatal(err)
	}
	target, _ := url.Parse(a.base)
	proxy := httputil.NewSingleHostReverseProxy(target)
	rolledBack := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/log/checkpoint" || r.URL.Path == "/api/v1/log/checkpoint" {
			w.Write(olderNote)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	defer rolledBack.Close()
	if code, out := runTrust(t, "monitor", rolledBack.URL, "--state", monState, "--key", filepath.Join(a.dir, "keys")); code != 1 || !strings.Contains(out, "rollback") {
		t.Errorf("the monitor did not report registry 1's rollback: %d\n%s", code, out)
	} else {
		wantEvidence(t, monState, out)
	}

	// Registry 2's database is rewritten behind its back — a record's
	// signing time, its leaf and the tree above it, consistently — and
	// people go on signing. Its own signer refuses to sign the rewritten
	// history, says so on /readyz, and its witnesses are never asked.
	signedBefore := waitCosigned(t, b, 2, 2)
	before, err := translog.OpenCheckpoint(signedBefore, b.a.keys.Verifiers())
	if err != nil {
		t.Fatal(err)
	}
	tamperDB(t, b.trustRegistry.dir, func(exec func(string, ...any) sql.Result) {
		s := b.sigs[0]
		s.SignedAt = s.SignedAt.Add(-time.Hour)
		exec(`UPDATE signatures SET signed_at = ? WHERE id = ?`, s.SignedAt.UnixMilli(), s.ID)
		env := &tamperEnv{t: t, dir: b.trustRegistry.dir, exec: exec}
		env.rewriteLeaves(map[int64]tlog.Hash{s.LeafIndex: leaf.Signature(s).Hash()})
	})
	witnessedBefore := make([]translog.WitnessState, len(regs))
	for i, w := range regs {
		if i != 1 {
			witnessedBefore[i], _, _ = w.a.db.Witnessed(ctx, b.origin)
		}
	}
	b.sign(t)
	refused := false
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && !refused; time.Sleep(50 * time.Millisecond) {
		resp, err := http.Get(b.base + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		refused = resp.StatusCode == http.StatusServiceUnavailable && strings.Contains(string(body), "log_inconsistent")
	}
	if !refused {
		t.Fatal("registry 2 is still ready after its tree was rewritten")
	}
	if now, err := translog.OpenCheckpoint(waitCosigned(t, b, 2, 2), b.a.keys.Verifiers()); err != nil || now != before {
		t.Errorf("registry 2 serves %+v (%v) after the rewrite, want its last good checkpoint %+v", now, err, before)
	}
	for i, w := range regs {
		if i == 1 {
			continue
		}
		if st, _, _ := w.a.db.Witnessed(ctx, b.origin); st != witnessedBefore[i] {
			t.Errorf("witness %s moved from %d to %d: it was given the rewritten history", w.origin, witnessedBefore[i].Size, st.Size)
		}
	}

	// In the browser: the page's script verifies the cosignatures itself
	// and shows who cosigned; served with a witness list the checkpoint's
	// witnesses are not on, both the server and the browser refuse it.
	t.Run("browser", func(t *testing.T) {
		chromium := needTool(t, "chromium", "chromium")
		bctx, _ := newTestBrowser(t, chromium, 60*time.Second)
		// The tab starts at its first use: on its own context, so it
		// outlives each page's timeout.
		if err := chromedp.Do(bctx, chromedp.Navigate("about:blank")); err != nil {
			t.Fatal(err)
		}
		res, failed, text := browserWitnessCheck(t, bctx, a.base+"/v/"+a.sigs[0].Code)
		if res != "valid" || failed != "" || !strings.Contains(text, b.witness.Name()) {
			t.Errorf("browser on a witnessed checkpoint: %q (failed %q)\n%s", res, failed, text)
		}
		skey, _ := translog.GenerateCosignerKey("saksi-lain.test/witness")
		stranger, _ := translog.NewCosigner(skey)
		sv, _ := translog.NewCosignatureVerifier(stranger.VerifierKey())
		tl := a.tl
		tl.Witnesses, tl.Quorum = []*translog.CosignatureVerifier{sv}, 1
		ts := httptest.NewUnstartedServer(nil)
		defer ts.Close()
		base := "http://" + ts.Listener.Addr().String()
		srv, err := web.New(web.Options{BaseURL: base, Templates: ikrar.Templates, Static: ikrar.Static, DownloadKey: a.a.secrets.Download},
			a.a.svc, a.a.db, mustCertRenderer(t), tl, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		ts.Config.Handler = srv.Handler()
		ts.Start()
		if v := fetchVerdict(t, base, a.sigs[0].Code); v.Status != "invalid" || !hasCheck(v, "witnesses", false) {
			t.Errorf("server with an unmet quorum: %q", v.Status)
		}
		res, failed, text = browserWitnessCheck(t, bctx, base+"/v/"+a.sigs[0].Code)
		if res != "invalid" || failed != "witnesses" {
			t.Errorf("browser with an unmet quorum: %q (failed %q)\n%s", res, failed, text)
		}
	})
}

// browserWitnessCheck opens a certificate's verification page in chromium
// and returns the browser's result, its failed check and its text.
func browserWitnessCheck(t *testing.T, ctx context.Context, url string) (result, failed, text string) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(`#browser-check[data-result]`))); err != nil {
		t.Fatalf("%s: %v\n%s", url, err, pageState(ctx))
	}
	got, err := chromedp.Run(sctx, chromedp.Evaluate[browserCheck](`(() => {
		const b = document.getElementById('browser-check');
		return {Result: b.dataset.result, Failed: b.dataset.failed || '', Text: b.innerText};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	return got.Result, got.Failed, got.Text
}

// newTrustRegistryNamed is newTrustRegistry for a log named origin.
func newTrustRegistryNamed(t *testing.T, origin string) *trustRegistry {
	t.Helper()
	r := newTrustRegistry(t)
	r.close()
	// The demo data stays; the log, still empty, takes the new name.
	if code, out := runTrust(t, "key", "origin", "--data", r.dir, origin); code != 0 {
		t.Fatalf("key origin: %s", out)
	}
	a, err := openApp(t.Context(), r.dir, origin)
	if err != nil {
		t.Fatal(err)
	}
	r.a, r.closed = a, false
	return r
}

// waitCosigned waits until r serves a checkpoint of at least size leaves
// that want of its witnesses cosigned, and returns it.
func waitCosigned(t *testing.T, r *regency, size int64, want int) []byte {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := http.Get(r.base + "/api/v1/log/checkpoint")
		if err != nil {
			t.Fatal(err)
		}
		note, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		c, found, err := translog.OpenCosignedCheckpoint(note, r.a.keys.Verifiers(), r.tl.Witnesses, want)
		if err == nil && c.Size >= size {
			return note
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: no checkpoint of %d leaves cosigned by %d witnesses within 15 s; last: %v %+v\n%s", r.origin, size, want, err, found, note)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func hasCheck(v onlineRecord, name string, ok bool) bool {
	if v.Verdict == nil {
		return false
	}
	for _, c := range v.Verdict.Checks {
		if c.Name == name && c.OK == ok {
			return true
		}
	}
	return false
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}
