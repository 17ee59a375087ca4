package storetest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// world is an open event of a regency and n of its employees.
type world struct {
	event registry.Event
	emps  []registry.Employee
}

func mustWorld(t testing.TB, s Store, n int) world {
	t.Helper()
	org := mustOrg(t, s, 0, "Pemerintah Kabupaten Uji", registry.OrgRegency)
	p := mustPledge(t, s, pledgeText("Ikrar", 0))
	var emps []registry.Employee
	for i := range n {
		emps = append(emps, employee(nip(i), fmt.Sprintf("Pegawai %d", i), "Sekretariat"))
	}
	mustImport(t, s, org.ID, emps...)
	all, _, err := s.Employees(ctx, registry.EmployeeFilter{Scope: org.Path, Limit: n})
	if err != nil || len(all) != n {
		t.Fatalf("%d employees, %v; want %d", len(all), err, n)
	}
	return world{event: mustEvent(t, s, event(org.ID, p.ID, "apel", at)), emps: all}
}

// signing is employee i's record of w's event, under code.
func (w world) signing(i int, code string) *registry.Signature {
	e := w.emps[i]
	return &registry.Signature{EventID: w.event.ID, EmployeeID: e.ID, Code: code, NIP: e.NIP, Name: e.Name, Unit: e.Unit,
		OrgName: "Pemerintah Kabupaten Uji", Category: e.Category, PledgeHash: pledgeText("Ikrar", 0).Hash,
		Ink: registry.Ink{Kind: registry.InkTyped, Typed: e.Name}, Consent: true, SignedAt: at.Add(time.Duration(i) * time.Second),
		Channel: registry.ChannelEventCode, ClientIP: "10.1.2.3", UserAgent: "uji", IdentitySalt: []byte("0123456789abcdef"),
		LeafVersion: translog.LeafV2, EventTitle: w.event.Title, EventOrg: "Pemerintah Kabupaten Uji", EventStarts: w.event.StartsAt}
}

func mustSign(t testing.TB, s Store, sig *registry.Signature) *registry.Signature {
	t.Helper()
	if err := s.InsertSignature(ctx, sig); err != nil {
		t.Fatalf("sign %s: %v", sig.Code, err)
	}
	return sig
}

func mustRevoke(t *testing.T, s Store, id int64) registry.Revocation {
	t.Helper()
	r := registry.Revocation{SignatureID: id, Reason: "Ditandatangani orang lain", UserID: 1, UserName: "Admin", RevokedAt: at.Add(time.Hour)}
	if err := s.InsertRevocation(ctx, &r); err != nil {
		t.Fatalf("revoke %d: %v", id, err)
	}
	return r
}

// mustAuditLog checks that the log holds want leaves, each claimed by
// exactly one row whose recomputed entry hashes to it, and that the
// stored tree is the one those leaves make.
func mustAuditLog(t *testing.T, s Store, want int64) {
	t.Helper()
	size, err := s.LogSize(ctx)
	if err != nil || size != want {
		t.Fatalf("log size %d (%v), want %d", size, err, want)
	}
	entries, err := s.LeafEntries(ctx, 0, size)
	if err != nil {
		t.Fatal(err)
	}
	leaves := make([]tlog.Hash, len(entries))
	for i, e := range entries {
		leaves[i] = e.Hash()
	}
	report, err := translog.Audit(leaves, s.HashReader(ctx), size, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !report.OK() {
		t.Fatalf("audit findings: %v", report.Findings)
	}
}

// A record reads back as signed, sealed with its identity and holder
// hashes, its leaf and serial; the public look-up leaves the ink out.
func testSignatureRoundTrip(t *testing.T, s Store) {
	w := mustWorld(t, s, 2)
	sig := w.signing(1, "ROUNDTRIP001")
	sig.Ink = registry.Ink{Kind: registry.InkStrokes, Strokes: []registry.Stroke{{Points: []registry.Point{{X: 1, Y: 2}, {X: 30, Y: 40}}}}}
	mustSign(t, s, sig)
	if sig.ID == 0 || sig.LeafIndex != 0 || sig.IdentityHash == "" || sig.HolderHash == "" || sig.Serial == "" {
		t.Fatalf("after InsertSignature: ID %d, leaf %d, identity %q, holder %q, serial %q", sig.ID, sig.LeafIndex, sig.IdentityHash, sig.HolderHash, sig.Serial)
	}
	want := *sig
	got, err := s.SignatureByCode(ctx, sig.Code)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("SignatureByCode:\n got %+v\nwant %+v", got, want)
	}
	if got, err := s.SignatureFor(ctx, w.event.ID, w.emps[1].ID); err != nil || got.ID != sig.ID {
		t.Errorf("SignatureFor: %d, %v; want %d", got.ID, err, sig.ID)
	}
	_, err = s.SignatureFor(ctx, w.event.ID, w.emps[0].ID)
	wantCode(t, "SignatureFor someone who has not signed", err, registry.ENOTFOUND)
	lookup, err := s.SignatureLookup(ctx, sig.Code)
	if err != nil {
		t.Fatal(err)
	}
	want.Ink = registry.Ink{Kind: registry.InkStrokes}
	if !reflect.DeepEqual(lookup, want) {
		t.Errorf("SignatureLookup:\n got %+v\nwant %+v", lookup, want)
	}
	_, err = s.SignatureByCode(ctx, "NOSUCHCODE00")
	wantCode(t, "a code no record has", err, registry.ENOTFOUND)
	mustAuditLog(t, s, 1)
}

// Concurrent signings commit in batches; duplicates for one person fail
// alone with a conflict; every stored record has its own leaf, and the
// log recomputed from the rows matches the stored tree.
func testConcurrentSignings(t *testing.T, s Store) {
	const n = 300 // 600 signings at once: more than one batch (groupcommit.Max)
	w := mustWorld(t, s, n)
	signTwice(t, w, []Store{s}, "C")
	mustAuditLog(t, s, n)
}

// A signing that fails for a reason other than a second standing record
// (here its certificate code is taken) fails alone among signings stored
// at the same moment, in the same batch as like as not: the others are
// stored, and the log has one leaf each, with no gap.
func testCodeTakenFailsAlone(t *testing.T, s Store) {
	const n, taken = 60, 6
	w := mustWorld(t, s, n+1)
	first := mustSign(t, s, w.signing(n, "TAKEN0000000"))
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		code := fmt.Sprintf("T%011d", i)
		if i%(n/taken) == n/taken/2 {
			code = first.Code
		}
		wg.Go(func() { errs[i] = s.InsertSignature(ctx, w.signing(i, code)) })
	}
	wg.Wait()
	refused := 0
	for i, err := range errs {
		if i%(n/taken) != n/taken/2 {
			if err != nil {
				t.Errorf("signing %d beside the refused ones: %v", i, err)
			}
			continue
		}
		wantCode(t, fmt.Sprintf("signing %d with a taken code", i), err, registry.ECONFLICT)
		refused++
	}
	if refused != taken {
		t.Fatalf("%d signings had the taken code, want %d", refused, taken)
	}
	mustAuditLog(t, s, n+1-taken)
}

// signTwice has every employee of w sign twice at once, with different
// codes, through the stores in turn, and checks that one signing of each
// is stored and the other fails with a conflict.
func signTwice(t *testing.T, w world, stores []Store, prefix string) {
	t.Helper()
	n := len(w.emps)
	var wg sync.WaitGroup
	errs := make([]error, 2*n)
	for i := range 2 * n {
		s := stores[i%len(stores)]
		wg.Go(func() { errs[i] = s.InsertSignature(ctx, w.signing(i%n, fmt.Sprintf("%s%011d", prefix, i))) })
	}
	wg.Wait()
	ok, conflicts := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case registry.IsCode(err, registry.ECONFLICT):
			conflicts++
		default:
			t.Fatalf("unexpected error: %v", err)
		}
	}
	if ok != n || conflicts != n {
		t.Fatalf("stored %d, conflicts %d; want %d and %d", ok, conflicts, n, n)
	}
}

// Once a close has committed, no signing commits into the event.
func testNoSigningIntoClosedEvent(t *testing.T, s Store) {
	w := mustWorld(t, s, 2)
	first := mustSign(t, s, w.signing(0, "BEFORECLOSE1"))
	if err := s.SetEventStatus(ctx, w.event.ID, registry.StatusClosed, first.SignedAt.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	e, err := s.Event(ctx, w.event.ID)
	if err != nil {
		t.Fatal(err)
	}
	// A close is never earlier than a record committed before it.
	if !e.ClosedAt.After(first.SignedAt) {
		t.Errorf("closed at %v, before the record signed at %v", e.ClosedAt, first.SignedAt)
	}
	wantCode(t, "signing a closed event", s.InsertSignature(ctx, w.signing(1, "AFTERCLOSE01")), registry.ENOTOPEN)
	mustAuditLog(t, s, 1)
}

// After a revocation the person signs again: a new standing record, the
// revoked one kept revoked; phones re-signing at once make one standing
// record, the others fail with a conflict. A record is revoked once.
func testResignAfterRevocation(t *testing.T, s Store) {
	const phones = 8
	w := mustWorld(t, s, 2)
	first := mustSign(t, s, w.signing(0, "FIRST0000001"))
	r := mustRevoke(t, s, first.ID)
	if r.ID == 0 || r.LeafIndex != 1 || r.LeafVersion != translog.LeafV2 {
		t.Errorf("revocation %+v, want an ID and leaf 1 of version 2", r)
	}
	prev, err := s.SignatureFor(ctx, w.event.ID, w.emps[0].ID)
	if err != nil || prev.Code != first.Code || !prev.Revoked() || prev.Revocation.Reason != r.Reason || !prev.Revocation.RevokedAt.Equal(r.RevokedAt) {
		t.Fatalf("SignatureFor after the revocation: %s revocation %+v, %v; want the revoked %s", prev.Code, prev.Revocation, err, first.Code)
	}
	dup := registry.Revocation{SignatureID: first.ID, Reason: "lagi", UserID: 1, UserName: "Admin", RevokedAt: at}
	wantCode(t, "revoking a record twice", s.InsertRevocation(ctx, &dup), registry.ECONFLICT)

	var wg sync.WaitGroup
	errs := make([]error, phones)
	sigs := make([]*registry.Signature, phones)
	for i := range phones {
		sigs[i] = w.signing(0, fmt.Sprintf("PHONE%07d", i))
		wg.Go(func() { errs[i] = s.InsertSignature(ctx, sigs[i]) })
	}
	wg.Wait()
	var won *registry.Signature
	for i, err := range errs {
		switch {
		case err == nil && won == nil:
			won = sigs[i]
		case err == nil:
			t.Fatalf("two standing records, %s and %s", won.Code, sigs[i].Code)
		case !registry.IsCode(err, registry.ECONFLICT):
			t.Fatalf("%v, want a conflict", err)
		}
	}
	if won == nil {
		t.Fatal("no phone stored the new signing")
	}
	if got, err := s.SignatureFor(ctx, w.event.ID, w.emps[0].ID); err != nil || got.Code != won.Code || got.Revoked() {
		t.Fatalf("SignatureFor gives %s (revoked %v, %v), want the new %s", got.Code, got.Revoked(), err, won.Code)
	}
	if old, err := s.SignatureByCode(ctx, first.Code); err != nil || !old.Revoked() {
		t.Errorf("the first record after re-signing: revoked %v, %v; want it still revoked", old.Revoked(), err)
	}
	mustAuditLog(t, s, 3)
}

func issuedPDF(id int64, content string) registry.IssuedPDF {
	sum := sha256.Sum256([]byte(content))
	return registry.IssuedPDF{SignatureID: id, PDF: []byte(content), SHA256: hex.EncodeToString(sum[:]), IssuedAt: at.Add(time.Minute)}
}

// The first certificate stored is the one issued, logged once; a later
// one changes nothing; one whose fingerprint is not its bytes' is refused.
func testStorePDFOnce(t *testing.T, s Store) {
	const n = 20
	w := mustWorld(t, s, n)
	sigs := make([]*registry.Signature, n)
	for i := range n {
		sigs[i] = w.signing(i, fmt.Sprintf("C%011d", i))
	}
	mustSign(t, s, sigs[0])
	errs := make(chan error, n)
	for i := 1; i < n; i++ {
		go func() { errs <- s.InsertSignature(ctx, sigs[i]) }()
	}
	first := issuedPDF(sigs[0].ID, "%PDF-1.4 first")
	first.ClaimToken = "tok-a"
	go func() {
		stored, err := s.StorePDF(ctx, first)
		if err == nil && !stored {
			err = fmt.Errorf("the first certificate was not stored")
		}
		errs <- err
	}()
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	second := issuedPDF(sigs[0].ID, "%PDF-1.4 second")
	second.ClaimToken = "tok-b"
	if stored, err := s.StorePDF(ctx, second); err != nil || stored {
		t.Fatalf("second certificate: stored %v, %v", stored, err)
	}
	bad := issuedPDF(sigs[1].ID, "%PDF-1.4 x")
	bad.PDF = []byte("%PDF-1.4 y")
	if stored, err := s.StorePDF(ctx, bad); err == nil || stored {
		t.Errorf("a certificate whose fingerprint is not its bytes': stored %v, %v", stored, err)
	}
	got, err := s.SignatureByCode(ctx, sigs[0].Code)
	if err != nil {
		t.Fatal(err)
	}
	if got.PDFHash != first.SHA256 || got.ClaimToken != "tok-a" {
		t.Fatalf("pdf hash %q, claim %q, want the first ones", got.PDFHash, got.ClaimToken)
	}
	if got.Issuance == nil || got.Issuance.LeafIndex < 1 || got.Issuance.PDFHash != first.SHA256 || !got.Issuance.IssuedAt.Equal(first.IssuedAt) {
		t.Fatalf("issuance %+v, want a logged one with the first certificate's fingerprint and time", got.Issuance)
	}
	if pdf, err := s.IssuedPDF(ctx, sigs[0].ID); err != nil || string(pdf) != string(first.PDF) {
		t.Fatalf("stored certificate %q (%v), want the first", pdf, err)
	}
	_, err = s.IssuedPDF(ctx, sigs[1].ID)
	wantCode(t, "the certificate of a record without one", err, registry.ENOTFOUND)
	mustAuditLog(t, s, n+1)
}

// A checkpoint is kept once per size; the latest is the largest.
func testCheckpoints(t *testing.T, s Store) {
	_, err := s.LatestCheckpoint(ctx)
	wantCode(t, "the latest checkpoint of a log without one", err, registry.ENOTFOUND)
	cp := func(size int64, note string) translog.SignedCheckpoint {
		return translog.SignedCheckpoint{Size: size, Root: tlog.Hash{byte(size)}, Note: []byte(note)}
	}
	for _, c := range []translog.SignedCheckpoint{cp(0, "zero"), cp(5, "five"), cp(3, "three"), cp(5, "five again")} {
		if err := s.SaveCheckpoint(ctx, c, at); err != nil {
			t.Fatal(err)
		}
	}
	if c, err := s.LatestCheckpoint(ctx); err != nil || !reflect.DeepEqual(c, cp(5, "five")) {
		t.Errorf("latest: %+v, %v; want the first of size 5", c, err)
	}
	if c, err := s.CheckpointAt(ctx, 3); err != nil || !reflect.DeepEqual(c, cp(3, "three")) {
		t.Errorf("at 3: %+v, %v", c, err)
	}
	_, err = s.CheckpointAt(ctx, 4)
	wantCode(t, "a size without a checkpoint", err, registry.ENOTFOUND)
	all, err := s.Checkpoints(ctx)
	if err != nil || len(all) != 3 || all[0].Size != 0 || all[1].Size != 3 || all[2].Size != 5 {
		t.Errorf("Checkpoints: %+v, %v; want sizes 0, 3, 5", all, err)
	}
}

// The revocation list as of a size names the certificates revoked below
// it, erased ones included, once the rows account for every leaf.
func testRevokedCodes(t *testing.T, s Store) {
	w := mustWorld(t, s, 3)
	b := mustSign(t, s, w.signing(1, "BBBB00000001"))
	a := mustSign(t, s, w.signing(0, "AAAA00000001"))
	mustSign(t, s, w.signing(2, "CCCC00000001"))
	mustRevoke(t, s, b.ID) // leaf 3
	mustRevoke(t, s, a.ID) // leaf 4
	if err := s.EraseSignature(ctx, a.ID, at); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		from, size int64
		want       []string
	}{
		{0, 3, nil},
		{0, 4, []string{b.Code}},
		{3, 5, []string{a.Code, b.Code}},
	} {
		got, err := s.RevokedCodes(ctx, c.from, c.size)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("RevokedCodes(%d, %d): %v, %v; want %v", c.from, c.size, got, err, c.want)
		}
	}
	if _, err := s.RevokedCodes(ctx, 0, 6); !errors.Is(err, translog.ErrUnclaimedLeaves) {
		t.Errorf("a size past the log: %v, want %v", err, translog.ErrUnclaimedLeaves)
	}
}

// An officer's record of a paper sheet commits with its scan and its
// audit entry, after the event's close too; a second one for the same
// person fails alone and leaves neither scan nor entry.
func testPaperRecordAudited(t *testing.T, s Store) {
	w := mustWorld(t, s, 2)
	if err := s.SetEventStatus(ctx, w.event.ID, registry.StatusClosed, at); err != nil {
		t.Fatal(err)
	}
	paper := func(code string) (*registry.Signature, *registry.PendingAudit) {
		sig := w.signing(0, code)
		scan := []byte("sheet " + code)
		sum := sha256.Sum256(scan)
		sig.Channel, sig.Witness, sig.ScanHash = registry.ChannelPaper, "Rina", hex.EncodeToString(sum[:])
		sig.Scan = &registry.PaperScan{ContentType: "image/png", Data: scan}
		p := &registry.PendingAudit{Entry: registry.AuditEntry{At: at, UserID: 1, UserName: "Petugas", Action: "signature.paper"}}
		p.Finish = func(a *registry.AuditEntry) { a.Target = "signature:" + sig.Code }
		return sig, p
	}
	first, p1 := paper("PAPER0000001")
	if err := s.InsertSignature(registry.WithAudit(ctx, p1), first); err != nil {
		t.Fatalf("a paper record after the close: %v", err)
	}
	second, p2 := paper("PAPER0000002")
	wantCode(t, "a second paper record for the same person", s.InsertSignature(registry.WithAudit(ctx, p2), second), registry.ECONFLICT)
	if scan, err := s.PaperScan(ctx, first.ID); err != nil || string(scan.Data) != "sheet PAPER0000001" {
		t.Errorf("the first record's scan: %q, %v", scan.Data, err)
	}
	entries, err := s.Audit(ctx, "/", 10)
	if err != nil || len(entries) != 1 || entries[0].Target != "signature:PAPER0000001" {
		t.Errorf("audit entries %+v, %v; want the first record's only", entries, err)
	}
	if registry.AuditOf(registry.WithAudit(ctx, p1)) != nil || registry.AuditOf(registry.WithAudit(ctx, p2)) == nil {
		t.Error("the committed entry is not marked written, or the failed one is")
	}
	mustAuditLog(t, s, 1)
}
