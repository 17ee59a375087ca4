//go:build !unix

package seen

import "os"

// lockFile, where flock is missing, only makes sure the lock file can be
// created: concurrent runs then cannot corrupt the state (every write is a
// rename) but may both remember what each saw.
func lockFile(path string, wait func()) (func() error, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	return f.Close, nil
}
