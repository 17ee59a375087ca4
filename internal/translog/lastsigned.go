package translog

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// LastSignedFile is the name, in the keyring's directory, of the last
// checkpoint the registry signed: its signed note, kept beside the key and
// outside the database, so that an insider who rewrites the database
// cannot make the signer forget what it has already vouched for.
const LastSignedFile = "last-checkpoint"

// LastSigned returns the last checkpoint the keyring signed, as KeepSigned
// wrote it; ok is false when there is none (a data directory from before
// the file existed, or a log never signed). A file that does not verify
// with the ring's keys is an error, never "none".
func (k *Keyring) LastSigned() (sc SignedCheckpoint, ok bool, err error) {
	path := filepath.Join(k.dir, LastSignedFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return SignedCheckpoint{}, false, nil
	}
	if err != nil {
		return SignedCheckpoint{}, false, fmt.Errorf("last signed checkpoint: %w", err)
	}
	c, err := OpenCheckpoint(b, k.Verifiers())
	if err != nil {
		return SignedCheckpoint{}, false, fmt.Errorf("last signed checkpoint %s: %w", path, err)
	}
	return SignedCheckpoint{Size: c.Size, Root: c.Root, Note: b}, true, nil
}

// KeepSigned records sc as the last checkpoint signed: written to a
// temporary file, synced, renamed over the old one and the directory
// synced, so a crash leaves the old checkpoint or the new one. Call it
// after signing and before the checkpoint is stored or served.
func (k *Keyring) KeepSigned(sc SignedCheckpoint) error {
	path := filepath.Join(k.dir, LastSignedFile)
	if err := writeFileReplace(path, sc.Note); err != nil {
		return fmt.Errorf("keep last signed checkpoint %d: %w", sc.Size, err)
	}
	if err := syncDir(k.dir); err != nil {
		return fmt.Errorf("keep last signed checkpoint %d: %w", sc.Size, err)
	}
	return nil
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}
