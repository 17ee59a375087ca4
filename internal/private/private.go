// Package private keeps the data directory readable by its owner only:
// directories 0700 and files 0600, whatever the umask or the mode a
// directory already had (a Docker volume's /data is 0755). The database,
// its WAL and shared-memory files, backups, keys, secrets and the
// certificate cache all hold what only the server may read.
package private

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

const (
	DirMode  fs.FileMode = 0o700
	FileMode fs.FileMode = 0o600
)

// MkdirAll creates dir like os.MkdirAll and makes it DirMode even if it
// already existed.
func MkdirAll(dir string) error {
	if err := os.MkdirAll(dir, DirMode); err != nil {
		return err
	}
	return os.Chmod(dir, DirMode)
}

// Create creates path with FileMode if it does not exist, and makes it
// FileMode if it does, without changing its content.
func Create(path string) error {
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, FileMode)
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Chmod(path, FileMode)
}

// Chmod makes each existing path FileMode; missing ones are skipped.
func Chmod(paths ...string) error {
	for _, p := range paths {
		if err := os.Chmod(p, FileMode); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return nil
}

// Tighten makes root and every directory below it DirMode and every
// regular file FileMode. Symbolic links are left alone, not followed.
func Tighten(root string) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) && path != root { // removed meanwhile
				return nil
			}
			return err
		}
		want := FileMode
		switch {
		case d.IsDir():
			want = DirMode
		case !d.Type().IsRegular():
			return nil
		}
		info, err := d.Info()
		if os.IsNotExist(err) {
			return nil
		}
		if err != nil {
			return err
		}
		if info.Mode().Perm() != want {
			if err := os.Chmod(path, want); err != nil {
				return fmt.Errorf("restrict %s: %w", path, err)
			}
		}
		return nil
	})
}
