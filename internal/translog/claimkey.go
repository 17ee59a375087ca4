package translog

import (
	"errors"
	"strings"
)

// ClaimKey verifies token against c like VerifyClaim and returns the
// verifier key that signed it, so a verifier can say which of the
// registry's published keys vouches for a certificate.
func ClaimKey(c Claim, token string, verifierKeys []string) (string, error) {
	for _, k := range verifierKeys {
		err := VerifyClaim(c, token, []string{k})
		if err == nil {
			return k, nil
		}
		if !errors.Is(err, ErrUnverified) && !errors.Is(err, ErrBadSignature) {
			return "", err // a malformed key or claim: say so, whichever key
		}
	}
	return "", VerifyClaim(c, token, verifierKeys)
}

// KeyID is how a verifier key is named to people: its name and key hash,
// "ikrar.example.go.id/registry+1a2b3c4d", without the key itself.
func KeyID(verifierKey string) string {
	name, rest, _ := strings.Cut(verifierKey, "+")
	hash, _, _ := strings.Cut(rest, "+")
	return name + "+" + hash
}
