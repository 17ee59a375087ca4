package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/ikrar-id/ikrar/internal/translog"
)

// eventDocuments is GET /api/v1/events/{id}/documents.
type eventDocuments struct {
	Documents []struct {
		SHA256 string  `json:"sha256"`
		Log    leafRef `json:"log"`
	} `json:"documents"`
	Checkpoint string `json:"checkpoint"`
}

// checkDocument proves that a file is a document the registry keeps with
// event eventID (the signed Berita Acara): its SHA-256 is in a document
// leaf of that event, recomputed here from the leaf's bytes, and the leaf
// is in a checkpoint signed by a published key (and the witnesses asked
// for), consistent with the checkpoints seen before.
func checkDocument(ctx context.Context, client *http.Client, base string, eventID int64, file []byte, verifiers note.Verifiers, mem *verifyMemory, v *verdict) {
	const label = "DOKUMEN TIDAK TERCATAT / DOCUMENT NOT PROVED IN LOG"
	sum := sha256.Sum256(file)
	hash := hex.EncodeToString(sum[:])
	var docs eventDocuments
	status, err := fetchJSON(ctx, client, "GET", fmt.Sprintf("%s/api/v1/events/%d/documents", base, eventID), nil, &docs)
	if err != nil || status != http.StatusOK {
		v.fail(label, fmt.Sprintf("registri tidak memberi dokumen acara %d / the registry gave no documents of event %d (status %d, %v)", eventID, eventID, status, err))
		return
	}
	for _, d := range docs.Documents {
		if d.SHA256 != hash {
			continue
		}
		e, err := translog.ParseEntry(d.Log.Preimage)
		switch {
		case err != nil:
			v.fail(label, fmt.Sprintf("byte daun tidak sah / the leaf bytes are not valid: %v", err))
			return
		case e.Kind != translog.KindDocument || e.EventID != eventID || e.PDFHash != hash:
			v.fail(label, fmt.Sprintf("daun %d bukan dokumen ini dari acara %d / leaf %d is not this document of event %d", d.Log.Index, eventID, d.Log.Index, eventID))
			return
		}
		if served, err := tlog.ParseHash(d.Log.LeafHash); err != nil || served != e.Hash() {
			v.fail("DAUN BERBEDA / LEAF MISMATCH", "byte daun dari registri tidak menghasilkan hash daun yang disebutnya / the leaf bytes the registry gave do not hash to the leaf it names")
			return
		}
		cp, err := translog.OpenCheckpoint([]byte(docs.Checkpoint), verifiers)
		if err != nil {
			v.fail(label, fmt.Sprintf("checkpoint tidak sah / checkpoint does not verify: %v", err))
			return
		}
		if problem := v.witnesses.check([]byte(docs.Checkpoint), verifiers, v.out); problem != "" {
			v.fail("TIDAK DISAKSIKAN / NOT WITNESSED", problem)
			return
		}
		if err := proveIncluded(ctx, client, base, cp, d.Log.Index, e.Hash()); err != nil {
			v.fail(label, err.Error())
			return
		}
		v.pass("DOKUMEN TERCATAT / DOCUMENT LOGGED", fmt.Sprintf("%s acara %d, diunggah %s: daun %d dihitung ulang di sini dan termuat dalam checkpoint berukuran %d / %s of event %d, uploaded %s: leaf %d recomputed here and in the checkpoint of size %d",
			e.Purpose, eventID, e.Uploaded.Format("2006-01-02 15:04:05 UTC"), d.Log.Index, cp.Size, e.Purpose, eventID, e.Uploaded.Format("2006-01-02 15:04:05 UTC"), d.Log.Index, cp.Size))
		mem.check(ctx, client, base, cp, []byte(docs.Checkpoint), v)
		return
	}
	v.fail(label, fmt.Sprintf("SHA-256 %s bukan dokumen yang disimpan untuk acara %d / is not a document kept with event %d", hash, eventID, eventID))
}
