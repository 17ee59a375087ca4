package web

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/ikrar-id/ikrar/internal/leaf"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// The names of a verdict's checks: part of the API (docs/API.md).
const (
	checkCheckpoint = "checkpoint_signature"
	checkRecord     = "record"
	checkLeaf       = "leaf"
	checkInclusion  = "inclusion"
	checkRevocation = "revocation"
	checkClaim      = "claim"
	checkPledge     = "pledge"
	checkIssuance   = "issuance"
	checkRevList    = "revocation_list"
	checkWitnesses  = "witnesses"
)

// check is one thing a verdict verified, and what it found.
type check struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

// verdict is what the registry can say of a record after checking it
// against its signed log: valid only if every check is ok.
type verdict struct {
	Status string  `json:"status"`
	Checks []check `json:"checks"`
}

// Failed is the first check that failed, or nil.
func (v verdict) Failed() *check {
	for i := range v.Checks {
		if !v.Checks[i].OK {
			return &v.Checks[i]
		}
	}
	return nil
}

// Banner is the verdict's headline failure in Indonesian (translated by
// the page), naming what failed.
func (c check) Banner() string {
	switch c.Name {
	case checkCheckpoint:
		return "Checkpoint log tidak bertanda tangan sah dengan kunci registri yang dipublikasikan."
	case checkRecord:
		return "Catatan ini tidak ada di log transparansi."
	case checkLeaf:
		return "Catatan ini tidak cocok dengan entri log-nya."
	case checkInclusion:
		return "Bukti inklusi tidak cocok dengan checkpoint bertanda tangan."
	case checkRevocation:
		return "Pencabutan ini tidak cocok dengan entri log-nya."
	case checkPledge:
		return "Teks ikrar yang tersimpan tidak cocok dengan sidik ikrar pada catatan ini."
	case checkIssuance:
		return "Sidik PDF sertifikat yang diterbitkan tidak cocok dengan entri log penerbitannya."
	case checkClaim:
		return "Klaim bertanda tangan pada kode QR tidak sah atau tidak cocok dengan catatan ini."
	case checkRevList:
		return "Catatan ini bertentangan dengan daftar pencabutan yang ditandatangani registri."
	case checkWitnesses:
		return "Checkpoint yang memuat catatan ini belum disaksikan oleh cukup banyak saksi."
	}
	return "Pemeriksaan gagal."
}

// qrClaim is the signed claim a verification page was opened with: a v1
// claim from the query or a v2 claim from the path.
type qrClaim struct {
	Claim translog.Claim
	Token string
	V2    *translog.ClaimV2
}

// claimFromQuery reads the claim a v1 QR's URL carries, if the page was
// opened from one.
func (s *Server) claimFromQuery(code string, q url.Values) *qrClaim {
	if q.Get("s") == "" && q.Get("e") == "" {
		return nil
	}
	c, token, err := translog.ParseQR(s.opt.BaseURL + "/v/" + url.PathEscape(code) + "?" + q.Encode())
	if err != nil {
		return &qrClaim{}
	}
	return &qrClaim{Claim: c, Token: token}
}

// claimFromPath reads the claim of a v2 QR's URL, /V/<code>/<claim>, in
// any letter case. The host it binds is this registry's: a QR made for
// another host fails here as it fails offline.
func (s *Server) claimFromPath(code, claim string) *qrClaim {
	c, err := translog.ClaimFromToken(s.claimHost(), code, claim)
	if err != nil {
		return &qrClaim{}
	}
	return &qrClaim{V2: &c, Token: claim}
}

// judge checks a record against the latest checkpoint whose signature
// verifies with the published keys: its row claims a leaf of the log, the
// leaf recomputed from its row is the logged leaf, the logged leaf is
// proven included, its name, NIP, position, rank and unit still match the
// commitments in its leaf, the stored pledge text hashes to the record's
// pledge hash, a revocation's and an issued certificate's leaves are
// recomputed and proven likewise, and the QR claim (if any) is signed and
// says what the record says.
func (s *Server) judge(ctx context.Context, sig registry.Signature, shown registry.PledgeVersion, qc *qrClaim) (p logProof, v verdict, err error) {
	entry := leaf.Signature(sig)
	p = logProof{LeafIndex: sig.LeafIndex, LeafHash: entry.Hash().String(), LeafPreimage: entry.Encode(), LeafVersion: entry.Version()}
	if entry.Version() >= translog.LeafV2 && !sig.Erased() && len(sig.IdentitySalt) > 0 {
		p.HolderPreimage = leaf.HolderPreimage(sig)
	}
	var revLeaf, issLeaf tlog.Hash
	if sig.Revoked() {
		p.RevocationLeaf = &sig.Revocation.LeafIndex
		e := leaf.Revocation(sig, *sig.Revocation)
		revLeaf = e.Hash()
		p.revocation = &leafRef{Index: sig.Revocation.LeafIndex, LeafHash: revLeaf.String(), Preimage: e.Encode(), Version: e.Version()}
	}
	if is := sig.Issuance; is != nil {
		e := leaf.Issuance(sig, is.PDFHash, is.IssuedAt)
		issLeaf = e.Hash()
		p.Issuance = &leafRef{Index: is.LeafIndex, LeafHash: issLeaf.String(), Preimage: e.Encode(), Version: e.Version()}
		if sig.Erased() {
			// The fingerprint in it would confirm a copy of the erased
			// certificate; the audit recomputes the leaf from the row.
			p.Issuance.Preimage = nil
		}
	}
	add := func(name string, ok bool, detail string) { v.Checks = append(v.Checks, check{name, ok, detail}) }
	// Every return below has the status its checks earned.
	defer func() { v.Status = v.status(sig) }()
	need := sig.LeafIndex
	if sig.Revoked() {
		need = max(need, sig.Revocation.LeafIndex)
	}
	if sig.Issuance != nil {
		need = max(need, sig.Issuance.LeafIndex)
	}
	cp, err := s.latestCheckpoint(ctx, need)
	if err != nil {
		return p, v, err
	}
	if !s.checkpointVerifies(cp) {
		p.Problem = "checkpoint signature does not verify"
		add(checkCheckpoint, false, p.Problem)
		return p, v, nil
	}
	add(checkCheckpoint, true, "checkpoint signature verifies with the published keys")
	p.TreeSize, p.Root, p.Checkpoint = cp.Size, cp.Root.String(), string(cp.Note)

	hr := s.tl.Store.HashReader(ctx)
	ok, err := s.checkLeaf(hr, cp, "record", sig.LeafIndex, entry.Hash(), add)
	if err != nil {
		return p, v, err
	}
	if !ok {
		p.Problem = v.Failed().Detail
	}
	p.Verified = ok
	if ok && s.tl.Quorum > 0 {
		if err := s.checkWitnessed(hr, cp, sig.LeafIndex, entry.Hash(), add); err != nil {
			return p, v, err
		}
	}
	switch identity, holder := leaf.PersonalDataOK(sig); {
	case !identity:
		add(checkRecord, false, "the record's name or NIP differ from its identity commitment")
	case !holder:
		add(checkRecord, false, "the record's position, rank or unit differ from its holder commitment")
	}
	s.checkPledge(sig, shown, add)
	if sig.Revoked() {
		if _, err := s.checkLeaf(hr, cp, "revocation", sig.Revocation.LeafIndex, revLeaf, only(checkRevocation, add)); err != nil {
			return p, v, err
		}
	}
	if err := s.checkRevocationList(ctx, cp, sig, add); err != nil {
		return p, v, err
	}
	switch {
	case p.Issuance != nil:
		if _, err := s.checkLeaf(hr, cp, "issued certificate", p.Issuance.Index, issLeaf, only(checkIssuance, add)); err != nil {
			return p, v, err
		}
	case sig.LeafVersion >= translog.LeafV2 && sig.PDFHash != "":
		// Every certificate of a version 2 record is logged when issued:
		// a fingerprint without its issuance is not one the log vouches for.
		add(checkIssuance, false, "the record has a certificate fingerprint but no issuance in the log")
	}
	if qc != nil {
		switch {
		case qc.Token == "":
			add(checkClaim, false, "the QR claim is malformed")
		case qc.V2 != nil:
			if _, err := translog.VerifyClaimV2(*qc.V2, s.tl.Keys.VerifierKeys()); err != nil {
				add(checkClaim, false, "the QR claim's signature does not verify with the published keys for this registry's origin and host")
			} else if !qc.V2.MatchesLeaf(sig.Code, sig.SignedAt, entry.Hash()) {
				add(checkClaim, false, "the QR claim differs from the record: another code, signing time or leaf")
			} else {
				add(checkClaim, true, "the QR claim is signed with a published key for this registry's origin and host and names the record's leaf")
			}
		case translog.VerifyClaim(qc.Claim, qc.Token, s.tl.Keys.VerifierKeys()) != nil:
			add(checkClaim, false, "the QR claim's signature does not verify with the published keys")
		case !qc.Claim.Matches(leaf.Claim(sig)):
			add(checkClaim, false, "the QR claim differs from the record")
		default:
			add(checkClaim, true, "the QR claim is signed with a published key and matches the record")
		}
	}
	return p, v, nil
}

// only reports checkLeaf's checks of a second leaf under one name: each
// failure, and the inclusion that proves the whole.
func only(name string, add func(name string, ok bool, detail string)) func(string, bool, string) {
	return func(step string, ok bool, detail string) {
		if !ok || step == checkInclusion {
			add(name, ok, detail)
		}
	}
}

// checkPledge checks that the pledge text shown with the record (its
// event's pledge) hashes to the record's pledge hash: what the page and
// PDF show as pledged is what the leaf commits to.
func (s *Server) checkPledge(sig registry.Signature, shown registry.PledgeVersion, add func(name string, ok bool, detail string)) {
	if shown.ComputeHash() != sig.PledgeHash {
		add(checkPledge, false, "the pledge text shown with the record does not hash to the record's pledge hash: it was edited, or the event now names another pledge")
		return
	}
	add(checkPledge, true, "the pledge text shown with the record hashes to the record's pledge hash")
}

// checkLeaf checks that a row's claimed leaf index is in the log, that
// the leaf recomputed from the row is the stored leaf, and that the
// stored leaf is proven included in cp.
func (s *Server) checkLeaf(hr tlog.HashReader, cp translog.SignedCheckpoint, what string, index int64, leaf tlog.Hash,
	add func(name string, ok bool, detail string)) (bool, error) {
	if index < 0 || index >= cp.Size {
		add(checkRecord, false, "the "+what+" is not in the log")
		return false, nil
	}
	add(checkRecord, true, "the "+what+" claims a leaf of the signed log")
	stored, err := hr.ReadHashes([]int64{tlog.StoredHashIndex(0, index)})
	if err != nil {
		return false, err
	}
	if stored[0] != leaf {
		add(checkLeaf, false, "the "+what+" differs from its log entry: the leaf recomputed from it is not the logged leaf")
		return false, nil
	}
	add(checkLeaf, true, "the leaf recomputed from the "+what+" is the logged leaf")
	proof, err := translog.InclusionProof(index, cp.Size, hr)
	if err != nil {
		return false, err
	}
	if err := translog.CheckInclusion(proof, cp.Size, cp.Root, index, leaf); err != nil {
		add(checkInclusion, false, "the "+what+"'s inclusion proof does not verify against the signed checkpoint")
		return false, nil
	}
	add(checkInclusion, true, "the "+what+"'s inclusion proof verifies against the signed checkpoint")
	return true, nil
}

// status is "valid" only if every check is ok; a revoked record stays
// "revoked"; any other failure is "invalid".
func (v verdict) status(sig registry.Signature) string {
	switch {
	case sig.Revoked():
		return "revoked"
	case v.Failed() != nil:
		return "invalid"
	}
	return "valid"
}

// checkRevocationList compares the record with the revocation list the
// registry signs for the checkpoint (TRUST.md §9): a certificate on it
// whose revocation row was deleted is not valid, nor is any record while
// the registry refuses to sign the list because its rows no longer account
// for its log.
func (s *Server) checkRevocationList(ctx context.Context, cp translog.SignedCheckpoint, sig registry.Signature, add func(string, bool, string)) error {
	l, err := s.revocationList(ctx, cp)
	if errors.Is(err, errListRefused) {
		add(checkRevList, false, "the registry refuses to sign its revocation list: its rows no longer account for every leaf of its log")
		return nil
	}
	if err != nil {
		return err
	}
	listed := l.List.Revoked(sig.Code)
	switch {
	case listed && !sig.Revoked():
		add(checkRevList, false, fmt.Sprintf("the certificate is on the revocation list signed as of checkpoint %d, but its record says it is not revoked", l.List.Size))
	case !listed && sig.Revoked() && sig.Revocation.LeafIndex >= 0 && sig.Revocation.LeafIndex < l.List.Size:
		add(checkRevList, false, fmt.Sprintf("the record is revoked by leaf %d, which the revocation list signed as of checkpoint %d covers but leaves out", sig.Revocation.LeafIndex, l.List.Size))
	default:
		add(checkRevList, true, fmt.Sprintf("agrees with the revocation list signed as of checkpoint %d", l.List.Size))
	}
	return nil
}
