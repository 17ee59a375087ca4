package main

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/ikrar-id/ikrar"
	"github.com/ikrar-id/ikrar/internal/leaf"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/translog"
	"github.com/ikrar-id/ikrar/internal/web"
)

// The tamper table of issue 11 and docs/TRUST.md §11: every edit an
// insider with the database (and, in the last rows, the signing key) can
// make, and which of the four checks catches it:
//
//   - local: `ikrar audit --data` on the tampered data directory, with the
//     published keys (an inspector's copy);
//   - remote: `ikrar audit --remote` against a server running on it, with a
//     checkpoint kept from before the tampering;
//   - page: the certificate's verification page and API, whose verdict
//     names a failed check (status invalid, or a revoked record's red
//     banner);
//   - verify: `ikrar verify --qr <the certificate's QR> --online`, whose
//     result is neither VALID nor REVOKED: it refuses to vouch.
//
// After the tampering the registry keeps running: one more person signs,
// so the server signs a checkpoint over its tree, unless that tree no
// longer extends the last checkpoint it signed (TRUST.md §12): then it
// signs nothing, serves that checkpoint and /readyz answers 503.
// "Caught" means the check refuses the tampered answer; a page that shows
// a revoked certificate as valid, or does not find a deleted one, was not
// told.
//
// Each row asserts the exact set, so a check that stops catching something
// (or a row nothing catches that TRUST.md does not list) fails the test.
type caughtBy struct{ local, remote, page, verify bool }

func (c caughtBy) String() string {
	var s []string
	for _, x := range []struct {
		ok   bool
		name string
	}{{c.local, "local"}, {c.remote, "remote"}, {c.page, "page"}, {c.verify, "verify"}} {
		if x.ok {
			s = append(s, x.name)
		}
	}
	if len(s) == 0 {
		return "nothing"
	}
	return strings.Join(s, "+")
}

// tamperEnv is what a tampering can use: the data directory (closed) and
// the records as they were signed.
type tamperEnv struct {
	t    *testing.T
	dir  string
	sigs []registry.Signature
	exec func(q string, args ...any) sql.Result
}

// storedTree reads the log's size and every stored hash of its tree, as
// an insider with the database would.
func storedTree(t *testing.T, db *sql.DB) (int64, translog.MemoryHashes) {
	t.Helper()
	var n int64
	if err := db.QueryRow(`SELECT size FROM log_state`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	var stored translog.MemoryHashes
	for i := range tlog.StoredHashCount(n) {
		var b []byte
		if err := db.QueryRow(`SELECT hash FROM log_hashes WHERE idx = ?`, i).Scan(&b); err != nil {
			t.Fatal(err)
		}
		var h tlog.Hash
		copy(h[:], b)
		stored = append(stored, h)
	}
	return n, stored
}

// rewriteLeaves replaces leaves of the stored tree and rebuilds every
// stored hash above them, as an insider with the database (no key) would
// to make edited rows match the tree again.
func (e *tamperEnv) rewriteLeaves(replace map[int64]tlog.Hash) {
	e.t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(e.dir, "ikrar.db")+"?_pragma=busy_timeout(10000)")
	if err != nil {
		e.t.Fatal(err)
	}
	defer db.Close()
	size, stored := storedTree(e.t, db)
	leaves := make([]tlog.Hash, size)
	for i := range size {
		leaves[i] = stored[tlog.StoredHashIndex(0, i)]
		if h, ok := replace[i]; ok {
			leaves[i] = h
		}
	}
	mem, err := translog.Rebuild(leaves)
	if err != nil {
		e.t.Fatal(err)
	}
	for idx, h := range mem {
		if _, err := db.Exec(`UPDATE log_hashes SET hash = ? WHERE idx = ?`, h[:], idx); err != nil {
			e.t.Fatal(err)
		}
	}
}

// appendLeaf adds a leaf at the end of the stored tree, with the stored
// hashes above it, and returns its index: an insider appending a record of
// their own making, which the running server will then sign into a
// checkpoint.
func (e *tamperEnv) appendLeaf(leaf tlog.Hash) int64 {
	e.t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(e.dir, "ikrar.db")+"?_pragma=busy_timeout(10000)")
	if err != nil {
		e.t.Fatal(err)
	}
	defer db.Close()
	n, stored := storedTree(e.t, db)
	hashes, err := translog.Append(stored, n, leaf)
	if err != nil {
		e.t.Fatal(err)
	}
	for i, h := range hashes {
		if _, err := db.Exec(`INSERT INTO log_hashes (idx, hash) VALUES (?, ?)`, tlog.StoredHashIndex(0, n)+int64(i), h[:]); err != nil {
			e.t.Fatal(err)
		}
	}
	if _, err := db.Exec(`UPDATE log_state SET size = ?`, n+1); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// resignCheckpoints replaces every stored checkpoint with one of the same
// size over the (rewritten) tree, signed with the registry's own key: an
// insider who also holds the key.
func (e *tamperEnv) resignCheckpoints() {
	e.t.Helper()
	keys, err := translog.LoadKeyring(filepath.Join(e.dir, "keys"), trustOrigin)
	if err != nil {
		e.t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(e.dir, "ikrar.db")+"?_pragma=busy_timeout(10000)")
	if err != nil {
		e.t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT size FROM checkpoints`)
	if err != nil {
		e.t.Fatal(err)
	}
	var sizes []int64
	for rows.Next() {
		var n int64
		rows.Scan(&n)
		sizes = append(sizes, n)
	}
	rows.Close()
	_, stored := storedTree(e.t, db)
	for _, size := range sizes {
		root, err := translog.TreeHash(size, stored)
		if err != nil {
			e.t.Fatal(err)
		}
		note, err := keys.SignCheckpoint(translog.Checkpoint{Origin: trustOrigin, Size: size, Root: root})
		if err != nil {
			e.t.Fatal(err)
		}
		if _, err := db.Exec(`UPDATE checkpoints SET root = ?, note = ? WHERE size = ?`, root[:], string(note), size); err != nil {
			e.t.Fatal(err)
		}
		// The key's holder has the key directory too: the signer's
		// memory of what it signed is re-signed with the rest.
		if size == slices.Max(sizes) {
			if err := keys.KeepSigned(translog.SignedCheckpoint{Size: size, Root: root, Note: note}); err != nil {
				e.t.Fatal(err)
			}
		}
	}
}

// serveDir runs the real server over a data directory and returns its base
// URL and the app it serves.
func serveDir(t *testing.T, dir string) (string, *app) {
	t.Helper()
	a, err := openApp(t.Context(), dir, trustOrigin)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	ts := httptest.NewUnstartedServer(nil)
	base := "http://" + ts.Listener.Addr().String()
	log := slog.New(slog.DiscardHandler)
	cp := &translog.Checkpointer{Store: a.db, Keys: a.keys, MinInterval: time.Millisecond, Now: time.Now, Log: log}
	srv, err := web.New(web.Options{BaseURL: base, Templates: ikrar.Templates, Static: ikrar.Static, DownloadKey: a.secrets.Download},
		a.svc, a.db, mustCertRenderer(t), web.Transparency{Store: a.db, Keys: a.keys, Checkpointer: cp}, log)
	if err != nil {
		t.Fatal(err)
	}
	runCheckpointer(t, cp, a.db.Appended())
	ts.Config.Handler = srv.Handler()
	ts.Start()
	t.Cleanup(ts.Close)
	return base, a
}

// pageVerdict is the verification API's answer for a code: its status and
// the checks that failed ("" status: not found).
func pageVerdict(t *testing.T, base, code string) (status string, failed []string) {
	t.Helper()
	res, err := http.Get(base + "/api/v1/certificates/" + code)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode == http.StatusNotFound {
		return "", nil
	}
	var out struct {
		Status  string `json:"status"`
		Verdict struct {
			Checks []struct {
				Name string `json:"name"`
				OK   bool   `json:"ok"`
			} `json:"checks"`
		} `json:"verdict"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	for _, c := range out.Verdict.Checks {
		if !c.OK {
			failed = append(failed, c.Name)
		}
	}
	return out.Status, failed
}

// verifyResult is the final line ikrar verify prints.
func verifyResult(out string) string {
	i := strings.LastIndex(out, "HASIL / RESULT: ")
	if i < 0 {
		return out
	}
	line, _, _ := strings.Cut(out[i+len("HASIL / RESULT: "):], "\n")
	return line
}

func TestTamperTable(t *testing.T) {
	r := seededTrustRegistry(t) // leaves 0-5 signatures, 6 revocation of 1, 7 signature 6
	base := r.serve(t)
	// Leaf 8: the first record's certificate, issued.
	issued := r.renderPDF(t, r.sigs[0], base)
	sum := sha256.Sum256(issued)
	if ok, err := r.a.db.StorePDF(t.Context(), registry.IssuedPDF{SignatureID: r.sigs[0].ID, PDF: issued, SHA256: hex.EncodeToString(sum[:])}); err != nil || !ok {
		t.Fatalf("issuing a certificate: %v %v", ok, err)
	}
	issuedFile := writeTrustFile(t, "sertifikat.pdf", issued)
	keyFile := writeKeyFile(t, r.dir)
	kept := filepath.Join(t.TempDir(), "kept.checkpoint")
	if code, out := runTrust(t, "audit", "--remote", base, "--since", kept, "--key", keyFile, "--update"); code != 0 {
		t.Fatalf("keeping a checkpoint: exit %d\n%s", code, out)
	}
	sigs := r.sigs
	qr := make([]string, len(sigs))
	for i, s := range sigs {
		qr[i] = r.qrText(t, s, base)
	}
	other, later := r.emps[r.next], r.emps[r.next+1]
	event := r.event
	r.close()

	const valid, revoked = "SAH / VALID", "DICABUT / REVOKED"
	// A fake record, made by copying a real one under another code and
	// person, and its QR, made without the key from a genuine one.
	const fake = "FAKE0000000A"
	fakeRow := func(e *tamperEnv, leaf int64, back time.Duration) registry.Signature {
		s := e.sigs[0]
		s.Code, s.EmployeeID, s.Name, s.LeafIndex = fake, other.ID, "Orang Palsu", leaf
		s.SignedAt = s.SignedAt.Add(-back)
		s.IdentityHash = translog.IdentityHash(s.IdentitySalt, s.NIP, s.Name)
		s.HolderHash = ""
		e.exec(`INSERT INTO signatures (event_id, employee_id, code, nip, name, position, rank, unit, org_name, category,
			pledge_hash, ink_kind, ink, consent, signed_at, channel, client_ip, user_agent, identity_salt, identity_hash, leaf_index,
			leaf_version, event_title, event_place, event_starts, event_org, holder_hash)
			SELECT event_id, ?, ?, nip, ?, position, rank, unit, org_name, category, pledge_hash, ink_kind, ink,
			consent, ?, channel, client_ip, user_agent, identity_salt, ?, ?,
			leaf_version, event_title, event_place, event_starts, event_org, holder_hash FROM signatures WHERE id = ?`,
			s.EmployeeID, s.Code, s.Name, s.SignedAt.UnixMilli(), s.IdentityHash, s.LeafIndex, e.sigs[0].ID)
		return s
	}
	fakeQR := strings.Replace(qr[0], sigs[0].Code, fake, 1)

	tests := []struct {
		name   string
		target int // the record whose page and QR are checked
		tamper func(e *tamperEnv)
		want   caughtBy
		code   string // instead of the target's code and QR
		qr     string
		pdf    bool // verify the issued PDF (the target's) instead of its QR
	}{
		{"nothing changed", 0, func(e *tamperEnv) {}, caughtBy{}, "", "", false},
		{"name edited", 3, func(e *tamperEnv) {
			e.exec(`UPDATE signatures SET name = 'Orang Lain' WHERE id = ?`, e.sigs[3].ID)
		}, caughtBy{local: true, page: true, verify: true}, "", "", false},
		{"NIP edited", 2, func(e *tamperEnv) {
			e.exec(`UPDATE signatures SET nip = '199001012015011001' WHERE id = ?`, e.sigs[2].ID)
		}, caughtBy{local: true, page: true, verify: true}, "", "", false},
		{"signing time back-dated", 4, func(e *tamperEnv) {
			e.exec(`UPDATE signatures SET signed_at = signed_at - 86400000 WHERE id = ?`, e.sigs[4].ID)
		}, caughtBy{local: true, page: true, verify: true}, "", "", false},
		{"position edited", 2, func(e *tamperEnv) {
			e.exec(`UPDATE signatures SET position = 'Kepala Dinas' WHERE id = ?`, e.sigs[2].ID)
		}, caughtBy{local: true, page: true, verify: true}, "", "", false},
		{"unit edited", 2, func(e *tamperEnv) {
			e.exec(`UPDATE signatures SET unit = 'Sekretariat Daerah' WHERE id = ?`, e.sigs[2].ID)
		}, caughtBy{local: true, page: true, verify: true}, "", "", false},
		{"organization edited", 2, func(e *tamperEnv) {
			e.exec(`UPDATE signatures SET org_name = 'Dinas Lain' WHERE id = ?`, e.sigs[2].ID)
		}, caughtBy{local: true, page: true, verify: true}, "", "", false},
		{"event title edited", 2, func(e *tamperEnv) {
			e.exec(`UPDATE signatures SET event_title = 'Acara Lain' WHERE id = ?`, e.sigs[2].ID)
		}, caughtBy{local: true, page: true, verify: true}, "", "", false},
		{"pledge text edited", 2, func(e *tamperEnv) {
			e.exec(`DROP TRIGGER pledges_immutable`)
			e.exec(`UPDATE pledges SET closing = 'Demikian, dan pilihlah calon nomor 2.' WHERE hash = ?`, e.sigs[2].PledgeHash)
		}, caughtBy{local: true, page: true, verify: true}, "", "", false},
		{"PDF fingerprint edited", 0, func(e *tamperEnv) {
			e.exec(`UPDATE signatures SET pdf_hash = ? WHERE id = ?`, strings.Repeat("0a", 32), e.sigs[0].ID)
		}, caughtBy{local: true, page: true, verify: true}, "", "", true},
		{"revocation reason edited", 1, func(e *tamperEnv) {
			e.exec(`UPDATE revocations SET reason = 'Alasan lain sama sekali' WHERE signature_id = ?`, e.sigs[1].ID)
		}, caughtBy{local: true, page: true, verify: true}, "", "", false},
		{"signature row deleted", 4, func(e *tamperEnv) {
			e.exec(`DELETE FROM signatures WHERE id = ?`, e.sigs[4].ID)
		}, caughtBy{local: true, verify: true}, "", "", false},
		{"revocation deleted", 1, func(e *tamperEnv) {
			e.exec(`DELETE FROM revocations WHERE signature_id = ?`, e.sigs[1].ID)
		}, caughtBy{local: true, page: true, verify: true}, "", "", false},
		{"stored checkpoints deleted", 0, func(e *tamperEnv) {
			e.exec(`DELETE FROM checkpoints`)
		}, caughtBy{}, "", "", false},
		{"fake record inserted without a leaf", 0, func(e *tamperEnv) {
			fakeRow(e, -1, 30*24*time.Hour)
		}, caughtBy{local: true, page: true, verify: true}, fake, fakeQR, false},
		{"fake record appended to the log, back-dated", 0, func(e *tamperEnv) {
			n := e.appendLeaf(tlog.Hash{})
			f := fakeRow(e, n, 30*24*time.Hour)
			e.rewriteLeaves(map[int64]tlog.Hash{n: leaf.Signature(f).Hash()})
			// Nothing the registry holds says it is not genuine: only
			// the person named, or a witness's time (issue 12), can.
		}, caughtBy{verify: true}, fake, fakeQR, false},
		{"two records swap leaves", 2, func(e *tamperEnv) {
			e.exec(`UPDATE signatures SET leaf_index = CASE id WHEN ? THEN 3 ELSE 2 END WHERE id IN (?, ?)`, e.sigs[2].ID, e.sigs[2].ID, e.sigs[3].ID)
		}, caughtBy{local: true, page: true, verify: true}, "", "", false},
		{"leaves reordered in the stored tree", 2, func(e *tamperEnv) {
			h2, h3 := leaf.Signature(e.sigs[2]).Hash(), leaf.Signature(e.sigs[3]).Hash()
			e.rewriteLeaves(map[int64]tlog.Hash{2: h3, 3: h2})
			e.exec(`UPDATE signatures SET leaf_index = CASE id WHEN ? THEN 3 ELSE 2 END WHERE id IN (?, ?)`, e.sigs[2].ID, e.sigs[2].ID, e.sigs[3].ID)
		}, caughtBy{local: true, remote: true, page: true, verify: true}, "", "", false}, // the signer refuses the reordered tree; the page proves against what it signed
		{"record edited and the tree rewritten, no key", 4, func(e *tamperEnv) {
			s := e.sigs[4]
			s.SignedAt = s.SignedAt.Add(-24 * time.Hour)
			e.exec(`UPDATE signatures SET signed_at = ? WHERE id = ?`, s.SignedAt.UnixMilli(), s.ID)
			e.rewriteLeaves(map[int64]tlog.Hash{s.LeafIndex: leaf.Signature(s).Hash()})
			// The server's signer refuses to sign over the rewritten
			// tree (TRUST.md §12): its page proves against the last
			// checkpoint it signed, and its /readyz tells the remote
			// audit.
		}, caughtBy{local: true, remote: true, page: true, verify: true}, "", "", false},
		{"record edited, tree rewritten, checkpoints deleted", 4, func(e *tamperEnv) {
			s := e.sigs[4]
			s.SignedAt = s.SignedAt.Add(-24 * time.Hour)
			e.exec(`UPDATE signatures SET signed_at = ? WHERE id = ?`, s.SignedAt.UnixMilli(), s.ID)
			e.rewriteLeaves(map[int64]tlog.Hash{s.LeafIndex: leaf.Signature(s).Hash()})
			e.exec(`DELETE FROM checkpoints`)
			// keys/last-checkpoint still holds what was signed.
		}, caughtBy{local: true, remote: true, page: true, verify: true}, "", "", false},
		{"record edited, tree rewritten, checkpoints re-signed with the key", 4, func(e *tamperEnv) {
			s := e.sigs[4]
			s.SignedAt = s.SignedAt.Add(-24 * time.Hour)
			e.exec(`UPDATE signatures SET signed_at = ? WHERE id = ?`, s.SignedAt.UnixMilli(), s.ID)
			e.rewriteLeaves(map[int64]tlog.Hash{s.LeafIndex: leaf.Signature(s).Hash()})
			e.resignCheckpoints()
		}, caughtBy{remote: true, verify: true}, "", "", false},
	}
	refusedRows := map[string]bool{
		"leaves reordered in the stored tree":                true,
		"record edited and the tree rewritten, no key":       true,
		"record edited, tree rewritten, checkpoints deleted": true,
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := copyDataDir(t, r.dir)
			tamperDB(t, dir, func(exec func(string, ...any) sql.Result) {
				tt.tamper(&tamperEnv{t: t, dir: dir, sigs: slices.Clone(sigs), exec: exec})
			})
			var got caughtBy
			code, localOut := runTrust(t, "audit", "--data", dir, "--key", keyFile)
			got.local = code != 0
			srv, a := serveDir(t, dir)
			if _, _, err := a.svc.Sign(t.Context(), typedSignRequest(t, event, later)); err != nil {
				t.Fatalf("signing after the tampering: %v", err)
			}
			keptCopy := writeTrustFile(t, "kept.checkpoint", readTrustFile(t, kept))
			code, remoteOut := runTrust(t, "audit", "--remote", srv, "--since", keptCopy, "--key", keyFile)
			got.remote = code != 0
			certCode, qrText := sigs[tt.target].Code, qr[tt.target]
			if tt.code != "" {
				certCode, qrText = tt.code, tt.qr
			}
			status, failed := pageVerdict(t, srv, certCode)
			got.page = len(failed) > 0 || status == "invalid"
			args := []string{"verify", "--qr", qrText}
			if tt.pdf {
				args = []string{"verify", issuedFile}
			}
			_, verifyOut := runTrust(t, append(args, "--key", keyFile, "--online", srv)...)
			result := verifyResult(verifyOut)
			got.verify = result != valid && result != revoked
			// A database-only rewrite of signed history: the signer
			// refuses, /readyz says so and the last good checkpoint is
			// served; anything else signs on.
			res, err := http.Get(srv + "/readyz")
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			_, served := httpGet(t, srv+"/api/v1/log/checkpoint")
			if refused := refusedRows[tt.name]; refused != (res.StatusCode == http.StatusServiceUnavailable) {
				t.Errorf("readyz %d, want the signer to refuse: %v", res.StatusCode, refused)
			} else if refused && !bytes.Equal(served, readTrustFile(t, kept)) {
				t.Errorf("served checkpoint\n%s\nwant the last good one", served)
			}
			if got != tt.want {
				t.Errorf("caught by %v, want %v\npage: status %q, failed %v\nverify: %s\nlocal audit:\n%s\nremote audit:\n%s",
					got, tt.want, status, failed, verifyResult(verifyOut), localOut, remoteOut)
			}
		})
	}
	if _, err := os.Stat(kept); err != nil {
		t.Fatal(err)
	}
}
