package translog

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/ikrar-id/ikrar/internal/private"
)

// A witness cosignature (c2sp.org/tlog-cosignature, Ed25519
// cosignature/v1) is a note signature on a checkpoint by a witness that
// checked the checkpoint is consistent with every one it saw before. Its
// key hash is SHA-256(name || "\n" || 0x04 || public key)[:4], its
// signature bytes are an 8-byte big-endian Unix time followed by an
// Ed25519 signature over
//
//	cosignature/v1
//	time <unix seconds>
//	<the checkpoint body>
//
// The time is what gives a checkpoint a date nobody at the registry can
// change: the witness says it saw this tree, at this time, as the newest.

// algCosignatureV1 is the signed-note algorithm byte of an Ed25519
// cosignature/v1 key.
const algCosignatureV1 = 0x04

// cosignatureSize is the length of a cosignature after the key hash.
const cosignatureSize = 8 + ed25519.SignatureSize

// CosignatureMessage is what a witness signs for body at t.
func CosignatureMessage(body string, t int64) []byte {
	return []byte("cosignature/v1\ntime " + strconv.FormatInt(t, 10) + "\n" + body)
}

func cosignerKeyHash(name string, pub ed25519.PublicKey) uint32 {
	h := sha256.New()
	h.Write([]byte(name))
	h.Write([]byte{'\n', algCosignatureV1})
	h.Write(pub)
	return binary.BigEndian.Uint32(h.Sum(nil))
}

// Cosigner is a witness's key: it signs cosignature/v1 lines.
type Cosigner struct {
	name string
	priv ed25519.PrivateKey
	hash uint32
	// Now is the clock the cosignatures carry.
	Now func() time.Time
}

// GenerateCosignerKey returns a new witness private key named name, in the
// signed-note form "PRIVATE+KEY+<name>+<hash>+<base64(0x04 || seed)>".
func GenerateCosignerKey(name string) (string, error) {
	if !validKeyName(name) {
		return "", fmt.Errorf("witness key: invalid name %q", name)
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", fmt.Errorf("witness key: %w", err)
	}
	return fmt.Sprintf("PRIVATE+KEY+%s+%08x+%s", name, cosignerKeyHash(name, pub),
		base64.StdEncoding.EncodeToString(append([]byte{algCosignatureV1}, priv.Seed()...))), nil
}

// NewCosigner reads a key GenerateCosignerKey wrote.
func NewCosigner(skey string) (*Cosigner, error) {
	errMalformed := errors.New("malformed witness private key") // never quote the key
	parts := strings.SplitN(strings.TrimSpace(skey), "+", 5)
	if len(parts) != 5 || parts[0] != "PRIVATE" || parts[1] != "KEY" || !validKeyName(parts[2]) {
		return nil, errMalformed
	}
	key, err := base64.StdEncoding.Strict().DecodeString(parts[4])
	if err != nil || len(key) != 1+ed25519.SeedSize || key[0] != algCosignatureV1 {
		return nil, errMalformed
	}
	priv := ed25519.NewKeyFromSeed(key[1:])
	c := &Cosigner{name: parts[2], priv: priv, hash: cosignerKeyHash(parts[2], priv.Public().(ed25519.PublicKey)), Now: time.Now}
	if parts[3] != fmt.Sprintf("%08x", c.hash) {
		return nil, errMalformed
	}
	return c, nil
}

// Name is the witness's name, which its cosignature lines carry.
func (c *Cosigner) Name() string { return c.name }

// VerifierKey is the witness's public key as its operators exchange it:
// "<name>+<hash>+<base64(0x04 || public key)>".
func (c *Cosigner) VerifierKey() string {
	return fmt.Sprintf("%s+%08x+%s", c.name, c.hash,
		base64.StdEncoding.EncodeToString(append([]byte{algCosignatureV1}, c.priv.Public().(ed25519.PublicKey)...)))
}

// Cosign returns the witness's cosignature line on the checkpoint body,
// "— <name> <base64(key hash || time || signature)>\n", dated now.
func (c *Cosigner) Cosign(body string) string {
	t := c.Now().Unix()
	sig := make([]byte, 4, 4+cosignatureSize)
	binary.BigEndian.PutUint32(sig, c.hash)
	sig = binary.BigEndian.AppendUint64(sig, uint64(t))
	sig = append(sig, ed25519.Sign(c.priv, CosignatureMessage(body, t))...)
	return "— " + c.name + " " + base64.StdEncoding.EncodeToString(sig) + "\n"
}

// CosignatureVerifier checks one witness's cosignatures; it is a
// note.Verifier, so note.Open checks them beside the log's signature.
type CosignatureVerifier struct {
	name string
	hash uint32
	pub  ed25519.PublicKey
	key  string
}

// NewCosignatureVerifier parses a witness verifier key.
func NewCosignatureVerifier(vkey string) (*CosignatureVerifier, error) {
	name, rest, ok := strings.Cut(vkey, "+")
	hashText, keyText, ok2 := strings.Cut(rest, "+")
	if !ok || !ok2 || !validKeyName(name) || len(hashText) != 8 {
		return nil, fmt.Errorf("witness verifier key %q: malformed", vkey)
	}
	hash, err := strconv.ParseUint(hashText, 16, 32)
	key, err2 := base64.StdEncoding.Strict().DecodeString(keyText)
	if err != nil || err2 != nil || len(key) != 1+ed25519.PublicKeySize {
		return nil, fmt.Errorf("witness verifier key %q: malformed", vkey)
	}
	if key[0] != algCosignatureV1 {
		return nil, fmt.Errorf("witness verifier key %q: algorithm %#x is not a cosignature/v1 key (0x04)", vkey, key[0])
	}
	pub := ed25519.PublicKey(key[1:])
	if uint32(hash) != cosignerKeyHash(name, pub) {
		return nil, fmt.Errorf("witness verifier key %q: key hash does not match the key", vkey)
	}
	return &CosignatureVerifier{name: name, hash: uint32(hash), pub: pub, key: vkey}, nil
}

// Name is the witness's name.
func (v *CosignatureVerifier) Name() string { return v.name }

// KeyHash is the witness key's hash.
func (v *CosignatureVerifier) KeyHash() uint32 { return v.hash }

// Key is the verifier key v was parsed from.
func (v *CosignatureVerifier) Key() string { return v.key }

// Verify reports whether sig (time || signature) cosigns the note text msg.
func (v *CosignatureVerifier) Verify(msg, sig []byte) bool {
	if len(sig) != cosignatureSize {
		return false
	}
	t := binary.BigEndian.Uint64(sig)
	if t > math.MaxInt64 {
		return false
	}
	return ed25519.Verify(v.pub, CosignatureMessage(string(msg), int64(t)), sig[8:])
}

// Cosignature is a valid witness cosignature found on a checkpoint.
type Cosignature struct {
	Witness string
	Time    time.Time
}

// ErrQuorum means a checkpoint carries fewer valid cosignatures from
// trusted witnesses than the quorum asks.
var ErrQuorum = errors.New("too few witness cosignatures")

// Witnessed is a checkpoint's trusted cosignatures, one per witness, in
// name order.
type Witnessed []Cosignature

// OpenCosignedCheckpoint verifies a signed checkpoint as OpenCheckpoint does
// and, beside it, the cosignatures of the given witnesses. It fails with
// ErrQuorum if fewer than quorum of them cosigned; a cosignature line that
// names a trusted witness but does not verify is an error, lines of other
// keys are ignored. The cosignatures found are returned even on ErrQuorum.
func OpenCosignedCheckpoint(msg []byte, logKeys note.Verifiers, witnesses []*CosignatureVerifier, quorum int) (Checkpoint, Witnessed, error) {
	c, err := OpenCheckpoint(msg, logKeys)
	if err != nil {
		return Checkpoint{}, nil, err
	}
	ws := make([]note.Verifier, len(witnesses))
	for i, w := range witnesses {
		ws[i] = w
	}
	var found Witnessed
	n, err := note.Open(msg, note.VerifierList(ws...))
	switch {
	case errors.As(err, new(*note.UnverifiedNoteError)):
		// no trusted witness cosigned
	case err != nil:
		return c, nil, fmt.Errorf("witness cosignatures: %w", err)
	default:
		seen := map[string]bool{}
		for _, s := range n.Sigs {
			raw, _ := base64.StdEncoding.DecodeString(s.Base64)
			if seen[s.Name] || len(raw) != 4+cosignatureSize {
				continue
			}
			seen[s.Name] = true
			found = append(found, Cosignature{Witness: s.Name, Time: time.Unix(int64(binary.BigEndian.Uint64(raw[4:])), 0).UTC()})
		}
	}
	sort.Slice(found, func(i, j int) bool { return found[i].Witness < found[j].Witness })
	if len(found) < quorum {
		return c, found, fmt.Errorf("checkpoint of size %d: %d of the required %d: %w", c.Size, len(found), quorum, ErrQuorum)
	}
	return c, found, nil
}

// Earliest is the earliest time a trusted witness cosigned the checkpoint,
// zero if none did.
func (w Witnessed) Earliest() time.Time {
	var t time.Time
	for _, c := range w {
		if t.IsZero() || c.Time.Before(t) {
			t = c.Time
		}
	}
	return t
}

// ParseWitnessList reads a list of witnesses, one "VERIFIER-KEY [URL]" a
// line; blank lines and lines starting with '#' are skipped. urls holds
// each witness's URL, "" where the line has none.
func ParseWitnessList(text string) (ws []*CosignatureVerifier, urls []string, err error) {
	names := map[string]bool{}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) > 2 {
			return nil, nil, fmt.Errorf("witness list line %d: want \"VERIFIER-KEY URL\"", i+1)
		}
		v, err := NewCosignatureVerifier(f[0])
		if err != nil {
			return nil, nil, fmt.Errorf("witness list line %d: %w", i+1, err)
		}
		if names[v.Name()] {
			return nil, nil, fmt.Errorf("witness list line %d: witness %s is listed twice", i+1, v.Name())
		}
		names[v.Name()] = true
		u := ""
		if len(f) == 2 {
			u = f[1]
			if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
				return nil, nil, fmt.Errorf("witness list line %d: %q is not an http(s) URL", i+1, u)
			}
		}
		ws, urls = append(ws, v), append(urls, u)
	}
	return ws, urls, nil
}

// WitnessKeyFile is the witness key's file in the keys directory. Its
// name is not one the log's keyring reads (signer-<n>.key,
// verifier-<n>.pub): the witness key never signs the log's checkpoints.
const WitnessKeyFile = "witness-1.key"

// LoadOrCreateCosigner reads the witness key in keysDir, creating one
// named name (mode 0600) if there is none. A key that exists keeps its
// name: the logs it witnesses know it by name and key.
func LoadOrCreateCosigner(keysDir, name string) (*Cosigner, error) {
	path := filepath.Join(keysDir, WitnessKeyFile)
	c, err := LoadCosigner(keysDir)
	if !errors.Is(err, fs.ErrNotExist) {
		return c, err
	}
	if err := private.MkdirAll(keysDir); err != nil {
		return nil, fmt.Errorf("witness key: %w", err)
	}
	skey, err := GenerateCosignerKey(name)
	if err != nil {
		return nil, err
	}
	if err := writeNewFile(path, []byte(skey+"\n"), private.FileMode); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("witness key: %w", err)
	}
	return LoadCosigner(keysDir)
}

// LoadCosigner reads the witness key in keysDir; the error wraps
// fs.ErrNotExist if there is none.
func LoadCosigner(keysDir string) (*Cosigner, error) {
	path := filepath.Join(keysDir, WitnessKeyFile)
	text, err := readKeyFile(path)
	if err != nil {
		return nil, fmt.Errorf("witness key: %w", err)
	}
	c, err := NewCosigner(text)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}
