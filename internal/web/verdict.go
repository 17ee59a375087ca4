package web

import (
	"context"
	"net/url"

	"golang.org/x/mod/sumdb/tlog"

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
	case checkClaim:
		return "Klaim bertanda tangan pada kode QR tidak sah atau tidak cocok dengan catatan ini."
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
// proven included, a revocation's leaf likewise, and the QR claim (if
// any) is signed and says what the record says.
func (s *Server) judge(ctx context.Context, sig registry.Signature, qc *qrClaim) (p logProof, v verdict, err error) {
	entry := translog.SignatureEntry(sig)
	p = logProof{LeafIndex: sig.LeafIndex, LeafHash: entry.Hash().String(), LeafPreimage: entry.Encode(), LeafVersion: entry.Version()}
	if sig.Revoked() {
		p.RevocationLeaf = &sig.Revocation.LeafIndex
	}
	add := func(name string, ok bool, detail string) { v.Checks = append(v.Checks, check{name, ok, detail}) }
	// Every return below has the status its checks earned.
	defer func() { v.Status = v.status(sig) }()
	cp, err := s.latestCheckpoint(ctx)
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
	ok, err := s.checkLeaf(hr, cp, "record", sig.LeafIndex, translog.SignatureEntry(sig).Hash(), add)
	if err != nil {
		return p, v, err
	}
	if !ok {
		p.Problem = v.Failed().Detail
	}
	p.Verified = ok
	if !sig.Erased() && len(sig.IdentitySalt) > 0 && translog.SignatureIdentity(sig) != sig.IdentityHash {
		add(checkRecord, false, "the record's name or NIP differ from its identity commitment")
	}
	if sig.Revoked() {
		leaf := translog.RevocationEntry(sig, *sig.Revocation).Hash()
		if _, err := s.checkLeaf(hr, cp, "revocation", sig.Revocation.LeafIndex, leaf, func(name string, ok bool, detail string) {
			if !ok || name == checkInclusion {
				add(checkRevocation, ok, detail)
			}
		}); err != nil {
			return p, v, err
		}
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
		case !qc.Claim.Matches(translog.ClaimOf(sig)):
			add(checkClaim, false, "the QR claim differs from the record")
		default:
			add(checkClaim, true, "the QR claim is signed with a published key and matches the record")
		}
	}
	return p, v, nil
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
