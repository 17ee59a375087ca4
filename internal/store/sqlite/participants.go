package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/row"
)

// eligibleWhere selects the employees who may sign e inside scope; its
// arguments follow from eligibleArgs.
func eligibleWhere(e registry.Event) string {
	w := `e.active = 1 AND substr(o.path, 1, length(?)) = ? AND substr(o.path, 1, length(?)) = ? AND ` + onList("e.id")
	if len(e.Categories) > 0 {
		w += ` AND e.category IN (?` + strings.Repeat(`, ?`, len(e.Categories)-1) + `)`
	}
	return w
}

func eligibleArgs(eventPath, scope string, e registry.Event) []any {
	args := []any{eventPath, eventPath, scope, scope, e.ID, e.ID}
	for _, c := range e.Categories {
		args = append(args, string(c))
	}
	return args
}

// Participants lists the employees who may sign e (inside scope) and
// anyone who already signed, each once, with the record that stands for
// them (see personRecord): someone who signed again after a revocation
// shows as signed.
func (db *DB) Participants(ctx context.Context, e registry.Event, scope string) ([]registry.Participant, error) {
	var eventPath string
	if err := db.read.QueryRowContext(ctx, `SELECT path FROM organizations WHERE id = ?`, e.OrgID).Scan(&eventPath); err != nil {
		return nil, mapErr(err, "Organisasi")
	}
	args := append([]any{e.ID, e.ID}, eligibleArgs(eventPath, scope, e)...)
	args = append(args, scope, scope)
	rows, err := db.read.QueryContext(ctx, `SELECT `+row.EmployeeColumns+`, s.code, s.signed_at, s.channel, r.id
		FROM employees e JOIN organizations o ON o.id = e.org_id
		LEFT JOIN signatures s ON s.id = `+personRecord("e.id")+`
		LEFT JOIN revocations r ON r.signature_id = s.id
		WHERE (`+eligibleWhere(e)+`) OR (s.id IS NOT NULL AND substr(o.path, 1, length(?)) = ?)
		ORDER BY e.unit, e.name`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []registry.Participant
	for rows.Next() {
		var p registry.Participant
		var code, channel sql.NullString
		var signed, revoked sql.NullInt64
		var updated int64
		em := &p.Employee
		if err := rows.Scan(&em.ID, &em.OrgID, &em.NIP, &em.Name, &em.FrontTitle, &em.BackTitle, &em.Position, &em.Rank,
			&em.Unit, &em.Category, &em.Active, &updated, &code, &signed, &channel, &revoked); err != nil {
			return nil, err
		}
		em.UpdatedAt = row.Time(updated)
		if code.Valid {
			p.Signature = &registry.Signature{Code: code.String, SignedAt: row.Time(signed.Int64), Channel: registry.Channel(channel.String)}
			if revoked.Valid {
				p.Signature.Revocation = &registry.Revocation{ID: revoked.Int64}
			}
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

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
