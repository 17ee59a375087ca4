package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/ikrar-id/ikrar/internal/translog"
)

// leafFields are the fields of the certificate API that a version 2 leaf
// commits to beyond those of version 1.
type leafFields struct {
	Position    string    `json:"position"`
	Rank        string    `json:"rank"`
	Unit        string    `json:"unit"`
	Org         string    `json:"organization"`
	EventTitle  string    `json:"event_title"`
	EventPlace  string    `json:"event_place"`
	EventStarts time.Time `json:"event_starts"`
	EventOrg    string    `json:"event_org"`
	PDFSHA256   string    `json:"pdf_sha256"`
}

// leafProof is what the API's log object gives to recompute leaves.
type leafProof struct {
	LeafPreimage   []byte   `json:"leaf_preimage"`
	LeafVersion    int      `json:"leaf_version"`
	HolderPreimage []byte   `json:"holder_preimage"`
	Issuance       *leafRef `json:"issuance"`
}

// leafRef is a revocation's or an issuance's leaf as the API gives it.
type leafRef struct {
	Index    int64  `json:"index"`
	LeafHash string `json:"leaf_hash"`
	Preimage []byte `json:"preimage"`
}

const labelLeafContents = "ISI DAUN BERBEDA / LEAF CONTENTS DIFFER"

// checkLeafContents recomputes the record's leaf from the bytes the
// registry gave, checks it is the leaf the registry names, and that those
// bytes say what the registry answered: a registry that shows one thing
// and logged another is caught here, not trusted.
func checkLeafContents(rec onlineRecord, served tlog.Hash, v *verdict) bool {
	pre := rec.Log.LeafPreimage
	if tlog.RecordHash(pre) != served {
		v.fail("DAUN BERBEDA / LEAF MISMATCH", "byte daun dari registri tidak menghasilkan hash daun yang disebutnya / the leaf bytes the registry gave do not hash to the leaf it names")
		return false
	}
	e, err := translog.ParseEntry(pre)
	if err != nil || e.Kind != translog.KindSignature {
		v.fail(labelLeafContents, fmt.Sprintf("byte daun tidak sah / the leaf bytes are not a signature leaf: %v", err))
		return false
	}
	var diff []string
	same := func(field string, ok bool) {
		if !ok {
			diff = append(diff, field)
		}
	}
	same("code", e.Code == rec.Code)
	same("event", e.EventID == rec.EventID)
	same("signed", e.SignedAt.UnixMilli() == rec.SignedAt.UnixMilli())
	same("channel", e.Channel == rec.Channel)
	same("pledge", e.PledgeHash == rec.PledgeHash)
	same("identity", e.IdentityHash == rec.IdentityHash)
	same("scan", e.ScanHash == rec.ScanSHA256)
	if e.Version() >= translog.LeafV2 {
		same("event-title", e.EventTitle == rec.EventTitle)
		same("event-place", e.EventPlace == rec.EventPlace)
		same("event-starts", e.EventStarts.UnixMilli() == rec.EventStarts.UnixMilli())
		same("event-org", e.EventOrg == rec.EventOrg)
		same("org", e.Org == rec.Org)
		switch hp := rec.Log.HolderPreimage; {
		case len(hp) > 0:
			position, rank, unit, err := translog.ParseHolderPreimage(hp)
			same("holder", err == nil && translog.HolderHash(hp) == e.HolderHash)
			same("position", position == rec.Position)
			same("rank", rank == rec.Rank)
			same("unit", unit == rec.Unit)
		case !rec.Erased:
			diff = append(diff, "holder (no preimage given)")
		}
	}
	if len(diff) > 0 {
		v.fail(labelLeafContents, fmt.Sprintf("daun tidak memuat yang dijawab registri / the leaf does not say what the registry answered: %v", diff))
		return false
	}
	v.pass("ISI DAUN / LEAF CONTENTS", fmt.Sprintf("daun versi %d memuat persis data yang dijawab registri / the version %d leaf says exactly what the registry answered", e.Version(), e.Version()))
	return true
}

// checkPledgeText fetches the pledge's canonical text by its hash and
// checks that it hashes to it.
func checkPledgeText(ctx context.Context, client *http.Client, base, hash string, v *verdict) {
	const label = "TEKS IKRAR TIDAK TERBUKTI / PLEDGE TEXT NOT PROVED"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/pledges/"+hash, nil)
	if err != nil {
		v.fail(label, err.Error())
		return
	}
	resp, err := client.Do(req)
	if err != nil {
		v.fail(label, err.Error())
		return
	}
	defer resp.Body.Close()
	text, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil || resp.StatusCode != http.StatusOK {
		v.fail(label, fmt.Sprintf("registri tidak menyajikan teks ikrar / the registry does not serve the pledge text (HTTP %d, %v)", resp.StatusCode, err))
		return
	}
	sum := sha256.Sum256(text)
	if hex.EncodeToString(sum[:]) != hash {
		v.fail(label, "teks ikrar yang disajikan tidak cocok dengan sidiknya / the pledge text served does not hash to its fingerprint")
		return
	}
	v.pass("TEKS IKRAR / PLEDGE TEXT", fmt.Sprintf("teks kanonik %d byte cocok dengan sidik pada daun / the %d-byte canonical text hashes to the leaf's pledge", len(text), len(text)))
}

// otherLeaf recomputes a revocation's or an issuance's leaf from its bytes,
// checks it names the record's leaf, and proves it included in cp.
func otherLeaf(ctx context.Context, client *http.Client, base string, cp translog.Checkpoint, ref *leafRef, kind translog.Kind,
	code string, record tlog.Hash) (translog.Entry, error) {
	e, err := translog.ParseEntry(ref.Preimage)
	switch {
	case err != nil:
		return e, err
	case e.Kind != kind || e.Code != code:
		return e, fmt.Errorf("daun %d bukan %s sertifikat ini / leaf %d is not this certificate's %s", ref.Index, kind, ref.Index, kind)
	case e.Version() >= translog.LeafV2 && e.Record != translog.LeafHex(record):
		return e, fmt.Errorf("daun %d menunjuk catatan lain / leaf %d names another record", ref.Index, ref.Index)
	}
	if served, err := tlog.ParseHash(ref.LeafHash); err != nil || served != e.Hash() {
		return e, fmt.Errorf("byte daun %d tidak menghasilkan hash yang disebut / the bytes of leaf %d do not hash to the leaf named", ref.Index, ref.Index)
	}
	return e, proveIncluded(ctx, client, base, cp, ref.Index, e.Hash())
}

// checkRevocationLeaf checks a revocation's leaf: it records the reason
// and time the registry answered, names the record's leaf, and is in the
// signed log.
func checkRevocationLeaf(ctx context.Context, client *http.Client, base string, cp translog.Checkpoint, rec onlineRecord, record tlog.Hash, v *verdict) {
	const label = "PENCABUTAN TIDAK TERBUKTI / REVOCATION NOT PROVED IN LOG"
	ref := rec.Revocation.Log
	e, err := otherLeaf(ctx, client, base, cp, ref, translog.KindRevocation, rec.Code, record)
	if err != nil {
		v.fail(label, err.Error())
		return
	}
	if e.Reason != translog.ReasonHash(rec.Revocation.Reason) || e.RevokedAt.UnixMilli() != rec.Revocation.RevokedAt.UnixMilli() {
		v.fail(label, "alasan atau waktu pencabutan berbeda dari daunnya / the revocation's reason or time differ from its leaf")
		return
	}
	v.pass("PENCABUTAN TERCATAT / REVOCATION LOGGED", fmt.Sprintf("daun pencabutan %d dihitung ulang di sini dan termuat dalam checkpoint / revocation leaf %d recomputed here and in the checkpoint", ref.Index, ref.Index))
}

// checkIssuance checks the issued certificate's leaf and, for a PDF,
// that its bytes are the ones whose SHA-256 the leaf records.
func checkIssuance(ctx context.Context, client *http.Client, base string, cp translog.Checkpoint, rec onlineRecord, record tlog.Hash, pdf []byte, v *verdict) {
	const label = "PENERBITAN TIDAK TERBUKTI / ISSUANCE NOT PROVED IN LOG"
	ref := rec.Log.Issuance
	if ref == nil {
		if rec.Log.LeafVersion >= translog.LeafV2 && rec.PDFSHA256 != "" {
			v.fail(label, "registri menyebut sidik PDF tanpa daun penerbitannya / the registry names a PDF fingerprint without its issuance leaf")
		} else if pdf != nil {
			fmt.Fprintln(v.out, "  --  PDF ini belum tercatat diterbitkan saat ditanyakan; registri membandingkannya di bawah / this PDF was not yet logged as issued when asked; the registry compares it below")
		}
		return
	}
	if len(ref.Preimage) == 0 {
		// An erased record's issuance: its fingerprint is withheld.
		return
	}
	e, err := otherLeaf(ctx, client, base, cp, ref, translog.KindIssuance, rec.Code, record)
	if err != nil {
		v.fail(label, err.Error())
		return
	}
	v.pass("PENERBITAN TERCATAT / ISSUANCE LOGGED", fmt.Sprintf("daun penerbitan %d dihitung ulang di sini dan termuat dalam checkpoint / issuance leaf %d recomputed here and in the checkpoint", ref.Index, ref.Index))
	if pdf == nil {
		return
	}
	sum := sha256.Sum256(pdf)
	if hex.EncodeToString(sum[:]) != e.PDFHash {
		v.fail("PDF DIUBAH / ALTERED PDF", fmt.Sprintf("SHA-256 berkas ini bukan yang tercatat saat penerbitan / this file's SHA-256 is not the one logged at issuance (%x, logged %s)", sum, e.PDFHash))
		return
	}
	v.pass("PDF TERCATAT / PDF LOGGED", "SHA-256 berkas ini adalah yang tercatat di log saat penerbitan / this file's SHA-256 is the one logged at issuance")
}
