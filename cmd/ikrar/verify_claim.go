package main

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/ikrar-id/ikrar/internal/translog"
)

// qrClaim is what a certificate's QR says: a v2 claim (origin and host
// bound, the record's leaf signed) or, on certificates issued before it, a
// v1 claim.
type qrClaim struct {
	Code  string
	v1    *translog.Claim
	token string
	v2    *translog.ClaimV2
}

// checkClaim reads the QR text, prints what it says and checks its
// signature with the key file's keys. It returns the origin of the
// registry whose key signed it ("" if none did), and false when the text
// is not an ikrar QR at all.
func checkClaim(text string, keys []string, v *verdict) (qrClaim, string, bool) {
	var q qrClaim
	if translog.IsQRV2(text) {
		c, err := translog.ParseQRV2(text)
		if err != nil {
			v.fail("QR TIDAK DIKENALI / UNRECOGNISED QR", fmt.Sprintf("bukan kode QR sertifikat ikrar / not an ikrar certificate QR code (%v)", err))
			return q, "", false
		}
		q = qrClaim{Code: c.Code, v2: &c}
		fmt.Fprintf(v.out, "Sertifikat / Certificate:   %s\n", c.Code)
		fmt.Fprintf(v.out, "Alamat / Host:              %s\n", c.Host)
		fmt.Fprintf(v.out, "Ditandatangani / Signed at: %s\n", c.SignedAt.Format("2006-01-02 15:04:05.000 MST"))
		fmt.Fprintf(v.out, "Daun log / Log leaf:        %x…\n", c.Leaf)
		key, err := translog.VerifyClaimV2(c, keys)
		if err != nil {
			v.fail("TANDA TANGAN TIDAK SAH / INVALID SIGNATURE", fmt.Sprintf(
				"tidak ada kunci dalam berkas kunci yang menandatangani klaim ini untuk alamat %s / no key in the key file signed this claim for host %s", c.Host, c.Host))
			return q, "", true
		}
		origin := vkeyOrigin(key)
		fmt.Fprintf(v.out, "Registri / Registry:        %s\n", origin)
		v.pass("SAH / VALID", fmt.Sprintf("tanda tangan registri %s untuk alamat %s cocok (kunci %s) / the signature of registry %s for host %s matches",
			origin, c.Host, translog.KeyID(key), origin, c.Host))
		return q, origin, true
	}

	claim, token, err := translog.ParseQR(text)
	if err != nil {
		v.fail("QR TIDAK DIKENALI / UNRECOGNISED QR", fmt.Sprintf("bukan kode QR sertifikat ikrar / not an ikrar certificate QR code (%v)", err))
		return q, "", false
	}
	q = qrClaim{Code: claim.Code, v1: &claim, token: token}
	fmt.Fprintf(v.out, "Sertifikat / Certificate:   %s\n", claim.Code)
	fmt.Fprintf(v.out, "Acara / Event:              %d\n", claim.EventID)
	fmt.Fprintf(v.out, "Ditandatangani / Signed at: %s\n", claim.SignedAt.UTC().Format("2006-01-02 15:04:05 MST"))
	key, err := translog.ClaimKey(claim, token, keys)
	switch {
	case err == nil:
		origin := vkeyOrigin(key)
		fmt.Fprintf(v.out, "Registri / Registry:        %s\n", origin)
		v.pass("SAH / VALID", fmt.Sprintf("tanda tangan registri cocok (kunci %s) / the registry's signature matches", translog.KeyID(key)))
		fmt.Fprintln(v.out, "Catatan / Note: klaim QR versi 1 tidak mengikat alamat registri / a version 1 QR claim does not bind the registry's host")
		return q, origin, true
	case errors.Is(err, translog.ErrUnverified):
		v.fail("TANDA TANGAN TIDAK SAH / INVALID SIGNATURE", "ditandatangani kunci yang tidak ada di berkas kunci / signed by a key that is not in the key file")
	default:
		v.fail("TANDA TANGAN TIDAK SAH / INVALID SIGNATURE", "tanda tangan tidak cocok dengan isi sertifikat / the signature does not match the certificate's data")
	}
	return q, "", true
}

// vkeyOrigin is the name of a verifier key: the origin of the log it signs.
func vkeyOrigin(vkey string) string {
	origin, _, _ := strings.Cut(vkey, "+")
	return origin
}

// compare checks that the registry's record says what the QR signed.
func (q qrClaim) compare(rec onlineRecord, v *verdict) {
	const label = "DATA BERBEDA / DATA MISMATCH"
	if c := q.v2; c != nil {
		if rec.SignedAt.UnixMilli() != c.SignedAt.UnixMilli() {
			v.fail(label, "waktu tanda tangan registri berbeda dari yang ditandatangani pada QR / the registry's signing time differs from what the QR signed")
		}
		if rec.Log == nil {
			return
		}
		if leaf, err := tlog.ParseHash(rec.Log.LeafHash); err != nil || !bytes.Equal(leaf[:len(c.Leaf)], c.Leaf[:]) {
			v.fail(label, "daun log registri berbeda dari yang ditandatangani pada QR / the registry's log leaf differs from the one the QR signed")
		}
		return
	}
	c := q.v1
	if rec.EventID != c.EventID || rec.SignedAt.UnixMilli() != c.SignedAt.UnixMilli() || !strings.HasPrefix(rec.PledgeHash, c.PledgeHash) {
		v.fail(label, "catatan registri berbeda dari yang ditandatangani pada QR / the registry's record differs from what the QR signed")
	}
	if rec.IdentityHash != "" && !strings.HasPrefix(rec.IdentityHash, c.IdentityHash) {
		v.fail(label, "komitmen identitas registri berbeda dari yang ditandatangani pada QR / the registry's identity commitment differs from what the QR signed")
	}
}
