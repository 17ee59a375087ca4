package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/row"
)

// exportBatch is how many records EachSignature reads per query.
const exportBatch = 256

// EachSignature lists the IDs q selects in order first, then reads the
// records in batches: memory grows by eight bytes a record, and no
// transaction stays open while fn writes.
func (db *DB) EachSignature(ctx context.Context, q registry.SignatureQuery, fn func(registry.Signature) error) error {
	var p params
	where := `s.event_id = ` + p.add(q.EventID) + ` AND starts_with(o.path, ` + p.add(q.Scope) + `)`
	if q.Unit != "" {
		where += ` AND s.unit = ` + p.add(q.Unit)
	}
	rows, err := db.pool.Query(ctx, `SELECT s.id FROM signatures s JOIN employees e ON e.id = s.employee_id
		JOIN organizations o ON o.id = e.org_id WHERE `+where+` ORDER BY s.unit, s.name, s.id`, p.args...)
	if err != nil {
		return err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return err
	}
	for len(ids) > 0 {
		part := ids[:min(exportBatch, len(ids))]
		ids = ids[len(part):]
		batch, err := db.readSignatures(ctx, part)
		if err != nil {
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

// readSignatures reads the records whose IDs are ids, in that order.
func (db *DB) readSignatures(ctx context.Context, ids []int64) ([]registry.Signature, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+row.SignatureColumns+row.SignatureFrom+` WHERE s.id = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	sigs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (registry.Signature, error) { return scanSignature(r) })
	if err != nil {
		return nil, err
	}
	if len(sigs) != len(ids) {
		// Records are never deleted; a missing one is a broken database.
		return nil, registry.Errorf(registry.EINTERNAL, "Sebagian catatan ikrar hilang saat dibaca (%d dari %d).", len(sigs), len(ids))
	}
	byID := make(map[int64]registry.Signature, len(sigs))
	for _, s := range sigs {
		byID[s.ID] = s
	}
	out := make([]registry.Signature, len(ids))
	for i, id := range ids {
		out[i] = byID[id]
	}
	return out, nil
}
