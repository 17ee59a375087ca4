package issuance

import (
	"fmt"
	"strings"

	"github.com/ikrar-id/ikrar/internal/leaf"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// QRText is what a certificate's QR code holds: the verification URL with
// a signed claim, so the certificate can be checked with no network. The
// claim's token is the one signed when the record was made, v1 for records
// made before claims bound the host and leaf. A record made before tokens
// were kept gets its claim now: v1 while the upgrade tries to store the
// certificate issued then (the token it was issued with, Ed25519 being
// deterministic), v2 for a certificate issued now.
func (is *Issuer) QRText(sig registry.Signature) (text, token string, err error) {
	if token = sig.ClaimToken; token == "" {
		if sig.PDFHash != "" && sig.LegacyPDFHash == "" {
			token, err = is.cfg.Keys.SignClaim(leaf.Claim(sig))
		} else {
			token, err = leaf.SignClaim(is.cfg.Keys, is.claimHost(), sig)
		}
		if err != nil {
			return "", "", fmt.Errorf("sign QR claim of %s: %w", sig.Code, err)
		}
	}
	if !translog.IsClaimV2Token(token) {
		return translog.FormatQR(is.cfg.BaseURL, leaf.Claim(sig), token), token, nil
	}
	c, err := translog.ClaimFromToken(is.claimHost(), sig.Code, token)
	if err != nil {
		return "", "", err
	}
	scheme, _, _ := strings.Cut(is.cfg.BaseURL, "://")
	return translog.FormatQRV2(scheme, c), token, nil
}

// claimHost is the host v2 claims bind; web.New has checked the base URL.
func (is *Issuer) claimHost() string {
	h, _ := translog.ClaimHost(is.cfg.BaseURL)
	return h
}
