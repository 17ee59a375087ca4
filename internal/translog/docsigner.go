package translog

import (
	"fmt"

	"golang.org/x/mod/sumdb/note"
)

// DocumentSigner is the current key for signing an issued document (a
// certificate PDF, docs/FORMATS.md §6), if it is inside its validity
// window: the same key, published in the same key file, that signs
// checkpoints and claims. The document's own format keeps its messages
// apart from theirs.
func (k *Keyring) DocumentSigner() (note.Signer, error) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	if w := k.currentWindow(); !w.Contains(k.now()) {
		return nil, fmt.Errorf("key %d (%s): %w", k.current, w, ErrKeyWindow)
	}
	return k.signer, nil
}
