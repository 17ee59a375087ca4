package row

import "github.com/ikrar-id/ikrar/internal/translog"

// Checkpoint reads a signed checkpoint's size, root and note, in that
// order.
func Checkpoint(s Scanner) (translog.SignedCheckpoint, error) {
	var c translog.SignedCheckpoint
	var root []byte
	var note string
	if err := s.Scan(&c.Size, &root, &note); err != nil {
		return c, err
	}
	copy(c.Root[:], root)
	c.Note = []byte(note)
	return c, nil
}
