package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/row"
)

// params numbers a query's arguments as they are added: the conditions
// shared by several queries (eligibility, the participant list) take
// their arguments wherever they fall in the query.
type params struct{ args []any }

// add appends v and returns its placeholder.
func (p *params) add(v any) string {
	p.args = append(p.args, v)
	return fmt.Sprintf("$%d", len(p.args))
}

// onList is the participant-list part of eligibility for the employee ID
// expression emp at the event whose ID is the placeholder ev: an event
// without an uploaded list admits its whole subtree, one with a list only
// the employees on it.
func onList(ev, emp string) string {
	return `(NOT (SELECT has_list FROM events WHERE id = ` + ev + `) OR EXISTS (SELECT 1 FROM event_participants
		WHERE event_id = ` + ev + ` AND employee_id = ` + emp + `))`
}

// eligibleWhere selects the employees e (of organization o) who may sign
// event ev (a placeholder for e.ID) inside scope.
func eligibleWhere(p *params, ev, eventPath, scope string, e registry.Event) string {
	w := `e.active AND starts_with(o.path, ` + p.add(eventPath) + `) AND starts_with(o.path, ` + p.add(scope) + `) AND ` + onList(ev, "e.id")
	if len(e.Categories) > 0 {
		cats := make([]string, len(e.Categories))
		for i, c := range e.Categories {
			cats[i] = string(c)
		}
		w += ` AND e.category = ANY(` + p.add(cats) + `)`
	}
	return w
}

func (db *DB) orgPath(ctx context.Context, id int64) (string, error) {
	o, err := db.Organization(ctx, id)
	return o.Path, err
}

// Participants lists the employees who may sign e (inside scope) and
// anyone who already signed, each once, with the record that stands for
// them (see personRecord).
func (db *DB) Participants(ctx context.Context, e registry.Event, scope string) ([]registry.Participant, error) {
	eventPath, err := db.orgPath(ctx, e.OrgID)
	if err != nil {
		return nil, err
	}
	var p params
	ev := p.add(e.ID)
	eligible := eligibleWhere(&p, ev, eventPath, scope, e)
	rows, err := db.pool.Query(ctx, `SELECT `+row.EmployeeColumns+`, s.code, s.signed_at, s.channel, r.id
		FROM employees e JOIN organizations o ON o.id = e.org_id
		LEFT JOIN signatures s ON s.id = `+personRecord(ev, "e.id")+`
		LEFT JOIN revocations r ON r.signature_id = s.id
		WHERE (`+eligible+`) OR (s.id IS NOT NULL AND starts_with(o.path, `+p.add(scope)+`))
		ORDER BY e.unit, e.name`, p.args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (registry.Participant, error) {
		var pt registry.Participant
		var er row.EmployeeRow
		var code, channel *string
		var signed, revoked *int64
		if err := r.Scan(append(er.Dest(), &code, &signed, &channel, &revoked)...); err != nil {
			return pt, err
		}
		pt.Employee = er.Employee()
		if code != nil {
			pt.Signature = &registry.Signature{Code: *code, SignedAt: row.Time(*signed), Channel: registry.Channel(*channel)}
			if revoked != nil {
				pt.Signature.Revocation = &registry.Revocation{ID: *revoked}
			}
		}
		return pt, nil
	})
}

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
