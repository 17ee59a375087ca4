package storetest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"reflect"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// Population is what Populate wrote.
type Population struct {
	Codes []string // every record's certificate code
	Event registry.Event
	Users []int64
}

// Populate fills s with a little of everything a registry holds: a tree,
// a roster, records of every channel and ink, a revocation and a new
// record after it, a stored certificate, a paper scan, a document, a
// checkpoint, users with sessions and tokens, audit entries, privacy
// settings, a retention date, a witness, a participant list, a reissued
// link and a logo: the fixture of a move from one store to another.
func Populate(t *testing.T, s Store) Population {
	t.Helper()
	tr := mustTree(t, s)
	w := mustWorld(t, s, 6)
	var pop Population
	pop.Event = w.event
	sign := func(sig *registry.Signature) {
		mustSign(t, s, sig)
		pop.Codes = append(pop.Codes, sig.Code)
	}
	typed := w.signing(0, "POPTYPED0001")
	sign(typed)
	drawn := w.signing(1, "POPDRAWN0001")
	drawn.Ink = registry.Ink{Kind: registry.InkStrokes, Strokes: []registry.Stroke{{Points: []registry.Point{{X: 1, Y: 2, T: 3}, {X: 4, Y: 5, T: 9}}}}}
	sign(drawn)
	paper := w.signing(2, "POPPAPER0001")
	scan := []byte("a scanned sheet")
	sum := sha256.Sum256(scan)
	paper.Channel, paper.Witness, paper.ScanHash = registry.ChannelPaper, "Rina", hex.EncodeToString(sum[:])
	paper.Scan = &registry.PaperScan{ContentType: "image/png", Data: scan}
	sign(paper)
	mustRevoke(t, s, typed.ID)
	sign(w.signing(0, "POPAGAIN0001"))
	if stored, err := s.StorePDF(ctx, issuedPDF(drawn.ID, "%PDF-1.4 drawn")); err != nil || !stored {
		t.Fatalf("store certificate: %v, %v", stored, err)
	}
	doc := []byte("%PDF-1.7 berita acara")
	dsum := sha256.Sum256(doc)
	d := registry.EventDocument{EventID: w.event.ID, Purpose: registry.PurposeBeritaAcara, SHA256: hex.EncodeToString(dsum[:]),
		UploadedBy: 1, UploaderName: "Admin", UploadedAt: at}
	if err := s.AddEventDocument(ctx, &d, doc); err != nil {
		t.Fatal(err)
	}
	size, err := s.LogSize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	root, err := translog.TreeHash(size, s.HashReader(ctx))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveCheckpoint(ctx, translog.SignedCheckpoint{Size: size, Root: root, Note: []byte("a signed note\n")}, at); err != nil {
		t.Fatal(err)
	}
	for i, role := range []registry.Role{registry.RoleSuperadmin, registry.RoleAdmin} {
		org := int64(0)
		if role != registry.RoleSuperadmin {
			org = tr.regency1.ID
		}
		u := mustUser(t, s, fmt.Sprintf("user%d@example.id", i), role, org)
		pop.Users = append(pop.Users, u.ID)
		if err := s.CreateSession(ctx, fmt.Sprintf("session-%d", i), u.ID, at.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		tok := registry.APIToken{UserID: u.ID, Name: "rekap", CreatedAt: at, ExpiresAt: at.Add(time.Hour)}
		if err := s.CreateToken(ctx, fmt.Sprintf("token-%d", i), &tok); err != nil {
			t.Fatal(err)
		}
		if err := s.AppendAudit(ctx, registry.AuditEntry{At: at, UserID: u.ID, UserName: u.Name, Action: "user.login", OrgID: org, IP: "10.0.0.1"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.SetPrivacySettings(ctx, registry.PrivacySettings{OrgID: tr.province.ID, Contact: "ppid@example.id", StrokeTiming: true}, at); err != nil {
		t.Fatal(err)
	}
	if err := s.SetEventRetention(ctx, w.event.ID, at.Add(365*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	wit := registry.Witness{EventID: w.event.ID, Name: "Saksi", Position: "Ketua", Institution: "Bawaslu"}
	if err := s.SaveWitness(ctx, &wit); err != nil {
		t.Fatal(err)
	}
	if err := s.SetEventParticipants(ctx, w.event.ID, []int64{w.emps[0].ID, w.emps[1].ID, w.emps[2].ID, w.emps[3].ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.NextLinkGeneration(ctx, w.event.ID, w.emps[3].ID); err != nil {
		t.Fatal(err)
	}
	if err := s.SetOrgLogo(ctx, tr.province.ID, []byte("logo png"), at); err != nil {
		t.Fatal(err)
	}
	return pop
}

// SameRegistry checks that to holds what from does, as users and
// verifiers see it: every record and its certificate, the log (its
// entries, stored tree, checkpoints and revocations), the dashboard, the
// users, their sessions and tokens, the audit trail and the settings;
// then that to takes a new record whose leaf extends the log.
func SameRegistry(t *testing.T, from, to Store, pop Population) {
	t.Helper()
	same := func(what string, get func(s Store) (any, error)) {
		t.Helper()
		a, errA := get(from)
		b, errB := get(to)
		if errA != nil || errB != nil || !reflect.DeepEqual(a, b) {
			t.Errorf("%s:\n from %+v (%v)\n   to %+v (%v)", what, a, errA, b, errB)
		}
	}
	for _, code := range pop.Codes {
		same("record "+code, func(s Store) (any, error) { return s.SignatureByCode(ctx, code) })
		same("certificate of "+code, func(s Store) (any, error) {
			sig, err := s.SignatureByCode(ctx, code)
			if err != nil {
				return nil, err
			}
			pdf, err := s.IssuedPDF(ctx, sig.ID)
			if registry.IsCode(err, registry.ENOTFOUND) {
				return "none", nil
			}
			return pdf, err
		})
	}
	size, err := from.LogSize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	same("log size", func(s Store) (any, error) { return s.LogSize(ctx) })
	same("log entries", func(s Store) (any, error) { return s.LeafEntries(ctx, 0, size) })
	same("tree", func(s Store) (any, error) { return translog.TreeHash(size, s.HashReader(ctx)) })
	same("checkpoints", func(s Store) (any, error) { return s.Checkpoints(ctx) })
	same("revocations", func(s Store) (any, error) { return s.RevokedCodes(ctx, 0, size) })
	same("progress", func(s Store) (any, error) {
		p, err := s.Progress(ctx, pop.Event, "/", at, 10)
		return []any{p.Signed(), len(p.Units), p.Curve, p.Latest}, err
	})
	same("stats", func(s Store) (any, error) { return s.EventStats(ctx, pop.Event) })
	same("participants", func(s Store) (any, error) { return s.Participants(ctx, pop.Event, "/") })
	same("documents", func(s Store) (any, error) { return s.EventDocuments(ctx, pop.Event.ID) })
	same("witnesses", func(s Store) (any, error) { return s.Witnesses(ctx, pop.Event.ID) })
	same("link generations", func(s Store) (any, error) { return s.LinkGenerations(ctx, pop.Event.ID) })
	same("retention", func(s Store) (any, error) { return s.EventRetention(ctx, pop.Event.ID) })
	same("audit", func(s Store) (any, error) { return s.Audit(ctx, "/", 100) })
	same("users", func(s Store) (any, error) { return s.Users(ctx, "/") })
	same("personal data", func(s Store) (any, error) { return s.PersonalDataReport(ctx) })
	for i, id := range pop.Users {
		same(fmt.Sprintf("session %d", i), func(s Store) (any, error) { return s.UserBySession(ctx, fmt.Sprintf("session-%d", i), at) })
		same(fmt.Sprintf("tokens %d", i), func(s Store) (any, error) { return s.Tokens(ctx, id) })
	}
	// The moved registry goes on: a new record takes the next leaf, and
	// the log audits against the checkpoint signed before the move.
	emps, _, err := to.Employees(ctx, registry.EmployeeFilter{Scope: "/", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	w := world{event: pop.Event, emps: emps}
	var next *registry.Signature
	for i := range emps {
		_, err := to.SignatureFor(ctx, pop.Event.ID, emps[i].ID)
		if listed, _ := to.Listed(ctx, pop.Event.ID, emps[i].ID); registry.IsCode(err, registry.ENOTFOUND) && listed {
			next = mustSign(t, to, w.signing(i, "AFTERMOVE001"))
			break
		}
	}
	if next == nil || next.LeafIndex != size {
		t.Fatalf("a record after the move: %+v, want leaf %d", next, size)
	}
	entries, err := to.LeafEntries(ctx, 0, size+1)
	if err != nil {
		t.Fatal(err)
	}
	leaves := make([]tlog.Hash, len(entries))
	for i, e := range entries {
		leaves[i] = e.Hash()
	}
	cps, err := to.Checkpoints(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var checks []translog.Checkpoint
	for _, c := range cps {
		checks = append(checks, translog.Checkpoint{Size: c.Size, Root: c.Root})
	}
	report, err := translog.Audit(leaves, to.HashReader(ctx), size+1, checks)
	if err != nil || !report.OK() {
		t.Fatalf("audit after the move: %v, %+v", err, report)
	}
}
