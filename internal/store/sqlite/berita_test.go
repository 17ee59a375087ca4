package sqlite_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/leaf"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// TestMigrationToBeritaAcara: a database made before witnesses and
// documents migrates with its log as it was; then an event keeps at most
// MaxWitnesses witnesses, a signed Berita Acara is kept with its leaf, a
// replacement is another leaf beside it, and the log still audits clean.
func TestMigrationToBeritaAcara(t *testing.T) {
	ctx := context.Background()
	old, path := atVersion(t, 13) // the schema before 014 (013 added paper scans)
	f := fixture{db: old, path: path}
	org := &registry.Organization{Name: "Pemerintah Kabupaten Uji", Kind: registry.OrgRegency, TimeZone: "Asia/Jakarta", CreatedAt: time.Now()}
	if err := old.CreateOrganization(ctx, org); err != nil {
		t.Fatal(err)
	}
	p := registry.DefaultPledge()
	if err := old.CreatePledge(ctx, &p); err != nil {
		t.Fatal(err)
	}
	if _, err := old.UpsertEmployees(ctx, org.ID, []registry.Employee{{NIP: "198609262015051001", Name: "Pegawai", Unit: "Bagian Umum",
		Category: registry.CategoryPNS, Active: true, UpdatedAt: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	var err error
	if f.emps, _, err = old.Employees(ctx, registry.EmployeeFilter{Scope: org.Path, Limit: 1}); err != nil {
		t.Fatal(err)
	}
	f.event = registry.Event{OrgID: org.ID, Slug: "s", Code: "ABCDEF", Title: "Apel", Mode: registry.ModeInPerson, Place: "Aula",
		StartsAt: time.Now(), PledgeID: p.ID, OfficialName: "X", OfficialPosition: "Y", Status: registry.StatusOpen, CreatedAt: time.Now()}
	if err := old.CreateEvent(ctx, &f.event); err != nil {
		t.Fatal(err)
	}
	if err := old.InsertSignature(ctx, newSig(f, 0, "OLD000000000")); err != nil {
		t.Fatal(err)
	}
	db := reopen(t, old, path)
	f.db = db
	mustAuditLog(t, f, 1)

	for i := range registry.MaxWitnesses {
		w := registry.Witness{EventID: f.event.ID, Name: fmt.Sprintf("Saksi %d", i), Position: "Ketua", Institution: "Bawaslu"}
		if err := db.SaveWitness(ctx, &w); err != nil {
			t.Fatalf("witness %d: %v", i, err)
		}
	}
	if err := db.SaveWitness(ctx, &registry.Witness{EventID: f.event.ID, Name: "Satu lagi", Position: "P", Institution: "KPU"}); !registry.IsCode(err, registry.ECONFLICT) {
		t.Errorf("witness %d: %v, want a conflict", registry.MaxWitnesses+1, err)
	}
	ws, err := db.Witnesses(ctx, f.event.ID)
	if err != nil || len(ws) != registry.MaxWitnesses {
		t.Fatalf("%d witnesses (%v)", len(ws), err)
	}
	ws[0].Institution = "KPU"
	if err := db.SaveWitness(ctx, &ws[0]); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteWitness(ctx, f.event.ID, ws[1].ID); err != nil {
		t.Fatal(err)
	}
	if ws, _ = db.Witnesses(ctx, f.event.ID); len(ws) != registry.MaxWitnesses-1 || ws[0].Institution != "KPU" || ws[1].Name != "Saksi 2" {
		t.Errorf("after an edit and a removal: %+v", ws[:2])
	}

	var docs []registry.EventDocument
	for _, body := range []string{"%PDF-1.7 first signed copy", "%PDF-1.7 replacement"} {
		sum := sha256.Sum256([]byte(body))
		d := registry.EventDocument{EventID: f.event.ID, Purpose: registry.PurposeBeritaAcara, SHA256: hex.EncodeToString(sum[:]),
			UploadedBy: 1, UploaderName: "Operator", UploadedAt: time.Now().UTC().Truncate(time.Millisecond)}
		if err := db.AddEventDocument(ctx, &d, []byte(body)); err != nil {
			t.Fatal(err)
		}
		docs = append(docs, d)
	}
	mustAuditLog(t, f, 3)
	list, err := db.EventDocuments(ctx, f.event.ID)
	if err != nil || len(list) != 2 || list[0].ID != docs[1].ID || list[1].LeafIndex != 1 || list[0].Size != int64(len("%PDF-1.7 replacement")) {
		t.Fatalf("documents %+v (%v)", list, err)
	}
	got, pdf, err := db.EventDocumentPDF(ctx, f.event.ID, docs[0].ID)
	if err != nil || string(pdf) != "%PDF-1.7 first signed copy" || got.UploaderName != "Operator" {
		t.Errorf("first document: %+v %q %v", got, pdf, err)
	}
	if _, _, err := db.EventDocumentPDF(ctx, f.event.ID+1, docs[0].ID); !registry.IsCode(err, registry.ENOTFOUND) {
		t.Errorf("another event's document: %v", err)
	}
	recs, err := db.LeafRecords(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if e := recs[2].Entry; e.Kind != translog.KindDocument || e.PDFHash != docs[1].SHA256 || e.EventID != f.event.ID {
		t.Errorf("leaf 2 is %s", e.Encode())
	}
	if _, err := db.RevokedCodes(ctx, 0, 3); err != nil {
		t.Errorf("revocation list over a log with documents: %v", err)
	}
	if recs[1].Entry.Hash() != leaf.Document(docs[0]).Hash() {
		t.Error("the first document's row does not recompute the leaf it was logged with")
	}
}
