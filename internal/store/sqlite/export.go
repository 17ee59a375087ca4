package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// onList is the participant-list part of eligibility for the employee ID
// expression emp: an event without an uploaded list admits its whole
// subtree, one with a list only the employees on it. Its two arguments are
// the event's ID, twice. eligibleWhere and Listed both use it, so the rule
// is written once. EXISTS on the list's primary key costs one look-up per
// employee; "IN (SELECT …)" would copy the whole list for every query,
// milliseconds on the signing path for a list of thousands.
func onList(emp string) string {
	return `((SELECT has_list FROM events WHERE id = ?) = 0 OR EXISTS (SELECT 1 FROM event_participants
		WHERE event_id = ? AND employee_id = ` + emp + `))`
}

// SetEventParticipants replaces an event's participant list in one
// transaction.
func (db *DB) SetEventParticipants(ctx context.Context, eventID int64, employeeIDs []int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE events SET has_list = 1 WHERE id = ?`, eventID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return registry.Errorf(registry.ENOTFOUND, "Acara tidak ditemukan.")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM event_participants WHERE event_id = ?`, eventID); err != nil {
			return err
		}
		ins, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO event_participants (event_id, employee_id) VALUES (?, ?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		for _, id := range employeeIDs {
			if _, err := ins.ExecContext(ctx, eventID, id); err != nil {
				return mapErr(err, "Peserta")
			}
		}
		return nil
	})
}

// ClearEventParticipants drops an event's participant list.
func (db *DB) ClearEventParticipants(ctx context.Context, eventID int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE events SET has_list = 0 WHERE id = ?`, eventID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return registry.Errorf(registry.ENOTFOUND, "Acara tidak ditemukan.")
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM event_participants WHERE event_id = ?`, eventID)
		return err
	})
}

// ParticipantList describes an event's participant list.
func (db *DB) ParticipantList(ctx context.Context, eventID int64) (registry.ParticipantList, error) {
	var l registry.ParticipantList
	err := db.read.QueryRowContext(ctx, `SELECT has_list, (SELECT COUNT(*) FROM event_participants WHERE event_id = ?)
		FROM events WHERE id = ?`, eventID, eventID).Scan(&l.Active, &l.Size)
	return l, mapErr(err, "Acara")
}

// Listed reports whether an employee passes an event's participant list.
func (db *DB) Listed(ctx context.Context, eventID, employeeID int64) (bool, error) {
	var ok bool
	err := db.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM employees e WHERE e.id = ? AND `+onList("e.id")+`)`,
		employeeID, eventID, eventID).Scan(&ok)
	return ok, err
}

// EmployeeIDsByNIP looks NIPs up inside scope, a few hundred at a time; an
// NIP held in several governments of scope resolves as in EmployeeByNIP.
func (db *DB) EmployeeIDsByNIP(ctx context.Context, scope string, nips []string) (map[string]int64, error) {
	out := make(map[string]int64, len(nips))
	const batch = 500
	for len(nips) > 0 {
		part := nips[:min(batch, len(nips))]
		nips = nips[len(part):]
		args := []any{scope, scope}
		for _, n := range part {
			args = append(args, n)
		}
		rows, err := db.read.QueryContext(ctx, `SELECT e.nip, e.id FROM employees e JOIN organizations o ON o.id = e.org_id
			JOIN organizations g ON g.id = e.gov_id
			WHERE substr(o.path, 1, length(?)) = ? AND e.nip IN (?`+strings.Repeat(`, ?`, len(part)-1)+`)
			ORDER BY e.nip, `+byNIPOrder, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var nip string
			var id int64
			if err := rows.Scan(&nip, &id); err != nil {
				rows.Close()
				return nil, err
			}
			if _, seen := out[nip]; !seen {
				out[nip] = id
			}
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// LinkGenerations returns an event's reissued link generations.
func (db *DB) LinkGenerations(ctx context.Context, eventID int64) (map[int64]int, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT employee_id, generation FROM link_generations WHERE event_id = ?`, eventID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var gen int
		if err := rows.Scan(&id, &gen); err != nil {
			return nil, err
		}
		out[id] = gen
	}
	return out, rows.Err()
}

// NextLinkGeneration raises an employee's link generation by one.
func (db *DB) NextLinkGeneration(ctx context.Context, eventID, employeeID int64) (int, error) {
	var gen int
	err := db.tx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO link_generations (event_id, employee_id, generation) VALUES (?, ?, 1)
			ON CONFLICT (event_id, employee_id) DO UPDATE SET generation = generation + 1 RETURNING generation`,
			eventID, employeeID).Scan(&gen)
	})
	return gen, mapErr(err, "Tautan pribadi")
}

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
	rows, err := db.read.QueryContext(ctx, `SELECT `+signatureColumns+signatureFrom+
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
	var size int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		lg, err := newLogAppender(ctx, tx)
		if err != nil {
			return err
		}
		for _, p := range pdfs {
			if _, err := storePDF(ctx, tx, lg, p); err != nil {
				return fmt.Errorf("store certificate of record %d: %w", p.SignatureID, err)
			}
		}
		size = lg.n
		return lg.finish()
	})
	if err == nil {
		db.notifyAppend(size)
	}
	return err
}
