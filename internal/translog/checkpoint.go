package translog

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Checkpoint is a tree head: the log named Origin had Size leaves with root
// hash Root. Signed, it is a C2SP checkpoint (c2sp.org/tlog-checkpoint).
type Checkpoint struct {
	Origin string
	Size   int64
	Root   tlog.Hash
}

// Body is the checkpoint's note text: the origin, the size in decimal and
// the root in standard base64, each on its own line. ikrar writes no
// extension lines. tlog.FormatTree is not used because it hard-codes the Go
// checksum database's origin.
func (c Checkpoint) Body() string {
	return c.Origin + "\n" + strconv.FormatInt(c.Size, 10) + "\n" +
		base64.StdEncoding.EncodeToString(c.Root[:]) + "\n"
}

// ParseCheckpoint parses a checkpoint body strictly: exactly the three lines
// Body writes, in canonical form. Extension lines, which the format allows,
// are rejected because ikrar never writes them and a verifier must not
// accept text it would ignore.
func ParseCheckpoint(body string) (Checkpoint, error) {
	lines := strings.SplitAfter(body, "\n")
	if len(lines) != 4 || lines[3] != "" {
		return Checkpoint{}, fmt.Errorf("checkpoint: want 3 lines ending in newline, got %q", body)
	}
	origin := strings.TrimSuffix(lines[0], "\n")
	sizeText := strings.TrimSuffix(lines[1], "\n")
	rootText := strings.TrimSuffix(lines[2], "\n")
	if !validKeyName(origin) {
		return Checkpoint{}, fmt.Errorf("checkpoint: invalid origin %q", origin)
	}
	size, err := strconv.ParseInt(sizeText, 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != sizeText {
		return Checkpoint{}, fmt.Errorf("checkpoint: invalid size %q", sizeText)
	}
	root, err := base64.StdEncoding.DecodeString(rootText)
	if err != nil || len(root) != tlog.HashSize || base64.StdEncoding.EncodeToString(root) != rootText {
		return Checkpoint{}, fmt.Errorf("checkpoint: invalid root hash %q", rootText)
	}
	c := Checkpoint{Origin: origin, Size: size}
	copy(c.Root[:], root)
	return c, nil
}

// SignCheckpoint returns c as a signed note, signed with the current key,
// and also with the replaced key while a rotation hands over (a C2SP signed
// note may carry several signatures; a verifier that knows either key
// accepts it). The checkpoint's origin must be the keyring's name, as C2SP
// requires of the log's own signature. A key outside its validity window
// does not sign.
func (k *Keyring) SignCheckpoint(c Checkpoint) ([]byte, error) {
	if c.Origin != k.name {
		return nil, fmt.Errorf("sign checkpoint: origin %q is not the key name %q", c.Origin, k.name)
	}
	if c.Size < 0 {
		return nil, fmt.Errorf("sign checkpoint: negative size %d", c.Size)
	}
	signers, err := k.signers()
	if err != nil {
		return nil, fmt.Errorf("sign checkpoint: %w", err)
	}
	msg, err := note.Sign(&note.Note{Text: c.Body()}, signers...)
	if err != nil {
		return nil, fmt.Errorf("sign checkpoint: %w", err)
	}
	return msg, nil
}

// ErrUnverified means no known key signed a checkpoint or claim.
var ErrUnverified = errors.New("not signed by a known key")

// OpenCheckpoint verifies a signed checkpoint and parses it. It fails unless
// a known key whose name is the checkpoint's origin signed it; signatures by
// unknown keys (a witness's, say) are ignored, a bad signature by a known
// key is an error.
func OpenCheckpoint(msg []byte, verifiers note.Verifiers) (Checkpoint, error) {
	var c Checkpoint
	err := openNote(msg, verifiers, "checkpoint", func(text string) (origin string, err error) {
		c, err = ParseCheckpoint(text)
		return c.Origin, err
	})
	if err != nil {
		return Checkpoint{}, err
	}
	return c, nil
}

// openNote verifies a signed note the log's key signs (a checkpoint, a
// revocation list) and parses its text with parse, which returns the
// origin. It fails unless a known key named as the origin signed it.
func openNote(msg []byte, verifiers note.Verifiers, what string, parse func(text string) (origin string, err error)) error {
	n, err := note.Open(msg, verifiers)
	if _, ok := errors.AsType[*note.UnverifiedNoteError](err); ok {
		return fmt.Errorf("open %s: %w", what, ErrUnverified)
	}
	if err != nil {
		return fmt.Errorf("open %s: %w", what, err)
	}
	origin, err := parse(n.Text)
	if err != nil {
		return fmt.Errorf("open %s: %w", what, err)
	}
	for _, s := range n.Sigs {
		if s.Name == origin {
			return nil
		}
	}
	return fmt.Errorf("open %s of %s: %w", what, origin, ErrUnverified)
}

// ValidOrigin reports whether s may name a log: what a checkpoint's first
// line and every key of the log carry.
func ValidOrigin(s string) bool { return validKeyName(s) }

// validKeyName reports whether s may name a note key and so a log origin:
// non-empty UTF-8 without spaces or '+'.
func validKeyName(s string) bool {
	return s != "" && utf8.ValidString(s) && !strings.ContainsRune(s, '+') &&
		!strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) })
}
