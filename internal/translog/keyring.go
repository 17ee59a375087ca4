package translog

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/mod/sumdb/note"

	"github.com/ikrar-id/ikrar/internal/private"
)

// Keyring is the registry's signing keys, kept in a directory as one file per
// key: signer-<n>.key holds a note private key ("PRIVATE+KEY+…", mode 0600)
// and verifier-<n>.pub the matching verifier key. The highest n is the
// current signer. Verifiers of earlier keys stay, so checkpoints and claims
// they signed keep verifying; their private keys may be deleted once
// rotated out.
type Keyring struct {
	dir  string
	name string

	mu        sync.RWMutex
	current   int // n of the current signer
	signer    note.Signer
	priv      ed25519.PrivateKey
	hash      uint32 // note key hash of the current key
	vkeys     []string
	verifiers []note.Verifier
}

// keyFile is a key's number and kind in the keyring's directory.
type keyFile struct {
	n      int
	signer bool
}

// LoadOrCreateKeyring opens the keyring in dir, creating dir (mode 0700) and
// a first Ed25519 key named name if there is none. name is the log's origin,
// e.g. "ikrar.example.go.id/registry"; every key in the ring must carry it.
// Key material is never logged or put in errors.
func LoadOrCreateKeyring(dir, name string) (*Keyring, error) {
	if !validKeyName(name) {
		return nil, fmt.Errorf("keyring: invalid key name %q: it must be non-empty, without spaces or '+'", name)
	}
	if err := private.MkdirAll(dir); err != nil {
		return nil, fmt.Errorf("keyring: %w", err)
	}
	k := &Keyring{dir: dir, name: name}
	err := k.load()
	if errors.Is(err, errNoKeys) {
		err = k.add(1)
		if errors.Is(err, fs.ErrExist) { // another process created it first
			err = k.load()
		}
	}
	if err != nil {
		return nil, fmt.Errorf("keyring %s: %w", dir, err)
	}
	return k, nil
}

var errNoKeys = errors.New("no keys")

func (k *Keyring) load() error {
	files, err := k.files()
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return errNoKeys
	}
	top := files[len(files)-1].n
	if !files[len(files)-1].signer {
		return fmt.Errorf("the newest key, number %d, has no signer-%d.key", top, top)
	}

	// A rotation writes the signer first, so a crash can leave a signer
	// without its verifier; the verifier follows from the signer.
	signerVKeys := map[int]string{}
	var priv ed25519.PrivateKey
	var skey string
	for _, f := range files {
		if !f.signer {
			continue
		}
		text, err := readKeyFile(k.path(f))
		if err != nil {
			return err
		}
		p, vkey, err := parseSignerKey(text)
		if err != nil {
			return fmt.Errorf("%s: %w", k.path(f), err)
		}
		if name, _, _ := strings.Cut(vkey, "+"); name != k.name {
			return fmt.Errorf("%s is a key for %q, not %q", k.path(f), name, k.name)
		}
		signerVKeys[f.n] = vkey
		if f.n == top {
			priv, skey = p, text
		}
		pub := keyFile{n: f.n}
		if _, err := os.Stat(k.path(pub)); errors.Is(err, fs.ErrNotExist) {
			if err := writeNewFile(k.path(pub), []byte(vkey+"\n"), private.FileMode); err != nil {
				return err
			}
			files = append(files, pub)
		}
	}
	sortKeyFiles(files)

	var vkeys []string
	var verifiers []note.Verifier
	for _, f := range files {
		if f.signer {
			continue
		}
		text, err := readKeyFile(k.path(f))
		if err != nil {
			return err
		}
		v, err := note.NewVerifier(text)
		if err != nil {
			return fmt.Errorf("%s: %w", k.path(f), err)
		}
		if v.Name() != k.name {
			return fmt.Errorf("%s is a key for %q, not %q", k.path(f), v.Name(), k.name)
		}
		if want, ok := signerVKeys[f.n]; ok && text != want {
			return fmt.Errorf("%s does not match signer-%d.key", k.path(f), f.n)
		}
		vkeys = append(vkeys, text)
		verifiers = append(verifiers, v)
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		return fmt.Errorf("signer-%d.key: %w", top, err)
	}

	k.mu.Lock()
	defer k.mu.Unlock()
	k.current, k.signer, k.priv, k.hash = top, signer, priv, signer.KeyHash()
	k.vkeys, k.verifiers = vkeys, verifiers
	return nil
}

// files lists the key files in the directory, by number, verifier before
// signer; it refuses a signer key others may read.
func (k *Keyring) files() ([]keyFile, error) {
	entries, err := os.ReadDir(k.dir)
	if err != nil {
		return nil, err
	}
	var files []keyFile
	for _, e := range entries {
		f, ok := parseKeyFileName(e.Name())
		if !ok {
			continue
		}
		if f.signer && runtime.GOOS != "windows" {
			info, err := e.Info()
			if err != nil {
				return nil, err
			}
			if info.Mode().Perm()&0o077 != 0 {
				return nil, fmt.Errorf("%s has mode %v: a signer key must be readable by its owner only (chmod 600)",
					k.path(f), info.Mode().Perm())
			}
		}
		files = append(files, f)
	}
	sortKeyFiles(files)
	return files, nil
}

func sortKeyFiles(files []keyFile) {
	sort.Slice(files, func(i, j int) bool {
		if files[i].n != files[j].n {
			return files[i].n < files[j].n
		}
		return !files[i].signer
	})
}

func parseKeyFileName(name string) (keyFile, bool) {
	var f keyFile
	var num string
	switch {
	case strings.HasPrefix(name, "signer-") && strings.HasSuffix(name, ".key"):
		f.signer, num = true, strings.TrimSuffix(strings.TrimPrefix(name, "signer-"), ".key")
	case strings.HasPrefix(name, "verifier-") && strings.HasSuffix(name, ".pub"):
		num = strings.TrimSuffix(strings.TrimPrefix(name, "verifier-"), ".pub")
	default:
		return f, false
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 1 || strconv.Itoa(n) != num {
		return f, false
	}
	f.n = n
	return f, true
}

func (k *Keyring) path(f keyFile) string {
	if f.signer {
		return filepath.Join(k.dir, fmt.Sprintf("signer-%d.key", f.n))
	}
	return filepath.Join(k.dir, fmt.Sprintf("verifier-%d.pub", f.n))
}

// Rotate makes a new key the current signer. Earlier verifiers stay
// published.
func (k *Keyring) Rotate() error {
	files, err := k.files()
	if err != nil {
		return fmt.Errorf("rotate keyring %s: %w", k.dir, err)
	}
	next := 1
	if len(files) > 0 {
		next = files[len(files)-1].n + 1
	}
	if err := k.add(next); err != nil {
		return fmt.Errorf("rotate keyring %s: %w", k.dir, err)
	}
	return nil
}

// add generates key number n, writes it (signer first) and reloads.
func (k *Keyring) add(n int) error {
	skey, vkey, err := note.GenerateKey(rand.Reader, k.name)
	if err != nil {
		return err
	}
	if err := writeNewFile(k.path(keyFile{n: n, signer: true}), []byte(skey+"\n"), private.FileMode); err != nil {
		return err
	}
	if err := writeNewFile(k.path(keyFile{n: n}), []byte(vkey+"\n"), private.FileMode); err != nil {
		return err
	}
	return k.load()
}

// Signer is the current signing key.
func (k *Keyring) Signer() note.Signer {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.signer
}

// Verifiers holds every key of the ring, old ones included.
func (k *Keyring) Verifiers() note.Verifiers {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return note.VerifierList(k.verifiers...)
}

// VerifierKeys returns every verifier key, oldest first: what the registry
// publishes, one per line, at /api/v1/log/key.
func (k *Keyring) VerifierKeys() []string {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return append([]string(nil), k.vkeys...)
}

// Name is the keys' name, the log's origin.
func (k *Keyring) Name() string { return k.name }

// String describes the keyring without key material, so printing one by
// mistake leaks nothing.
func (k *Keyring) String() string {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return fmt.Sprintf("translog.Keyring{%s, key %d of %d, %s}", k.name, k.current, len(k.vkeys), k.dir)
}

// GoString is String, for %#v.
func (k *Keyring) GoString() string { return k.String() }

// ParseVerifierKeys parses published verifier keys, one per line; blank lines
// are skipped.
func ParseVerifierKeys(text string) (note.Verifiers, error) {
	var vs []note.Verifier
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		v, err := note.NewVerifier(line)
		if err != nil {
			return nil, fmt.Errorf("verifier key %q: %w", line, err)
		}
		vs = append(vs, v)
	}
	if len(vs) == 0 {
		return nil, errors.New("no verifier keys")
	}
	return note.VerifierList(vs...), nil
}

// parseSignerKey decodes a note private key,
// "PRIVATE+KEY+<name>+<hash>+<base64(0x01 || 32-byte seed)>", into its
// Ed25519 key and its verifier key. note.NewSigner checks the format and the
// hash; the raw key is needed to sign claims, which are not notes.
func parseSignerKey(skey string) (ed25519.PrivateKey, string, error) {
	errMalformed := errors.New("malformed note private key") // never quote the key
	if _, err := note.NewSigner(skey); err != nil {
		return nil, "", errMalformed
	}
	parts := strings.SplitN(skey, "+", 5) // base64 may hold "+"
	if len(parts) != 5 {
		return nil, "", errMalformed
	}
	key, err := base64.StdEncoding.DecodeString(parts[4])
	if err != nil || len(key) != 1+ed25519.SeedSize || key[0] != algEd25519 {
		return nil, "", errMalformed
	}
	priv := ed25519.NewKeyFromSeed(key[1:])
	vkey, err := note.NewEd25519VerifierKey(parts[2], priv.Public().(ed25519.PublicKey))
	if err != nil {
		return nil, "", errMalformed
	}
	return priv, vkey, nil
}

// algEd25519 is the note key algorithm byte for Ed25519.
const algEd25519 = 1

// parseVerifierKey decodes a note verifier key,
// "<name>+<hash>+<base64(0x01 || 32-byte public key)>".
func parseVerifierKey(vkey string) (hash uint32, pub ed25519.PublicKey, err error) {
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return 0, nil, fmt.Errorf("verifier key %q: %w", vkey, err)
	}
	parts := strings.SplitN(vkey, "+", 3)
	if len(parts) != 3 {
		return 0, nil, fmt.Errorf("verifier key %q: malformed", vkey)
	}
	key, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(key) != 1+ed25519.PublicKeySize || key[0] != algEd25519 {
		return 0, nil, fmt.Errorf("verifier key %q: not an Ed25519 key", vkey)
	}
	return v.KeyHash(), ed25519.PublicKey(key[1:]), nil
}

func readKeyFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

// writeNewFile writes a file that must not exist yet, atomically: a crash
// leaves either no file or the whole one.
func writeNewFile(path string, data []byte, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Link(tmp.Name(), path) // fails if path exists
}
