package storetest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// An event's witnesses list in the order entered, change in place, and
// stop at registry.MaxWitnesses.
func testWitnesses(t *testing.T, s Store) {
	w := mustWorld(t, s, 1)
	var saved []registry.Witness
	for i := range registry.MaxWitnesses {
		x := registry.Witness{EventID: w.event.ID, Name: fmt.Sprintf("Saksi %d", i), Position: "Anggota", Institution: "Bawaslu"}
		if err := s.SaveWitness(ctx, &x); err != nil || x.ID == 0 {
			t.Fatalf("witness %d: ID %d, %v", i, x.ID, err)
		}
		saved = append(saved, x)
	}
	extra := registry.Witness{EventID: w.event.ID, Name: "Satu lagi", Position: "Anggota", Institution: "KPU"}
	wantCode(t, "a witness past the limit", s.SaveWitness(ctx, &extra), registry.ECONFLICT)
	saved[3].Institution = "KPU"
	if err := s.SaveWitness(ctx, &saved[3]); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteWitness(ctx, w.event.ID, saved[0].ID); err != nil {
		t.Fatal(err)
	}
	got, err := s.Witnesses(ctx, w.event.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, saved[1:]) {
		t.Errorf("witnesses %+v, want %+v", got, saved[1:])
	}
	ghost := registry.Witness{ID: saved[0].ID, EventID: w.event.ID, Name: "x", Position: "y", Institution: "z"}
	wantCode(t, "updating a deleted witness", s.SaveWitness(ctx, &ghost), registry.ENOTFOUND)
}

// A document kept with an event is logged as a leaf of its own in the
// same transaction; a replacement is another document and another leaf.
func testEventDocuments(t *testing.T, s Store) {
	w := mustWorld(t, s, 1)
	mustSign(t, s, w.signing(0, "BEFOREDOC001"))
	var docs []registry.EventDocument
	for i, body := range []string{"%PDF-1.7 signed", "%PDF-1.7 signed again"} {
		sum := sha256.Sum256([]byte(body))
		d := registry.EventDocument{EventID: w.event.ID, Purpose: registry.PurposeBeritaAcara, SHA256: hex.EncodeToString(sum[:]),
			HasSignature: i == 1, UploadedBy: 1, UploaderName: "Admin", UploadedAt: at.Add(time.Duration(i) * time.Hour)}
		if err := s.AddEventDocument(ctx, &d, []byte(body)); err != nil {
			t.Fatal(err)
		}
		if d.ID == 0 || d.LeafIndex != int64(i+1) {
			t.Fatalf("document %d: ID %d, leaf %d; want leaf %d", i, d.ID, d.LeafIndex, i+1)
		}
		d.Size = int64(len(body))
		docs = append(docs, d)
		got, pdf, err := s.EventDocumentPDF(ctx, w.event.ID, d.ID)
		if err != nil || got != d || string(pdf) != body {
			t.Errorf("EventDocumentPDF: %+v %q, %v; want %+v %q", got, pdf, err, d, body)
		}
	}
	list, err := s.EventDocuments(ctx, w.event.ID)
	if err != nil || !slices.Equal(list, []registry.EventDocument{docs[1], docs[0]}) {
		t.Errorf("EventDocuments: %+v, %v; want newest first", list, err)
	}
	_, _, err = s.EventDocumentPDF(ctx, w.event.ID+1, docs[0].ID)
	wantCode(t, "a document of another event", err, registry.ENOTFOUND)
	mustAuditLog(t, s, 3)
}
