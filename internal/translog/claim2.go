package translog

import (
	"crypto/ed25519"
	"encoding/base32"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

// ClaimV2 is what a version 2 certificate QR vouches for (docs/FORMATS.md
// §5): the registry whose log is Origin, reached at Host, issued
// certificate Code for the record signed at SignedAt whose signature leaf
// hash begins with Leaf. The leaf commits to everything the certificate
// shows, so the claim needs to carry nothing else.
//
// The QR carries no origin: a verifier tries the keys it trusts, and the
// origin is the name of the key whose signature verifies. Binding the host
// makes a genuine QR pointed at a look-alike site fail offline, not just
// open the wrong page.
type ClaimV2 struct {
	Host     string // lower-case host[:port] of the verification URL
	Code     string
	SignedAt time.Time // signed to the millisecond
	Leaf     [claimHashSize]byte
	Sig      [ed25519.SignatureSize]byte
}

// claimV2Prefix starts the signed message; the NUL keeps it apart from any
// note text (checkpoints, revocation lists) the same key signs.
const claimV2Prefix = "ikrar-claim/v2\x00"

// claimV2Len is the length of the claim's binary form: 6 bytes of signing
// time, 16 of leaf prefix, 64 of signature.
const claimV2Len = 6 + claimHashSize + ed25519.SignatureSize

// ClaimV2Len is the length of a v2 claim in base32: 138 characters.
const ClaimV2Len = (claimV2Len*8 + 4) / 5

// claimBase32 is RFC 4648 base32, standard alphabet A–Z 2–7, unpadded:
// every character is in the QR alphanumeric set.
var claimBase32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// maxClaimMillis is the largest signing time the 6-byte field holds.
const maxClaimMillis = 1<<48 - 1

// Message is the exact byte string the registry signs for c with the key
// named origin:
//
//	"ikrar-claim/v2" 0x00
//	<origin> "\n" <host> "\n" <code> "\n" <Unix ms, decimal> "\n" <32 hex leaf prefix> "\n"
func (c ClaimV2) Message(origin string) ([]byte, error) {
	if !validKeyName(origin) {
		return nil, fmt.Errorf("claim origin %q is not a key name", origin)
	}
	if !ValidClaimHost(c.Host) {
		return nil, fmt.Errorf("claim host %q: want a lower-case host name or address, with a port if any", c.Host)
	}
	if !validCode(c.Code) {
		return nil, fmt.Errorf("claim code %q: want 1 to 32 digits or upper-case letters", c.Code)
	}
	ms := c.SignedAt.UnixMilli()
	if !validTime(c.SignedAt) || ms > maxClaimMillis {
		return nil, fmt.Errorf("claim signing time %v out of range", c.SignedAt)
	}
	var b strings.Builder
	b.WriteString(claimV2Prefix)
	for _, line := range []string{origin, c.Host, c.Code, strconv.FormatInt(ms, 10), hex.EncodeToString(c.Leaf[:])} {
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return []byte(b.String()), nil
}

// ValidClaimHost reports whether host is a claim's host: lower-case
// letters, digits, '-' and '.', then optionally ':' and a port. Every
// character is one the QR alphanumeric mode has in upper case.
func ValidClaimHost(host string) bool {
	name, port, hasPort := strings.Cut(host, ":")
	if name == "" || len(host) > 253 || hasPort && !validPort(port) {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

func validPort(p string) bool {
	n, err := strconv.Atoi(p)
	return err == nil && n > 0 && n < 65536 && strconv.Itoa(n) == p
}

// ClaimHost is the host a v2 claim binds for the registry's base URL:
// its host[:port] in lower case. A base URL with a path is refused, since
// the QR's URL is always https://HOST/V/CODE/CLAIM at the root of the host.
func ClaimHost(baseURL string) (string, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("base URL %q is not an absolute http(s) URL", baseURL)
	}
	if strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("base URL %q has a path, query or user: the certificate QR opens /V/<code>/<claim> at the root of the host", baseURL)
	}
	host := strings.ToLower(u.Host)
	if !ValidClaimHost(host) {
		return "", fmt.Errorf("base URL %q: host %q cannot be written in a QR claim (letters, digits, '-', '.', and a port)", baseURL, host)
	}
	return host, nil
}

// Token is the claim as its QR carries it and the registry stores it: the
// base32 of the signing time (6 bytes, big-endian Unix ms), the leaf
// prefix and the signature, 138 upper-case characters.
func (c ClaimV2) Token() string {
	b := make([]byte, 0, claimV2Len)
	ms := uint64(c.SignedAt.UnixMilli())
	b = append(b, byte(ms>>40), byte(ms>>32), byte(ms>>24), byte(ms>>16), byte(ms>>8), byte(ms))
	b = append(b, c.Leaf[:]...)
	b = append(b, c.Sig[:]...)
	return claimBase32.EncodeToString(b)
}

// IsClaimV2Token reports whether a stored claim token is a v2 claim
// (138 base32 characters) rather than a v1 token (91 base64url).
func IsClaimV2Token(token string) bool {
	_, err := decodeClaimV2(token)
	return err == nil
}

// decodeClaimV2 reads a claim in base32, in any letter case. Only the
// canonical spelling is accepted: the unused low bits of the last
// character must be zero.
func decodeClaimV2(s string) (c ClaimV2, err error) {
	if len(s) != ClaimV2Len || !isASCII(s) {
		return c, fmt.Errorf("claim is not %d ASCII characters", ClaimV2Len)
	}
	up := strings.ToUpper(s)
	b, err := claimBase32.DecodeString(up)
	if err != nil || len(b) != claimV2Len || claimBase32.EncodeToString(b) != up {
		return c, errors.New("claim is not canonical base32")
	}
	ms := int64(binary.BigEndian.Uint64(append([]byte{0, 0}, b[:6]...)))
	c.SignedAt = time.UnixMilli(ms).UTC()
	copy(c.Leaf[:], b[6:6+claimHashSize])
	copy(c.Sig[:], b[6+claimHashSize:])
	return c, nil
}

// ClaimFromToken rebuilds a record's v2 claim from its stored token and
// the host the token was signed for.
func ClaimFromToken(host, code, token string) (ClaimV2, error) {
	c, err := decodeClaimV2(token)
	if err != nil {
		return c, fmt.Errorf("claim of %s: %w", code, err)
	}
	c.Host, c.Code = host, code
	return c, nil
}

// SignClaimV2 signs a v2 claim with the current key, if it is inside its
// validity window: the origin it binds is the keyring's name.
func (k *Keyring) SignClaimV2(host, code string, signedAt time.Time, leaf tlog.Hash) (ClaimV2, error) {
	c := ClaimV2{Host: host, Code: code, SignedAt: signedAt.Truncate(time.Millisecond).UTC()}
	copy(c.Leaf[:], leaf[:claimHashSize])
	msg, err := c.Message(k.name)
	if err != nil {
		return c, fmt.Errorf("sign claim: %w", err)
	}
	k.mu.RLock()
	priv, n, w := k.priv, k.current, k.currentWindow()
	k.mu.RUnlock()
	if !w.Contains(k.now()) {
		return c, fmt.Errorf("sign claim: key %d (%s): %w", n, w, ErrKeyWindow)
	}
	copy(c.Sig[:], ed25519.Sign(priv, msg))
	return c, nil
}

// VerifyClaimV2 checks c's signature with each of verifierKeys in turn,
// the message built with the key's name as the origin, and returns the
// key that verifies: its name is the registry's origin. It fails with
// ErrBadSignature if none does (with the host changed, for one).
func VerifyClaimV2(c ClaimV2, verifierKeys []string) (string, error) {
	for _, vkey := range verifierKeys {
		_, pub, err := parseVerifierKey(vkey)
		if err != nil {
			return "", fmt.Errorf("verify claim: %w", err)
		}
		origin, _, _ := strings.Cut(vkey, "+")
		msg, err := c.Message(origin)
		if err != nil {
			return "", fmt.Errorf("verify claim: %w", err)
		}
		if ed25519.Verify(pub, msg, c.Sig[:]) {
			return vkey, nil
		}
	}
	return "", fmt.Errorf("verify claim %s for %s: no trusted key signed it: %w", c.Code, c.Host, ErrBadSignature)
}

// MatchesLeaf reports whether the claim names the record whose signature
// leaf is leaf, signed at signedAt.
func (c ClaimV2) MatchesLeaf(code string, signedAt time.Time, leaf tlog.Hash) bool {
	return c.Code == code && c.SignedAt.UnixMilli() == signedAt.UnixMilli() && string(c.Leaf[:]) == string(leaf[:claimHashSize])
}

// FormatQRV2 returns the text of a v2 certificate QR, all in the QR
// alphanumeric set: "HTTPS://" + HOST + "/V/" + CODE + "/" + CLAIM, upper
// case. The scheme is HTTP only for a registry served over http (a test or
// a local trial); it is not signed.
func FormatQRV2(scheme string, c ClaimV2) string {
	if scheme != "http" {
		scheme = "https"
	}
	return strings.ToUpper(scheme + "://" + c.Host + "/V/" + c.Code + "/" + c.Token())
}

// ParseQRV2 reads a v2 QR text in any letter case: the host comes back in
// lower case, the code in upper case.
func ParseQRV2(text string) (ClaimV2, error) {
	var c ClaimV2
	// Letter case is mapped in ASCII only: Unicode would fold the Kelvin
	// sign to k and a long s to S, so a look-alike host could pass as the
	// signed one.
	if !isASCII(text) {
		return c, fmt.Errorf("QR text %.40q is not ASCII", text)
	}
	scheme, rest, ok := strings.Cut(text, "://")
	if !ok || !strings.EqualFold(scheme, "https") && !strings.EqualFold(scheme, "http") {
		return c, fmt.Errorf("QR text %.40q is not an http(s) URL", text)
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 4 || !strings.EqualFold(parts[1], "v") {
		return c, fmt.Errorf("QR text %.60q: want <host>/V/<code>/<claim>", text)
	}
	c, err := decodeClaimV2(parts[3])
	if err != nil {
		return c, fmt.Errorf("QR text: %w", err)
	}
	c.Host, c.Code = strings.ToLower(parts[0]), strings.ToUpper(parts[2])
	if !ValidClaimHost(c.Host) {
		return c, fmt.Errorf("QR text: invalid host %q", c.Host)
	}
	if !validCode(c.Code) {
		return c, fmt.Errorf("QR text: invalid code %q", c.Code)
	}
	return c, nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// IsQRV2 reports whether text looks like a v2 QR (a path of /V/<code>/<claim>)
// rather than a v1 one (/v/<code>?e=…), so a caller can say which failed.
func IsQRV2(text string) bool {
	return !strings.Contains(text, "?") && strings.Count(text, "/") == 5
}
