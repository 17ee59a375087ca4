package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// SetEventParticipants replaces an event's participant list in one
// transaction.
func (db *DB) SetEventParticipants(ctx context.Context, eventID int64, employeeIDs []int64) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE events SET has_list = true WHERE id = $1`, eventID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return registry.Errorf(registry.ENOTFOUND, "Acara tidak ditemukan.")
		}
		if _, err := tx.Exec(ctx, `DELETE FROM event_participants WHERE event_id = $1`, eventID); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO event_participants (event_id, employee_id)
			SELECT $1, id FROM unnest($2::bigint[]) AS id ON CONFLICT DO NOTHING`, eventID, employeeIDs)
		return mapErr(err, "Peserta")
	})
}

// ClearEventParticipants drops an event's participant list.
func (db *DB) ClearEventParticipants(ctx context.Context, eventID int64) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE events SET has_list = false WHERE id = $1`, eventID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return registry.Errorf(registry.ENOTFOUND, "Acara tidak ditemukan.")
		}
		_, err = tx.Exec(ctx, `DELETE FROM event_participants WHERE event_id = $1`, eventID)
		return err
	})
}

// ParticipantList describes an event's participant list.
func (db *DB) ParticipantList(ctx context.Context, eventID int64) (registry.ParticipantList, error) {
	var l registry.ParticipantList
	err := db.pool.QueryRow(ctx, `SELECT has_list, (SELECT COUNT(*) FROM event_participants WHERE event_id = $1)
		FROM events WHERE id = $1`, eventID).Scan(&l.Active, &l.Size)
	return l, mapErr(err, "Acara")
}

// Listed reports whether an employee passes an event's participant list.
func (db *DB) Listed(ctx context.Context, eventID, employeeID int64) (bool, error) {
	var ok bool
	err := db.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM employees e WHERE e.id = $2 AND `+onList("$1", "e.id")+`)`,
		eventID, employeeID).Scan(&ok)
	return ok, err
}

// EmployeeIDsByNIP looks NIPs up inside scope; an NIP held in several
// governments of scope resolves as in EmployeeByNIP.
func (db *DB) EmployeeIDsByNIP(ctx context.Context, scope string, nips []string) (map[string]int64, error) {
	rows, err := db.pool.Query(ctx, `SELECT DISTINCT ON (e.nip) e.nip, e.id FROM employees e
		JOIN organizations o ON o.id = e.org_id JOIN organizations g ON g.id = e.gov_id
		WHERE starts_with(o.path, $1) AND e.nip = ANY($2)
		ORDER BY e.nip, `+byNIPOrder, scope, nips)
	if err != nil {
		return nil, err
	}
	out := make(map[string]int64, len(nips))
	var nip string
	var id int64
	_, err = pgx.ForEachRow(rows, []any{&nip, &id}, func() error {
		out[nip] = id
		return nil
	})
	return out, err
}

// LinkGenerations returns an event's reissued link generations.
func (db *DB) LinkGenerations(ctx context.Context, eventID int64) (map[int64]int, error) {
	rows, err := db.pool.Query(ctx, `SELECT employee_id, generation FROM link_generations WHERE event_id = $1`, eventID)
	if err != nil {
		return nil, err
	}
	out := map[int64]int{}
	var id int64
	var gen int
	_, err = pgx.ForEachRow(rows, []any{&id, &gen}, func() error {
		out[id] = gen
		return nil
	})
	return out, err
}

// NextLinkGeneration raises an employee's link generation by one.
func (db *DB) NextLinkGeneration(ctx context.Context, eventID, employeeID int64) (int, error) {
	var gen int
	err := db.tx(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO link_generations (event_id, employee_id, generation) VALUES ($1, $2, 1)
			ON CONFLICT (event_id, employee_id) DO UPDATE SET generation = link_generations.generation + 1 RETURNING generation`,
			eventID, employeeID).Scan(&gen)
	})
	return gen, mapErr(err, "Tautan pribadi")
}

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
	rows, err := db.pool.Query(ctx, `SELECT `+signatureColumns+signatureFrom+` WHERE s.id = ANY($1)`, ids)
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

// StorePDFs stores many certificates with one commit.
func (db *DB) StorePDFs(ctx context.Context, pdfs []registry.IssuedPDF) error {
	if len(pdfs) == 0 {
		return nil
	}
	for _, p := range pdfs {
		if err := checkPDFHash(p); err != nil {
			return err
		}
	}
	return db.appendTx(ctx, func(tx pgx.Tx, lg *logAppender) error {
		for _, p := range pdfs {
			if _, err := storePDF(ctx, tx, lg, p); err != nil {
				return fmt.Errorf("store certificate of record %d: %w", p.SignatureID, err)
			}
		}
		return nil
	})
}
