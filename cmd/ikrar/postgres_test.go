package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ikrar-id/ikrar/internal/store/pgtest"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// TestPostgreSQL runs ikrar on a PostgreSQL database (--database) the way
// docs/DEPLOY.md describes: migrate and its status, two instances serving
// one registry with the same keys, secret and origin copied into each
// data directory, signings through both, the checkpoints one of them
// signs served by both, the other taking the signing over when the first
// stops, then the audit of the database (which an edited
// row fails) and the user and token commands.
func TestPostgreSQL(t *testing.T) {
	url := pgtest.URL(t)
	ctx := t.Context()
	dirA, dirB := t.TempDir(), t.TempDir()

	out, errOut, err := runCLI(ctx, "", "migrate", "--status", "--data", dirA, "--database", url)
	if err != nil || !regexp.MustCompile(`database schema:\s+0 \(`).MatchString(out) || strings.Contains(out, "s3cret") {
		t.Fatalf("migrate --status of a new database: %v\n%s%s", err, out, errOut)
	}
	if out, errOut, err = runCLI(ctx, "", "migrate", "--data", dirA, "--database", url); err != nil || !strings.Contains(out, "up to date") {
		t.Fatalf("migrate: %v\n%s%s", err, out, errOut)
	}
	if out, _, err = runCLI(ctx, "", "migrate", "--status", "--data", dirA, "--database", url); err != nil || !strings.Contains(out, "none") {
		t.Fatalf("migrate --status after migrate: %v\n%s", err, out)
	}

	// Instance A seeds the demo and names the log; B gets its keys,
	// secret and origin, and serves the same public URL.
	ctxA, stopA := context.WithCancel(ctx)
	defer stopA()
	addrA := freeAddr(t)
	var outA, errA syncBuffer
	doneA := make(chan error, 1)
	go func() {
		doneA <- run(ctxA, []string{"serve", "--addr", addrA, "--data", dirA, "--database", url, "--demo"}, strings.NewReader(""), &outA, &errA, noEnv)
	}()
	baseA := "http://" + addrA
	waitHealthy(t, baseA, doneA)
	demo := parseDemo(t, outA.String())
	if err := os.CopyFS(dirB, os.DirFS(dirA)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dirA, "ikrar.db")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("an SQLite database was made beside PostgreSQL: %v", err)
	}
	baseB, errB, stopB := startServe(t, "--data", dirB, "--database", url)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("instance A:\n%s\ninstance B:\n%s", errA.String(), errB.String())
		}
	})

	sign := func(i int, base string) {
		t.Helper()
		mustAPISign(t, base, demo.Code, demo.NIPs[i], demo.Names[demo.NIPs[i]])
	}
	sign(0, baseA)
	sign(1, baseB)
	// Both serve a checkpoint of the two leaves, and only one signs.
	waitCheckpoint(t, baseA, 2)
	waitCheckpoint(t, baseB, 2)
	leads := func(s string) bool {
		return strings.Contains(s, `"leading a job on this instance","job":"checkpoints"`)
	}
	if !leads(errA.String()) || leads(errB.String()) {
		t.Fatalf("instance A leads the checkpoints: %v, B: %v; want A, which started first, alone", leads(errA.String()), leads(errB.String()))
	}
	// An instance with keys of its own does not start: it would sign
	// claims and checkpoints the others' published keys cannot verify.
	dirC := t.TempDir()
	for _, f := range []string{"secret.key", "origin"} {
		b, err := os.ReadFile(filepath.Join(dirA, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dirC, f), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	origin, _ := os.ReadFile(filepath.Join(dirA, "origin"))
	if _, err := translog.LoadOrCreateKeyring(filepath.Join(dirC, "keys"), strings.TrimSpace(string(origin))); err != nil {
		t.Fatal(err)
	}
	_, errOut, err = runCLI(ctx, "", "serve", "--addr", freeAddr(t), "--base-url", baseA, "--data", dirC, "--database", url)
	if ex, ok := errors.AsType[exitError](err); !ok || ex.code != 1 || !strings.Contains(ex.msg, "did not sign this database's newest checkpoint") {
		t.Errorf("an instance with keys of its own: %v\n%s", err, errOut)
	}

	// A stops: B takes the signing over.
	stopA()
	if err := <-doneA; err != nil {
		t.Fatalf("serve A: %v", err)
	}
	sign(2, baseB)
	waitCheckpointWithin(t, baseB, 3, 6*leadRetry)
	if !leads(errB.String()) {
		t.Error("B signed a checkpoint without leading the checkpoints")
	}
	stopB()

	out, errOut, err = runCLI(ctx, "", "audit", "--data", dirA, "--database", url)
	if err != nil || !strings.Contains(out, "3 leaves") || !strings.Contains(out, "every leaf matches its row") {
		t.Fatalf("audit: %v\n%s%s", err, out, errOut)
	}

	const email = "kepegawaian@deliserdangkab.go.id"
	if out, errOut, err = runCLI(ctx, "rahasia-daerah-2024\n", "user", "add", "--data", dirA, "--database", url,
		"--email", email, "--name", "Petugas BKPSDM", "--role", "superadmin"); err != nil || !strings.Contains(out, email) {
		t.Fatalf("user add: %v\n%s%s", err, out, errOut)
	}
	if out, errOut, err = runCLI(ctx, "", "token", "create", "--data", dirA, "--database", url, "--email", email); err != nil ||
		!regexp.MustCompile(`^ikr_[A-Za-z0-9_-]{43}\n$`).MatchString(out) {
		t.Fatalf("token create: %q, %v\n%s", out, err, errOut)
	}

	// A record edited in the database no longer matches its leaf.
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, `UPDATE signatures SET signed_at = signed_at - 3600000 WHERE id = (SELECT MIN(id) FROM signatures)`); err != nil {
		t.Fatal(err)
	}
	out, _, err = runCLI(ctx, "", "audit", "--data", dirA, "--database", url)
	var ex exitError
	if !errors.As(err, &ex) || ex.code != 1 || !strings.Contains(out, "leaf 0") {
		t.Errorf("audit after a record was edited: %v\n%s; want it to fail naming leaf 0", err, out)
	}
	// So does a pledge's text, which its trigger keeps as it was unless
	// the trigger is put aside.
	if _, err := conn.Exec(ctx, `ALTER TABLE pledges DISABLE TRIGGER USER; UPDATE pledges SET closing = closing || ' (diubah)' WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	out, _, err = runCLI(ctx, "", "audit", "--data", dirA, "--database", url)
	if !errors.As(err, &ex) || ex.code != 1 || !strings.Contains(out, "pledge 1: its text no longer hashes") {
		t.Errorf("audit after a pledge was edited: %v\n%s; want it to name pledge 1", err, out)
	}
	// And a signer's name, which the leaf holds only as a hash.
	var edited string
	if err := conn.QueryRow(ctx, `UPDATE signatures SET name = 'Orang Lain' WHERE id = (SELECT MAX(id) FROM signatures) RETURNING code`).Scan(&edited); err != nil {
		t.Fatal(err)
	}
	out, _, err = runCLI(ctx, "", "audit", "--data", dirA, "--database", url)
	if !errors.As(err, &ex) || ex.code != 1 || !regexp.MustCompile(edited+`.*name or NIP edited out of band`).MatchString(out) {
		t.Errorf("audit after a name was edited: %v\n%s; want it to name %s", err, out, edited)
	}
}

// TestMigrateStore moves a registry that served on SQLite into PostgreSQL
// (ikrar migrate-store) and serves it from there: the copy audits clean,
// and a certificate issued before the move verifies against the moved
// registry, offline and online. A second copy into the same database is
// refused.
func TestMigrateStore(t *testing.T) {
	url := pgtest.URL(t)
	ctx := t.Context()
	dir := t.TempDir()
	addr := freeAddr(t)
	base := "http://" + addr
	serveCtx, stop := context.WithCancel(ctx)
	defer stop()
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(serveCtx, []string{"serve", "--addr", addr, "--data", dir, "--demo"}, strings.NewReader(""), &stdout, &stderr, noEnv)
	}()
	waitHealthy(t, base, done)
	demo := parseDemo(t, stdout.String())
	var codes []string
	var pdf []byte
	for i := range 2 {
		cert := mustAPISign(t, base, demo.Code, demo.NIPs[i], demo.Names[demo.NIPs[i]])
		codes = append(codes, cert.Code)
		if i == 0 {
			_, pdf = httpGet(t, cert.PDFURL)
		}
	}
	waitCheckpoint(t, base, 3) // two records and the issuance of the certificate downloaded
	stop()
	if err := <-done; err != nil {
		t.Fatalf("serve on SQLite: %v\n%s", err, stderr.String())
	}
	keyFile := writeKeyFile(t, dir)
	pdfFile := filepath.Join(t.TempDir(), "sertifikat.pdf")
	if err := os.WriteFile(pdfFile, pdf, 0o600); err != nil {
		t.Fatal(err)
	}

	out, errOut, err := runCLI(ctx, "", "migrate-store", "--from", dir, "--to", url)
	if err != nil || !strings.Contains(out, "3 leaves") || !strings.Contains(out, "every leaf matches its row") {
		t.Fatalf("migrate-store: %v\n%s%s", err, out, errOut)
	}
	if _, _, err := runCLI(ctx, "", "migrate-store", "--from", dir, "--to", url); err == nil {
		t.Error("a second copy into the same database was accepted")
	}

	// The moved registry serves at the same address.
	serveCtx, stop = context.WithCancel(ctx)
	defer stop()
	var pgErr syncBuffer
	done = make(chan error, 1)
	go func() {
		done <- run(serveCtx, []string{"serve", "--addr", addr, "--base-url", base, "--data", dir, "--database", url},
			strings.NewReader(""), io.Discard, &pgErr, noEnv)
	}()
	waitHealthy(t, base, done)
	if code, out := runTrust(t, "verify", pdfFile, "--key", keyFile, "--online", base); code != 0 {
		t.Errorf("the certificate issued before the move: exit %d\n%s", code, out)
	}
	for _, code := range codes {
		if res, body := httpGet(t, base+"/v/"+code); res.StatusCode != http.StatusOK || !strings.Contains(string(body), "<strong>SAH</strong>") {
			t.Errorf("/v/%s after the move: %d", code, res.StatusCode)
		}
	}
	stop()
	if err := <-done; err != nil {
		t.Fatalf("serve on PostgreSQL: %v\n%s", err, pgErr.String())
	}
}

// TestPostgreSQLErasureReachesEveryInstance: a certificate downloaded
// through one instance is held in its memory; erased through another, it
// leaves the first's memory too (NOTIFY), not only the database.
func TestPostgreSQLErasureReachesEveryInstance(t *testing.T) {
	url := pgtest.URL(t)
	ctx := t.Context()
	dirA, dirB := t.TempDir(), t.TempDir()
	ctxA, stopA := context.WithCancel(ctx)
	defer stopA()
	addrA, metricsA := freeAddr(t), freeAddr(t)
	var outA, errA syncBuffer
	doneA := make(chan error, 1)
	go func() {
		doneA <- run(ctxA, []string{"serve", "--addr", addrA, "--data", dirA, "--database", url, "--demo", "--metrics-addr", metricsA},
			strings.NewReader(""), &outA, &errA, noEnv)
	}()
	baseA := "http://" + addrA
	waitHealthy(t, baseA, doneA)
	demo := parseDemo(t, outA.String())
	if err := os.CopyFS(dirB, os.DirFS(dirA)); err != nil {
		t.Fatal(err)
	}
	baseB, _, stopB := startServe(t, "--data", dirB, "--database", url)
	defer stopB()

	const email = "kepegawaian@deliserdangkab.go.id"
	if out, errOut, err := runCLI(ctx, "rahasia-daerah-2024\n", "user", "add", "--data", dirA, "--database", url,
		"--email", email, "--name", "Petugas BKPSDM", "--role", "superadmin"); err != nil {
		t.Fatalf("user add: %v\n%s%s", err, out, errOut)
	}
	token, errOut, err := runCLI(ctx, "", "token", "create", "--data", dirA, "--database", url, "--email", email)
	if err != nil {
		t.Fatalf("token create: %v\n%s", err, errOut)
	}
	token = strings.TrimSpace(token)

	cert := mustAPISign(t, baseA, demo.Code, demo.NIPs[0], demo.Names[demo.NIPs[0]])
	httpGet(t, cert.PDFURL)
	held := func() string {
		t.Helper()
		_, m := httpGet(t, "http://"+metricsA+"/metrics")
		line := regexp.MustCompile(`(?m)^ikrar_pdf_cache_entries (\S+)$`).FindSubmatch(m)
		if line == nil {
			t.Fatalf("no ikrar_pdf_cache_entries in instance A's metrics:\n%s", m)
		}
		return string(line[1])
	}
	if n := held(); n != "1" {
		t.Fatalf("instance A holds %s certificates after the download, want 1", n)
	}

	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, baseB+"/api/v1/certificates/"+cert.Code+"/erase",
		strings.NewReader(`{"reason":"Permintaan sah subjek data"}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("erase through instance B: %d %s", res.StatusCode, b)
	}
	deadline := time.Now().Add(10 * time.Second)
	for held() != "0" {
		if time.Now().After(deadline) {
			t.Fatal("instance A still holds the erased certificate in memory 10 s after instance B erased it")
		}
		time.Sleep(20 * time.Millisecond)
	}
	stopA()
	if err := <-doneA; err != nil {
		t.Fatalf("serve A: %v", err)
	}
}

// signedCert is the certificate a signing through the API answers with.
type signedCert struct {
	Code   string `json:"code"`
	PDFURL string `json:"pdf_url"`
}

// apiSign signs event 1 (the demo's) through the API at base as the
// person with nip, typing name; err is set only when no answer came
// (a killed server).
func apiSign(base, eventCode, nip, name string) (status int, cert signedCert, raw []byte, err error) {
	body, _ := json.Marshal(map[string]any{"nip": strings.ReplaceAll(nip, " ", ""), "event_code": eventCode,
		"consent": true, "typed_name": name})
	res, err := http.Post(base+"/api/v1/events/1/signatures", "application/json", bytes.NewReader(body))
	if err != nil {
		return 0, cert, nil, err
	}
	defer res.Body.Close()
	raw, _ = io.ReadAll(res.Body)
	var signed struct {
		Certificate signedCert `json:"certificate"`
	}
	if res.StatusCode == http.StatusCreated {
		if err := json.Unmarshal(raw, &signed); err != nil {
			return res.StatusCode, cert, raw, fmt.Errorf("answer %s: %w", raw, err)
		}
	}
	return res.StatusCode, signed.Certificate, raw, nil
}

// mustAPISign is apiSign for a signing that must be acknowledged.
func mustAPISign(t *testing.T, base, eventCode, nip, name string) signedCert {
	t.Helper()
	status, cert, raw, err := apiSign(base, eventCode, nip, name)
	if err != nil || status != http.StatusCreated || cert.Code == "" {
		t.Fatalf("signing %s through %s: %d %v %s", nip, base, status, err, raw)
	}
	return cert
}
