package translog

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Claim is what a certificate's QR code vouches for: the registry issued
// certificate Code for a signature of event EventID over the pledge
// PledgeHash at SignedAt by the person behind IdentityHash.
//
// The signature covers the first 16 bytes (32 hex digits) of PledgeHash and
// IdentityHash, not all 32, and the QR carries only those. That keeps the QR
// text near 210 characters (version 10 at error correction M, easy to scan
// from print) where the full hashes would add 42. Truncation costs nothing
// that matters here: forging a claim needs a registry signature anyway, and
// matching a different pledge text or identity to 128 bits of SHA-256 is a
// second-preimage search of 2^128. So PledgeHash and IdentityHash may be
// given in full (64 hex digits, from the database) or as their 32-digit
// prefix (from ParseQR); both sign and verify alike.
//
// Offline, the identity hash cannot be tied to a person: that needs the
// record's salt, which only the registry holds. A verified claim proves the
// registry issued the certificate; whether it was since revoked, and whom it
// names, the verification page the QR opens says.
type Claim struct {
	Code         string
	EventID      int64
	PledgeHash   string
	SignedAt     time.Time // signed to the millisecond
	IdentityHash string
}

// claimHashSize is how many bytes of each hash a claim signs and carries.
const claimHashSize = 16

// claimVersion starts the signed message. The message contains a NUL byte,
// so it can never be mistaken for a note (checkpoint) text signed by the
// same key.
const claimVersion = "ikrar-claim/v1\x00"

// message is the canonical encoding that is signed: claimVersion, the code's
// length (1 byte) and bytes, the event ID and signing time in Unix
// milliseconds (8 big-endian bytes each), then 16 bytes of the pledge hash
// and 16 of the identity hash.
func (c Claim) message() ([]byte, error) {
	if !validCode(c.Code) {
		return nil, fmt.Errorf("claim code %q: want 1 to 32 digits or upper-case letters", c.Code)
	}
	if c.EventID <= 0 {
		return nil, fmt.Errorf("claim event ID %d is not positive", c.EventID)
	}
	if !validTime(c.SignedAt) {
		return nil, fmt.Errorf("claim signing time %v out of range", c.SignedAt)
	}
	pledge, err := claimHash(c.PledgeHash)
	if err != nil {
		return nil, fmt.Errorf("claim pledge hash: %w", err)
	}
	identity, err := claimHash(c.IdentityHash)
	if err != nil {
		return nil, fmt.Errorf("claim identity hash: %w", err)
	}
	b := make([]byte, 0, len(claimVersion)+1+len(c.Code)+16+2*claimHashSize)
	b = append(b, claimVersion...)
	b = append(b, byte(len(c.Code)))
	b = append(b, c.Code...)
	b = binary.BigEndian.AppendUint64(b, uint64(c.EventID))
	b = binary.BigEndian.AppendUint64(b, uint64(c.SignedAt.UnixMilli()))
	b = append(b, pledge...)
	b = append(b, identity...)
	return b, nil
}

// Matches reports whether two claims sign the same message: a claim read
// back from a QR (hashes as prefixes) matches the record's claim.
func (c Claim) Matches(o Claim) bool {
	a, err := c.message()
	if err != nil {
		return false
	}
	b, err := o.message()
	return err == nil && string(a) == string(b)
}

// claimHash decodes the signed prefix of a hex SHA-256, given in full or as
// its prefix.
func claimHash(s string) ([]byte, error) {
	if len(s) != 2*claimHashSize && len(s) != 64 || !isLowerHex(s) {
		return nil, fmt.Errorf("%q is not 32 or 64 lower-case hex digits", s)
	}
	b, _ := hex.DecodeString(s[:2*claimHashSize])
	return b, nil
}

func validCode(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// SignClaim signs c with the current key, if it is inside its validity
// window. The token is unpadded base64url of
// the 4-byte note key hash (big-endian) followed by the 64-byte Ed25519
// signature: 91 characters.
func (k *Keyring) SignClaim(c Claim) (string, error) {
	msg, err := c.message()
	if err != nil {
		return "", fmt.Errorf("sign claim: %w", err)
	}
	k.mu.RLock()
	priv, hash, n, w := k.priv, k.hash, k.current, k.currentWindow()
	k.mu.RUnlock()
	if !w.Contains(k.now()) {
		return "", fmt.Errorf("sign claim: key %d (%s): %w", n, w, ErrKeyWindow)
	}
	tok := binary.BigEndian.AppendUint32(make([]byte, 0, 4+ed25519.SignatureSize), hash)
	tok = append(tok, ed25519.Sign(priv, msg)...)
	return base64.RawURLEncoding.EncodeToString(tok), nil
}

// ErrBadSignature means a claim's token does not verify.
var ErrBadSignature = errors.New("signature does not match the claim")

// VerifyClaim checks token against c with the published verifier keys
// (strings.Fields of the text /api/v1/log/key serves). It returns an error
// wrapping ErrUnverified if no key has the token's key hash, ErrBadSignature
// if the signature is wrong.
func VerifyClaim(c Claim, token string, verifierKeys []string) error {
	msg, err := c.message()
	if err != nil {
		return fmt.Errorf("verify claim: %w", err)
	}
	tok, err := base64.RawURLEncoding.Strict().DecodeString(token)
	if err != nil || len(tok) != 4+ed25519.SignatureSize {
		return fmt.Errorf("verify claim: malformed token: %w", ErrBadSignature)
	}
	hash, sig := binary.BigEndian.Uint32(tok), tok[4:]
	known := false
	for _, vkey := range verifierKeys {
		h, pub, err := parseVerifierKey(vkey)
		if err != nil {
			return fmt.Errorf("verify claim: %w", err)
		}
		if h != hash {
			continue
		}
		known = true
		if ed25519.Verify(pub, msg, sig) {
			return nil
		}
	}
	if !known {
		return fmt.Errorf("verify claim: key %08x: %w", hash, ErrUnverified)
	}
	return fmt.Errorf("verify claim %s: %w", c.Code, ErrBadSignature)
}

// FormatQR returns, for a claim SignClaim accepted, the text of a certificate's QR code, a URL that opens its
// verification page and carries the whole claim:
//
//	<baseURL>/v/<code>?e=<event ID>&t=<signed at, Unix ms>&p=<pledge>&i=<identity>&s=<token>
//
// p and i are unpadded base64url of the claim's 16-byte hash prefixes (22
// characters each). For baseURL "https://ikrar.example.go.id" the text is
// 207 characters.
func FormatQR(baseURL string, c Claim, token string) string {
	pledge, _ := claimHash(c.PledgeHash)
	identity, _ := claimHash(c.IdentityHash)
	var b strings.Builder
	b.Grow(len(baseURL) + 180)
	b.WriteString(strings.TrimRight(baseURL, "/"))
	b.WriteString("/v/")
	b.WriteString(url.PathEscape(c.Code))
	b.WriteString("?e=")
	b.WriteString(strconv.FormatInt(c.EventID, 10))
	b.WriteString("&t=")
	b.WriteString(strconv.FormatInt(c.SignedAt.UnixMilli(), 10))
	b.WriteString("&p=")
	b.WriteString(base64.RawURLEncoding.EncodeToString(pledge))
	b.WriteString("&i=")
	b.WriteString(base64.RawURLEncoding.EncodeToString(identity))
	b.WriteString("&s=")
	b.WriteString(url.QueryEscape(token))
	return b.String()
}

// ParseQR reads the claim and token back from a QR text written by FormatQR.
// The hashes come back as their 32-hex-digit prefixes. Unknown query
// parameters are ignored; a repeated one is an error.
func ParseQR(text string) (Claim, string, error) {
	var c Claim
	u, err := url.Parse(text)
	if err != nil {
		return c, "", fmt.Errorf("QR text: %w", err)
	}
	if u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
		return c, "", fmt.Errorf("QR text %q is not an http(s) URL", text)
	}
	i := strings.LastIndex(u.Path, "/v/")
	if i < 0 {
		return c, "", fmt.Errorf("QR text %q: path has no /v/<code>", text)
	}
	c.Code = u.Path[i+len("/v/"):]
	if !validCode(c.Code) {
		return c, "", fmt.Errorf("QR text: invalid code %q", c.Code)
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return c, "", fmt.Errorf("QR text: %w", err)
	}
	get := func(key string) (string, error) {
		if len(q[key]) != 1 {
			return "", fmt.Errorf("QR text: want one %q parameter, got %d", key, len(q[key]))
		}
		return q[key][0], nil
	}
	var e, t, p, id, s string
	for _, f := range []struct {
		key string
		dst *string
	}{{"e", &e}, {"t", &t}, {"p", &p}, {"i", &id}, {"s", &s}} {
		if *f.dst, err = get(f.key); err != nil {
			return c, "", err
		}
	}
	if c.EventID, err = strconv.ParseInt(e, 10, 64); err != nil || c.EventID <= 0 {
		return c, "", fmt.Errorf("QR text: invalid event ID %q", e)
	}
	ms, err := strconv.ParseInt(t, 10, 64)
	if err != nil || ms <= 0 {
		return c, "", fmt.Errorf("QR text: invalid time %q", t)
	}
	c.SignedAt = time.UnixMilli(ms).UTC()
	if c.PledgeHash, err = qrHash(p); err != nil {
		return c, "", fmt.Errorf("QR text: pledge hash: %w", err)
	}
	if c.IdentityHash, err = qrHash(id); err != nil {
		return c, "", fmt.Errorf("QR text: identity hash: %w", err)
	}
	return c, s, nil
}

func qrHash(s string) (string, error) {
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil || len(b) != claimHashSize {
		return "", fmt.Errorf("%q is not %d bytes of base64url", s, claimHashSize)
	}
	return hex.EncodeToString(b), nil
}
