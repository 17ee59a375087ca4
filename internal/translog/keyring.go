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
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/ikrar-id/ikrar/internal/private"
)

// Keyring is the registry's signing keys, kept in a directory as one file per
// key: signer-<n>.key holds a note private key ("PRIVATE+KEY+…", mode 0600),
// verifier-<n>.pub the matching verifier key and window-<n>.txt the key's
// validity window. The highest n is the current signer. Verifiers of earlier
// keys stay, so checkpoints and claims they signed keep verifying; their
// private keys leave the directory when a rotation retires them.
type Keyring struct {
	dir  string
	name string
	now  func() time.Time

	mu        sync.RWMutex
	current   int // n of the current signer
	signer    note.Signer
	priv      ed25519.PrivateKey
	hash      uint32 // note key hash of the current key
	vkeys     []string
	nums      []int    // key numbers of vkeys, by position
	windows   []Window // of vkeys, by position
	verifiers []note.Verifier
	// retiring is the signer a rotation replaced, kept in memory only until
	// it has cross-signed the checkpoint that hands over to the new key.
	retiring    note.Signer
	retiringN   int
	retiringWin Window
}

// DefaultKeyLifetime is how long a new key may sign: a key that has signed
// for two years is retired by rotation, not trusted for ever.
const DefaultKeyLifetime = 2 * 365 * 24 * time.Hour

// Window is when a key may sign: from NotBefore until NotAfter. A zero
// bound is open; keys made before windows existed have neither.
type Window struct {
	NotBefore, NotAfter time.Time
	// HandedOver says a rotation retired the key after it signed, together
	// with its successor, the checkpoint of size HandoverSize: where a
	// verifier who trusts this key follows to the next.
	HandedOver   bool
	HandoverSize int64
}

// Contains reports whether the key may sign at t.
func (w Window) Contains(t time.Time) bool {
	return (w.NotBefore.IsZero() || !t.Before(w.NotBefore)) && (w.NotAfter.IsZero() || t.Before(w.NotAfter))
}

// String is the window as window-<n>.txt holds it and the key list shows
// it: "not-before T not-after T", RFC 3339 in UTC, "-" for an open bound.
func (w Window) String() string {
	f := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.UTC().Format(time.RFC3339)
	}
	s := "not-before " + f(w.NotBefore) + " not-after " + f(w.NotAfter)
	if w.HandedOver {
		s += " handover " + strconv.FormatInt(w.HandoverSize, 10)
	}
	return s
}

// parseWindow reads what Window.String writes.
func parseWindow(text string) (Window, error) {
	f := strings.Fields(text)
	if (len(f) != 4 && len(f) != 6) || f[0] != "not-before" || f[2] != "not-after" {
		return Window{}, fmt.Errorf("malformed validity window %q", text)
	}
	var w Window
	if len(f) == 6 {
		n, err := strconv.ParseInt(f[5], 10, 64)
		if f[4] != "handover" || err != nil || n < 0 {
			return Window{}, fmt.Errorf("malformed validity window %q", text)
		}
		w.HandedOver, w.HandoverSize = true, n
	}
	for i, t := range []*time.Time{&w.NotBefore, &w.NotAfter} {
		if v := f[2*i+1]; v != "-" {
			p, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return Window{}, fmt.Errorf("validity window: %w", err)
			}
			*t = p
		}
	}
	return w, nil
}

// ErrKeyWindow means the current key may not sign now: its validity window
// has not begun or has ended.
var ErrKeyWindow = errors.New("the signing key is outside its validity window")

// keyFile is a key's number and kind in the keyring's directory.
type keyFile struct {
	n      int
	signer bool
}

// LoadOrCreateKeyring opens the keyring in dir, creating dir (mode 0700) and
// a first Ed25519 key named name, valid for DefaultKeyLifetime, if there is
// none. name is the log's origin, e.g. "ikrar.example.go.id/registry"; every
// key in the ring must carry it. Key material is never logged or put in
// errors.
func LoadOrCreateKeyring(dir, name string) (*Keyring, error) {
	return openKeyring(dir, name, true)
}

// LoadKeyring opens the keyring in dir; it fails with ErrNoKeys, creating
// nothing, if dir holds no key.
func LoadKeyring(dir, name string) (*Keyring, error) {
	return openKeyring(dir, name, false)
}

func openKeyring(dir, name string, create bool) (*Keyring, error) {
	if !validKeyName(name) {
		return nil, fmt.Errorf("keyring: invalid key name %q: it must be non-empty, without spaces or '+'", name)
	}
	k := &Keyring{dir: dir, name: name, now: time.Now}
	if !create {
		if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("keyring %s: %w", dir, ErrNoKeys)
		}
	} else if err := private.MkdirAll(dir); err != nil {
		return nil, fmt.Errorf("keyring: %w", err)
	}
	err := k.load()
	if create && errors.Is(err, ErrNoKeys) {
		err = k.add(1, DefaultKeyLifetime)
		if errors.Is(err, fs.ErrExist) { // another process created it first
			err = k.load()
		}
	}
	if err != nil {
		return nil, fmt.Errorf("keyring %s: %w", dir, err)
	}
	return k, nil
}

// ErrNoKeys means a keyring's directory holds no key.
var ErrNoKeys = errors.New("no keys")

func (k *Keyring) load() error {
	files, err := k.files()
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return ErrNoKeys
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
	var windows []Window
	var nums []int
	var verifiers []note.Verifier
	for _, f := range files {
		if f.signer {
			continue
		}
		w, err := k.readWindow(f.n)
		if err != nil {
			return err
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
		windows = append(windows, w)
		nums = append(nums, f.n)
		verifiers = append(verifiers, v)
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		return fmt.Errorf("signer-%d.key: %w", top, err)
	}

	k.mu.Lock()
	defer k.mu.Unlock()
	k.current, k.signer, k.priv, k.hash = top, signer, priv, signer.KeyHash()
	k.vkeys, k.nums, k.windows, k.verifiers = vkeys, nums, windows, verifiers
	return nil
}

func (k *Keyring) windowPath(n int) string {
	return filepath.Join(k.dir, fmt.Sprintf("window-%d.txt", n))
}

// readWindow reads key n's validity window; a key without one (made before
// windows existed) has an open window.
func (k *Keyring) readWindow(n int) (Window, error) {
	text, err := readKeyFile(k.windowPath(n))
	if errors.Is(err, fs.ErrNotExist) {
		return Window{}, nil
	}
	if err != nil {
		return Window{}, err
	}
	w, err := parseWindow(text)
	if err != nil {
		return Window{}, fmt.Errorf("%s: %w", k.windowPath(n), err)
	}
	return w, nil
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

// Rotate makes a new key, valid for lifetime from now, the current signer.
// Earlier verifiers stay published. Until Retire, the replaced signer stays
// in memory and SignCheckpoint signs with both, so a checkpoint signed in
// between hands over from the old key to the new one.
func (k *Keyring) Rotate(lifetime time.Duration) error {
	if lifetime <= 0 {
		return fmt.Errorf("rotate keyring %s: a key's lifetime must be positive", k.dir)
	}
	files, err := k.files()
	if err != nil {
		return fmt.Errorf("rotate keyring %s: %w", k.dir, err)
	}
	next := 1
	if len(files) > 0 {
		next = files[len(files)-1].n + 1
	}
	k.mu.RLock()
	old, oldN, oldWin := k.signer, k.current, k.currentWindow()
	k.mu.RUnlock()
	if err := k.add(next, lifetime); err != nil {
		return fmt.Errorf("rotate keyring %s: %w", k.dir, err)
	}
	k.mu.Lock()
	k.retiring, k.retiringN, k.retiringWin = old, oldN, oldWin
	k.mu.Unlock()
	return nil
}

// Retire ends the validity of every key but the current one now and removes
// their private keys from the directory; their verifier keys stay
// published. Export a key first to keep it. handoverSize is the size of the
// checkpoint signed since Rotate, which the retiring key signed too if it
// was inside its window; its window records it.
func (k *Keyring) Retire(handoverSize int64) error {
	files, err := k.files()
	if err != nil {
		return fmt.Errorf("retire keys in %s: %w", k.dir, err)
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	now := k.now().UTC().Truncate(time.Second)
	for _, f := range files {
		if f.n == k.current {
			continue
		}
		if i := k.index(f.n); !f.signer && i >= 0 {
			w := k.windows[i]
			handover := k.retiring != nil && f.n == k.retiringN && k.retiringWin.Contains(now)
			if w.NotAfter.IsZero() || w.NotAfter.After(now) || handover {
				if w.NotAfter.IsZero() || w.NotAfter.After(now) {
					w.NotAfter = now
				}
				if handover {
					w.HandedOver, w.HandoverSize = true, handoverSize
				}
				if err := writeFileReplace(k.windowPath(f.n), []byte(w.String()+"\n")); err != nil {
					return fmt.Errorf("retire key %d: %w", f.n, err)
				}
				k.windows[i] = w
			}
		}
		if f.signer {
			if err := os.Remove(k.path(f)); err != nil {
				return fmt.Errorf("retire key %d: %w", f.n, err)
			}
		}
	}
	k.retiring = nil
	return nil
}

// index is the position in vkeys of key number n, or -1.
func (k *Keyring) index(n int) int {
	for i, m := range k.nums {
		if m == n {
			return i
		}
	}
	return -1
}

// CurrentWindow is when the current key may sign.
func (k *Keyring) CurrentWindow() Window {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.currentWindow()
}

func (k *Keyring) currentWindow() Window {
	if i := k.index(k.current); i >= 0 {
		return k.windows[i]
	}
	return Window{}
}

// ExportSigner writes the current private key to path, which must not
// exist, readable by its owner only: the way to keep a key that a rotation
// will remove from the data directory.
func (k *Keyring) ExportSigner(path string) error {
	k.mu.RLock()
	n := k.current
	k.mu.RUnlock()
	text, err := readKeyFile(k.path(keyFile{n: n, signer: true}))
	if err != nil {
		return fmt.Errorf("export key %d: %w", n, err)
	}
	if err := writeNewFile(path, []byte(text+"\n"), private.FileMode); err != nil {
		return fmt.Errorf("export key %d to %s: %w", n, path, err)
	}
	return nil
}

// add generates key number n, valid for lifetime from now, writes it
// (signer first, window last) and reloads.
func (k *Keyring) add(n int, lifetime time.Duration) error {
	skey, vkey, err := note.GenerateKey(rand.Reader, k.name)
	if err != nil {
		return err
	}
	now := k.now().UTC().Truncate(time.Second)
	w := Window{NotBefore: now, NotAfter: now.Add(lifetime)}
	if err := writeNewFile(k.path(keyFile{n: n, signer: true}), []byte(skey+"\n"), private.FileMode); err != nil {
		return err
	}
	if err := writeFileReplace(k.windowPath(n), []byte(w.String()+"\n")); err != nil {
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

// signers are the keys that sign a checkpoint now: the current one, which
// must be inside its window, and the one a rotation is retiring, if it is
// still inside its own.
func (k *Keyring) signers() ([]note.Signer, error) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	now := k.now()
	if w := k.currentWindow(); !w.Contains(now) {
		return nil, fmt.Errorf("key %d (%s): %w", k.current, w, ErrKeyWindow)
	}
	s := []note.Signer{k.signer}
	if k.retiring != nil && k.retiringWin.Contains(now) {
		s = append(s, k.retiring)
	}
	return s, nil
}

// PublishedKey is a verifier key and when it may sign.
type PublishedKey struct {
	Verifier string
	Window   Window
}

// PublishedKeys returns every verifier key with its validity window, oldest
// first.
func (k *Keyring) PublishedKeys() []PublishedKey {
	k.mu.RLock()
	defer k.mu.RUnlock()
	out := make([]PublishedKey, len(k.vkeys))
	for i, v := range k.vkeys {
		out[i] = PublishedKey{Verifier: v, Window: k.windows[i]}
	}
	return out
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

// writeFileReplace writes path atomically, replacing what it held.
func writeFileReplace(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := writeAndClose(tmp, data, private.FileMode); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func writeAndClose(f *os.File, data []byte, perm os.FileMode) error {
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// writeNewFile writes a file that must not exist yet, atomically: a crash
// leaves either no file or the whole one.
func writeNewFile(path string, data []byte, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := writeAndClose(tmp, data, perm); err != nil {
		return err
	}
	return os.Link(tmp.Name(), path) // fails if path exists
}
