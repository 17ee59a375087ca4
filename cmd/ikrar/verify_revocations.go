package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"golang.org/x/mod/sumdb/note"

	"github.com/ikrar-id/ikrar/internal/translog"
)

const (
	labelRevoked      = "DICABUT / REVOKED"
	labelListRefused  = "DAFTAR PENCABUTAN DITOLAK / REVOCATION LIST REFUSED"
	labelInconsistent = "REGISTRI TIDAK KONSISTEN / REGISTRY CONTRADICTS ITSELF"
)

// openRevocations opens a signed revocation list with the key file's keys
// and checks it is the list of the registry that signed the certificate
// (origin; "" when no known key signed it).
func openRevocations(msg []byte, verifiers note.Verifiers, origin string) (translog.RevocationList, error) {
	l, err := translog.OpenRevocationList(msg, verifiers)
	switch {
	case errors.Is(err, translog.ErrUnverified):
		return l, errors.New("tidak ditandatangani kunci di berkas kunci / not signed by a key in the key file")
	case err != nil:
		return l, fmt.Errorf("bukan daftar pencabutan ikrar yang sah / not a valid ikrar revocation list (%v)", err)
	case origin != "" && l.Origin != origin:
		return l, fmt.Errorf("daftar milik registri lain / the list of another registry (%s; the certificate was signed by %s)", l.Origin, origin)
	}
	return l, nil
}

func printRevocations(v *verdict, l translog.RevocationList) {
	fmt.Fprintf(v.out, "Daftar pencabutan / Revocation list: per checkpoint %d, %d dicabut / as of checkpoint %d, %d revoked\n",
		l.Size, len(l.Codes), l.Size, len(l.Codes))
}

// checkRevocationFile checks a certificate offline against a signed
// revocation list the user brought (--revocations). A list not signed by a
// key in the key file is refused, never half-trusted.
func checkRevocationFile(msg []byte, verifiers note.Verifiers, code, origin string, v *verdict) {
	l, err := openRevocations(msg, verifiers, origin)
	if err != nil {
		v.fail(labelListRefused, err.Error())
		return
	}
	printRevocations(v, l)
	if l.Revoked(code) {
		v.fail(labelRevoked, fmt.Sprintf("tercantum dalam daftar pencabutan bertanda tangan per checkpoint %d / listed in the signed revocation list as of checkpoint %d", l.Size, l.Size))
		return
	}
	v.pass("TIDAK TERCANTUM DICABUT / NOT LISTED AS REVOKED", fmt.Sprintf("tidak ada dalam daftar pencabutan bertanda tangan per checkpoint %d; pencabutan sesudahnya tidak terlihat / not in the signed revocation list as of checkpoint %d; later revocations are not seen", l.Size, l.Size))
}

// checkRevocation decides revocation online from two answers that must
// agree: the registry's record, which a row deleted from its database
// changes silently, and the revocation list the registry signed for its
// latest checkpoint, which it cannot change without signing a false
// statement.
func checkRevocation(ctx context.Context, client *http.Client, base, code, origin string, rec onlineRecord, verifiers note.Verifiers, v *verdict) {
	recRevoked := rec.Status == "revoked" || rec.Revocation != nil
	switch {
	case recRevoked:
		reason, at := "", ""
		if rec.Revocation != nil {
			reason, at = rec.Revocation.Reason, rec.Revocation.RevokedAt.UTC().Format("2006-01-02 15:04 MST")
		}
		v.fail(labelRevoked, fmt.Sprintf("dicabut pada / revoked on %s: %s", at, reason))
	case rec.Status != "valid" && rec.Status != "invalid":
		v.fail("TIDAK DAPAT DIPERIKSA DARING / COULD NOT CHECK ONLINE", fmt.Sprintf("status tidak dikenal / unknown status %q", rec.Status))
		return
	}

	l, err := fetchRevocations(ctx, client, base, verifiers, origin, rec)
	if err != nil {
		v.fail("DAFTAR PENCABUTAN TIDAK DAPAT DIPERIKSA / REVOCATION LIST NOT CHECKED", err.Error())
		return
	}
	printRevocations(v, l)
	listed := l.Revoked(code)
	var revLeaf *int64
	if rec.Log != nil {
		revLeaf = rec.Log.RevocationLeaf
	}
	switch {
	case listed && !recRevoked:
		v.fail(labelInconsistent, fmt.Sprintf("daftar pencabutan bertanda tangan per checkpoint %d mencantumkan sertifikat ini sebagai DICABUT, tetapi catatan registri menyatakan berlaku (pencabutannya dihapus dari basis data?) / "+
			"the signed revocation list as of checkpoint %d lists this certificate as REVOKED, but the registry's record says valid (its revocation deleted from the database?)", l.Size, l.Size))
	case !listed && recRevoked && revLeaf != nil && *revLeaf < l.Size:
		v.fail(labelInconsistent, fmt.Sprintf("catatan registri menyatakan dicabut oleh entri log %d, tetapi daftar pencabutan bertanda tangan per checkpoint %d tidak mencantumkannya: simpan daftar itu sebagai bukti / "+
			"the registry's record says revoked by log leaf %d, but its signed revocation list as of checkpoint %d omits it: keep that list as evidence", *revLeaf, l.Size, *revLeaf, l.Size))
	case listed:
		fmt.Fprintf(v.out, "  --  tercantum juga dalam daftar pencabutan bertanda tangan per checkpoint %d / also listed in the signed revocation list as of checkpoint %d\n", l.Size, l.Size)
	case recRevoked:
		fmt.Fprintf(v.out, "  --  dicabut sesudah checkpoint %d, belum tercantum dalam daftar / revoked after checkpoint %d, not yet in the list\n", l.Size, l.Size)
	case rec.Status == "invalid":
		fmt.Fprintf(v.out, "  --  tidak dicabut, dan tidak tercantum dalam daftar pencabutan bertanda tangan per checkpoint %d / not revoked, and not in the signed revocation list as of checkpoint %d\n", l.Size, l.Size)
	default:
		v.pass("BERLAKU / NOT REVOKED", fmt.Sprintf("registri mencatat sertifikat ini berlaku, dan tidak tercantum dalam daftar pencabutan bertanda tangan per checkpoint %d / the registry lists it as valid, and it is not in the signed revocation list as of checkpoint %d", l.Size, l.Size))
	}
}

// fetchRevocations fetches the registry's signed revocation list and checks
// it is at least as new as the checkpoint the record was proved against:
// an older list could miss a revocation the record no longer shows.
func fetchRevocations(ctx context.Context, client *http.Client, base string, verifiers note.Verifiers, origin string, rec onlineRecord) (translog.RevocationList, error) {
	_, body, err := fetch(ctx, client, http.MethodGet, base+"/api/v1/log/revocations", nil)
	if err != nil {
		return translog.RevocationList{}, err
	}
	l, err := openRevocations(body, verifiers, origin)
	if err != nil {
		return l, err
	}
	if rec.Log != nil {
		if cp, err := translog.OpenCheckpoint([]byte(rec.Log.Checkpoint), verifiers); err == nil && l.Size < cp.Size {
			return l, fmt.Errorf("daftar per checkpoint %d lebih lama dari checkpoint %d yang ditunjukkan registri / the list as of checkpoint %d is older than the registry's checkpoint %d",
				l.Size, cp.Size, l.Size, cp.Size)
		}
	}
	return l, nil
}
