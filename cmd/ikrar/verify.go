package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/ikrar-id/ikrar/internal/certificate"
	"github.com/ikrar-id/ikrar/internal/leaf"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// cmdVerify checks a certificate with the registry's published keys alone:
// the Ed25519 signature its QR code carries, and for a PDF that the QR
// printed on the page is the one its metadata holds and that the file is
// byte for byte what the registry signed. With --online it also asks
// the registry whether the certificate still stands and whether the PDF is
// byte for byte the one issued, and checks its answer on revocation
// against the registry's signed revocation list. With --revocations it
// checks revocation offline, against a signed list the user kept.
func cmdVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	qr := fs.String("qr", "", "the text of a certificate's QR code, instead of a PDF")
	keyFile := fs.String("key", "", "file with the registry's verifier keys, as served at /api/v1/log/key")
	online := fs.String("online", "", "registry base URL (e.g. https://ikrar.example.go.id): also ask it whether the certificate was revoked")
	revFile := fs.String("revocations", "", "file with a signed revocation list, as served at /api/v1/log/revocations: check revocation offline")
	state := fs.String("state", "", "with --online: directory remembering the checkpoints seen (default: ikrar in the user's cache directory)")
	noState := fs.Bool("no-state", false, "with --online: remember nothing, check the checkpoint against nothing seen before")
	document := fs.Bool("document", false, "FILE is a document kept with an event (the signed Berita Acara), not a certificate: with --online and --event, prove its SHA-256 in the log")
	eventID := fs.Int64("event", 0, "with --document: the event's number")
	witnessPolicyOf := witnessFlags(fs)
	files, err := parseInterleaved(fs, args, stderr)
	if err != nil {
		return err
	}
	const usageVerify = "usage: ikrar verify FILE.pdf --key KEYFILE [--revocations FILE] [--online URL [--state DIR | --no-state] [--witnesses FILE --witness-quorum N]]  or  ikrar verify --qr TEXT --key KEYFILE [--revocations FILE] [--online URL [--state DIR | --no-state] [--witnesses FILE --witness-quorum N]]"
	if *keyFile == "" || (len(files) == 1) == (*qr != "") || len(files) > 1 || (*state != "" && *noState) || (*online == "" && (*state != "" || *noState)) {
		return exitError{code: 2, msg: usageVerify}
	}
	witnesses, err := witnessPolicyOf()
	if err != nil {
		return exitError{code: 2, msg: err.Error()}
	}
	if witnesses.quorum > 0 && *online == "" {
		return exitError{code: 2, msg: "--witnesses checks the registry's checkpoint, which only --online fetches; " + usageVerify}
	}
	keys, verifiers, err := readVerifierKeys(*keyFile)
	if err != nil {
		return exitError{code: 2, msg: err.Error()}
	}
	var revocations []byte
	if *revFile != "" {
		if revocations, err = os.ReadFile(*revFile); err != nil {
			return exitError{code: 2, msg: fmt.Sprintf("read revocation list: %v", err)}
		}
	}
	var base string
	var mem *verifyMemory
	if *online != "" {
		if base, err = registryURL(*online); err != nil {
			return exitError{code: 2, msg: err.Error()}
		}
		if !*noState {
			mem = &verifyMemory{path: *state, verifiers: verifiers}
			if mem.path == "" {
				if mem.path, err = defaultStateDir(os.UserCacheDir); err != nil {
					return exitError{code: 2, msg: err.Error()}
				}
			}
		}
	}

	v := &verdict{out: stdout, witnesses: witnesses}
	if *document {
		if base == "" || *eventID <= 0 || len(files) != 1 {
			return exitError{code: 2, msg: "usage: ikrar verify --document FILE.pdf --event ID --key KEYFILE --online URL [--state DIR | --no-state] [--witnesses FILE --witness-quorum N]"}
		}
		b, err := os.ReadFile(files[0])
		if err != nil {
			return exitError{code: 2, msg: fmt.Sprintf("read document: %v", err)}
		}
		checkDocument(ctx, newHTTPClient(), base, *eventID, b, verifiers, mem, v)
		return v.result()
	}
	var pdf []byte
	text := *qr
	if len(files) == 1 {
		if pdf, err = os.ReadFile(files[0]); err != nil {
			return exitError{code: 2, msg: fmt.Sprintf("read certificate: %v", err)}
		}
		if text, err = certificate.QRTextFromPDF(pdf); err != nil {
			v.fail("BUKAN SERTIFIKAT IKRAR / NOT AN IKRAR CERTIFICATE", "berkas ini tidak memuat kode QR ikrar / the file carries no ikrar QR code")
			return v.result()
		}
	}
	claim, origin, ok := checkClaim(text, keys, v)
	if !ok {
		return v.result()
	}
	if pdf != nil {
		checkPDFFile(pdf, text, claim.Code, origin, verifiers, base != "", v)
	}
	if revocations != nil {
		checkRevocationFile(revocations, verifiers, claim.Code, origin, v)
	}
	if base != "" {
		if u, err := url.Parse(text); err == nil && !strings.EqualFold(u.Host, hostOf(base)) {
			fmt.Fprintf(stdout, "Catatan / Note: QR menunjuk %s, diperiksa pada %s / the QR names %s, checked at %s\n", u.Host, hostOf(base), u.Host, hostOf(base))
		}
		checkOnline(ctx, newHTTPClient(), base, claim, origin, pdf, verifiers, mem, v)
	} else if revocations == nil {
		fmt.Fprintln(stdout, "Catatan / Note: pemeriksaan luring tidak melihat pencabutan; gunakan --online / an offline check cannot see revocations; use --online")
	}
	return v.result()
}

// verdict collects the outcome of each check and prints it as it goes.
type verdict struct {
	out   io.Writer
	fails []string
	// witnesses is who must have cosigned the checkpoint an online check
	// proves the record in.
	witnesses witnessPolicy
}

func (v *verdict) pass(label, detail string) { fmt.Fprintf(v.out, "  ok  %s: %s\n", label, detail) }

func (v *verdict) fail(label, detail string) {
	fmt.Fprintf(v.out, "  !!  %s: %s\n", label, detail)
	v.fails = append(v.fails, label)
}

func (v *verdict) result() error {
	if len(v.fails) == 0 {
		fmt.Fprintln(v.out, "HASIL / RESULT: SAH / VALID")
		return nil
	}
	fmt.Fprintln(v.out, "HASIL / RESULT:", v.fails[0])
	return exitError{code: 1, msg: "certificate not valid: " + strings.Join(v.fails, "; ")}
}

// onlineRecord is what the verifier reads of GET /api/v1/certificates/{code}.
type onlineRecord struct {
	Status       string    `json:"status"`
	Code         string    `json:"code"`
	EventID      int64     `json:"event_id"`
	SignedAt     time.Time `json:"signed_at"`
	Channel      string    `json:"channel"`
	PledgeHash   string    `json:"pledge_hash"`
	IdentityHash string    `json:"identity_hash"`
	// ScanSHA256 is the hash of a paper signature's scan, which its leaf
	// commits to.
	ScanSHA256 string `json:"scan_sha256"`
	Erased     bool   `json:"erased"`
	leafFields
	// Verdict is what the registry checked before answering its status.
	Verdict *struct {
		Checks []struct {
			Name   string `json:"name"`
			OK     bool   `json:"ok"`
			Detail string `json:"detail"`
		} `json:"checks"`
	} `json:"verdict"`
	Revocation *struct {
		Reason    string    `json:"reason"`
		RevokedAt time.Time `json:"revoked_at"`
		Log       *leafRef  `json:"log"`
	} `json:"revocation"`
	Log *struct {
		LeafIndex  int64  `json:"leaf_index"`
		LeafHash   string `json:"leaf_hash"`
		Checkpoint string `json:"checkpoint"`
		Verified   bool   `json:"inclusion_verified"`
		Problem    string `json:"problem"`
		// RevocationLeaf is the leaf of the revocation, if the record
		// says it was revoked.
		RevocationLeaf *int64 `json:"revocation_leaf_index"`
		leafProof
	} `json:"log"`
}

// checkOnline asks the registry at base about the certificate: whether it
// knows it, whether its record still says what the QR signed, whether it
// was revoked (by its record and by its signed revocation list, which
// must agree), whether its log leaf is in a checkpoint signed by a known
// key, and (for a PDF) whether the file is the one issued. origin is the
// registry whose key signed the claim, "" if none did. mem, if not nil,
// remembers the log's checkpoint and checks it against those seen before.
func checkOnline(ctx context.Context, client *http.Client, base string, claim qrClaim, origin string, pdf []byte, verifiers note.Verifiers, mem *verifyMemory, v *verdict) {
	const offline = "TIDAK DAPAT DIPERIKSA DARING / COULD NOT CHECK ONLINE"
	certURL := base + "/api/v1/certificates/" + url.PathEscape(claim.Code)
	var rec onlineRecord
	status, err := fetchJSON(ctx, client, http.MethodGet, certURL, nil, &rec)
	switch {
	case status == http.StatusNotFound:
		v.fail("TIDAK DITEMUKAN / NOT FOUND", "registri tidak mengenal sertifikat "+claim.Code+" / the registry does not know certificate "+claim.Code)
		return
	case err != nil:
		v.fail(offline, err.Error())
		return
	}
	claim.compare(rec, v)
	if rec.Verdict != nil {
		for _, c := range rec.Verdict.Checks {
			if c.OK {
				v.pass("REGISTRI / REGISTRY "+c.Name, c.Detail)
			} else {
				v.fail("TIDAK SAH / NOT VALID ("+c.Name+")", "registri melaporkan / the registry reports: "+c.Detail)
			}
		}
	}
	checkRevocation(ctx, client, base, claim.Code, origin, rec, verifiers, v)
	if rec.Erased {
		fmt.Fprintln(v.out, "  --  Data pribadi pemegang telah dihapus atas permintaan yang sah; catatan tetap sah / the holder's personal data was erased on a lawful request; the record still stands")
	}
	if rec.Log != nil {
		checkLogged(ctx, client, base, rec, pdf, verifiers, mem, v)
	}
	if pdf == nil {
		return
	}
	var cmp struct {
		SHA256       string `json:"sha256"`
		IssuedSHA256 string `json:"issued_sha256"`
		Matches      bool   `json:"matches"`
	}
	if _, err := fetchJSON(ctx, client, http.MethodPost, certURL+"/pdf", pdf, &cmp); err != nil {
		v.fail(offline, "PDF: "+err.Error())
		return
	}
	if !cmp.Matches {
		v.fail("PDF DIUBAH / ALTERED PDF", fmt.Sprintf("berbeda dari PDF yang diterbitkan / not the PDF that was issued (sha256 %s, issued %s)", cmp.SHA256, cmp.IssuedSHA256))
		return
	}
	v.pass("PDF ASLI / ORIGINAL PDF", "sama persis dengan PDF yang diterbitkan / byte for byte the PDF that was issued")
}

// checkLogged verifies, rather than trusts, the registry's log claim: the
// checkpoint it names is signed by a key from the key file, the record's
// leaf recomputed here from the fields the registry answered is the leaf
// the registry names, and an inclusion proof checked here puts it in the
// checkpoint; a revocation's leaf likewise. A registry that does not
// answer the identity commitment (older versions) leaves the leaf hash
// taken on trust, and the output says so. The checkpoint must agree with
// every one mem remembers of the log.
func checkLogged(ctx context.Context, client *http.Client, base string, rec onlineRecord, pdf []byte, verifiers note.Verifiers, mem *verifyMemory, v *verdict) {
	const label = "LOG TIDAK COCOK / NOT PROVED IN LOG"
	l := rec.Log
	if (l.Problem != "" || !l.Verified) && rec.Verdict == nil {
		v.fail(label, "registri melaporkan / the registry reports: "+l.Problem)
	}
	cp, err := translog.OpenCheckpoint([]byte(l.Checkpoint), verifiers)
	if err != nil {
		v.fail(label, fmt.Sprintf("checkpoint tidak sah / checkpoint does not verify: %v", err))
		return
	}
	if problem := v.witnesses.check([]byte(l.Checkpoint), verifiers, v.out); problem != "" {
		v.fail("TIDAK DISAKSIKAN / NOT WITNESSED", problem)
		return
	}
	served, err := tlog.ParseHash(l.LeafHash)
	if err != nil {
		v.fail(label, fmt.Sprintf("leaf hash %q: %v", l.LeafHash, err))
		return
	}
	sig := registry.Signature{Code: rec.Code, EventID: rec.EventID, PledgeHash: rec.PledgeHash, SignedAt: rec.SignedAt,
		Channel: registry.Channel(rec.Channel), IdentityHash: rec.IdentityHash, ScanHash: rec.ScanSHA256}
	hash, how := served, "hash daun diterima dari registri tanpa dihitung ulang / leaf hash taken on trust from the registry"
	if len(l.LeafPreimage) > 0 {
		if !checkLeafContents(rec, served, v) {
			return
		}
		hash, how = served, "daun dihitung ulang di sini dari byte-nya, yang sama dengan jawaban registri / leaf recomputed here from its bytes, which say what the registry answered"
	} else if rec.IdentityHash != "" {
		hash, how = leaf.Signature(sig).Hash(), "daun dihitung ulang di sini dari catatan / leaf recomputed here from the record"
		if hash != served {
			v.fail("DAUN BERBEDA / LEAF MISMATCH", "daun yang dihitung ulang dari catatan registri berbeda dari daun yang disebut registri / the leaf recomputed from the registry's record differs from the leaf the registry names")
			return
		}
	}
	if err := proveIncluded(ctx, client, base, cp, l.LeafIndex, hash); err != nil {
		v.fail(label, err.Error())
		return
	}
	v.pass("TERCATAT / LOGGED", fmt.Sprintf("entri %d termuat dalam checkpoint bertanda tangan berukuran %d / leaf %d is in the signed checkpoint of size %d (proof checked here; %s)",
		l.LeafIndex, cp.Size, l.LeafIndex, cp.Size, how))
	mem.check(ctx, client, base, cp, []byte(l.Checkpoint), v)
	checkPledgeText(ctx, client, base, rec.PledgeHash, v)
	if l.Issuance != nil || pdf != nil {
		checkIssuance(ctx, client, base, cp, rec, served, pdf, v)
	}
	if rec.Revocation != nil && rec.Revocation.Log != nil {
		checkRevocationLeaf(ctx, client, base, cp, rec, served, v)
		return
	}
	if rec.Revocation == nil || l.RevocationLeaf == nil || rec.IdentityHash == "" {
		return
	}
	rl := leaf.Revocation(sig, registry.Revocation{Reason: rec.Revocation.Reason, RevokedAt: rec.Revocation.RevokedAt}).Hash()
	if err := proveIncluded(ctx, client, base, cp, *l.RevocationLeaf, rl); err != nil {
		v.fail("PENCABUTAN TIDAK TERBUKTI / REVOCATION NOT PROVED IN LOG", err.Error())
		return
	}
	v.pass("PENCABUTAN TERCATAT / REVOCATION LOGGED", fmt.Sprintf("daun pencabutan %d dihitung ulang di sini dan termuat dalam checkpoint / revocation leaf %d recomputed here and in the checkpoint", *l.RevocationLeaf, *l.RevocationLeaf))
}

// proveIncluded checks, with a proof fetched from the registry, that leaf
// is leaf index of the signed checkpoint cp.
func proveIncluded(ctx context.Context, client *http.Client, base string, cp translog.Checkpoint, index int64, leaf tlog.Hash) error {
	if index < 0 || index >= cp.Size {
		return fmt.Errorf("entri %d tidak ada dalam checkpoint berukuran %d / leaf %d is not in the checkpoint of size %d", index, cp.Size, index, cp.Size)
	}
	var p proofResponse
	u := fmt.Sprintf("%s/api/v1/log/proof/inclusion?index=%d&size=%d", base, index, cp.Size)
	if _, err := fetchJSON(ctx, client, http.MethodGet, u, nil, &p); err != nil {
		return err
	}
	proof, err := p.hashes()
	if err != nil {
		return err
	}
	if err := translog.CheckInclusion(proof, cp.Size, cp.Root, index, leaf); err != nil {
		return fmt.Errorf("bukti inklusi gagal / inclusion proof fails: %v", err)
	}
	return nil
}

// proofResponse is the JSON of the log's proof endpoints.
type proofResponse struct {
	From  int64    `json:"from"`
	Size  int64    `json:"size"`
	Root  string   `json:"root"`
	Proof []string `json:"proof"`
}

func (p proofResponse) hashes() ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(p.Proof))
	for i, s := range p.Proof {
		h, err := tlog.ParseHash(s)
		if err != nil {
			return nil, fmt.Errorf("proof hash %d: %v", i, err)
		}
		out[i] = h
	}
	return out, nil
}

// readVerifierKeys reads a key file: the verifier keys the registry
// publishes at /api/v1/log/key, one per line.
func readVerifierKeys(path string) ([]string, note.Verifiers, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read key file: %w", err)
	}
	verifiers, err := translog.ParseVerifierKeys(string(b))
	if err != nil {
		return nil, nil, fmt.Errorf("key file %s: %w", path, err)
	}
	return strings.Fields(string(b)), verifiers, nil
}

// registryURL checks a registry base URL and drops its trailing slash.
func registryURL(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%q is not a registry base URL such as https://ikrar.example.go.id", s)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

func hostOf(base string) string {
	u, _ := url.Parse(base)
	return u.Host
}

// newHTTPClient is the client the verifier and the auditor use: a registry
// that does not answer must not hang them.
func newHTTPClient() *http.Client { return &http.Client{Timeout: 20 * time.Second} }

// maxResponseBytes bounds what is read from a registry.
const maxResponseBytes = 4 << 20

// fetch sends a request to the registry and returns the status and body;
// an error for a failed request or any status but 200, carrying the API's
// error message.
func fetch(ctx context.Context, client *http.Client, method, url string, body []byte) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("User-Agent", "ikrar-cli")
	if body != nil {
		req.Header.Set("Content-Type", "application/pdf")
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err // a *url.Error, which names the method and URL
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return resp.StatusCode, nil, fmt.Errorf("%s %s: %w", method, url, err)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error struct {
				Message string `json:"message"`
			} `json:"error"`
		}
		msg := strings.TrimSpace(string(b))
		if json.Unmarshal(b, &e) == nil && e.Error.Message != "" {
			msg = e.Error.Message
		}
		if len(msg) > 200 {
			msg = msg[:200] + "…"
		}
		return resp.StatusCode, b, fmt.Errorf("%s %s: HTTP %d: %s", method, url, resp.StatusCode, msg)
	}
	return resp.StatusCode, b, nil
}

// fetchJSON is fetch that decodes a 200 answer into v.
func fetchJSON(ctx context.Context, client *http.Client, method, url string, body []byte, v any) (int, error) {
	status, b, err := fetch(ctx, client, method, url, body)
	if err != nil {
		return status, err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return status, fmt.Errorf("%s %s: %w", method, url, err)
	}
	return status, nil
}

// parseInterleaved parses flags that may come before or after positional
// arguments ("ikrar verify FILE --key K") and returns the positional ones.
func parseInterleaved(fs *flag.FlagSet, args []string, stderr io.Writer) ([]string, error) {
	var positional []string
	for {
		if err := parseFlags(fs, args, stderr); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(positional, rest...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}
