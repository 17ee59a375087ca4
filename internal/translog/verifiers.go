package translog

import (
	"fmt"
	"os"
)

// ReadVerifierKeys returns the verifier keys kept in a keyring's directory,
// oldest first, as the registry publishes them. It reads no private key and
// creates nothing: an auditor of a data directory, or of a copy without
// its private keys, needs only these.
func ReadVerifierKeys(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("verifier keys: %w", err)
	}
	var files []keyFile
	for _, e := range entries {
		if f, ok := parseKeyFileName(e.Name()); ok && !f.signer {
			files = append(files, f)
		}
	}
	sortKeyFiles(files)
	k := &Keyring{dir: dir}
	var keys []string
	for _, f := range files {
		text, err := readKeyFile(k.path(f))
		if err != nil {
			return nil, fmt.Errorf("verifier keys: %w", err)
		}
		keys = append(keys, text)
	}
	return keys, nil
}
