package sqlite

import (
	"context"
	"strings"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/row"
)

// exportBatch is how many records EachSignature reads per query.
const exportBatch = 256

// EachSignature lists the IDs q selects in order first, then reads the
// records in batches: memory grows by eight bytes a record, and no read
// transaction stays open while fn writes.
func (db *DB) EachSignature(ctx context.Context, q registry.SignatureQuery, fn func(registry.Signature) error) error {
	where := `s.event_id = ? AND substr(o.path, 1, length(?)) = ?`
	args := []any{q.EventID, q.Scope, q.Scope}
	if q.Unit != "" {
		where += ` AND s.unit = ?`
		args = append(args, q.Unit)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT s.id FROM signatures s JOIN employees e ON e.id = s.employee_id
		JOIN organizations o ON o.id = e.org_id WHERE `+where+` ORDER BY s.unit, s.name, s.id`, args...)
	if err != nil {
		return err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if err := rows.Err(); err != nil {
		return err
	}
	batch := make([]registry.Signature, 0, exportBatch)
	pos := make(map[int64]int, exportBatch)
	for len(ids) > 0 {
		part := ids[:min(exportBatch, len(ids))]
		ids = ids[len(part):]
		batch = batch[:len(part)]
		clear(pos)
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
			pos[id] = i
		}
		if err := db.readSignatures(ctx, args, pos, batch); err != nil {
			return err
		}
		for _, s := range batch {
			if err := fn(s); err != nil {
				return err
			}
		}
	}
	return nil
}

// readSignatures reads the records whose IDs are ids into out, each at
// its ID's position.
func (db *DB) readSignatures(ctx context.Context, ids []any, pos map[int64]int, out []registry.Signature) error {
	rows, err := db.read.QueryContext(ctx, `SELECT `+row.SignatureColumns+row.SignatureFrom+
		` WHERE s.id IN (?`+strings.Repeat(`, ?`, len(ids)-1)+`)`, ids...)
	if err != nil {
		return err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		s, err := scanSignature(rows)
		if err != nil {
			return err
		}
		out[pos[s.ID]] = s
		n++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if n != len(ids) {
		// Records are never deleted; a missing one is a broken database.
		return registry.Errorf(registry.EINTERNAL, "Sebagian catatan ikrar hilang saat dibaca (%d dari %d).", n, len(ids))
	}
	return nil
}
