package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
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
	rows, err := db.pool.Query(ctx, `SELECT `+employeeColumns+`, s.code, s.signed_at, s.channel, r.id
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
		var er employeeRow
		var code, channel *string
		var signed, revoked *int64
		if err := r.Scan(append(er.dest(), &code, &signed, &channel, &revoked)...); err != nil {
			return pt, err
		}
		pt.Employee = er.employee()
		if code != nil {
			pt.Signature = &registry.Signature{Code: *code, SignedAt: fromMS(*signed), Channel: registry.Channel(*channel)}
			if revoked != nil {
				pt.Signature.Revocation = &registry.Revocation{ID: *revoked}
			}
		}
		return pt, nil
	})
}

// EventStats counts the eligible employees and the records of an event.
func (db *DB) EventStats(ctx context.Context, e registry.Event) (registry.EventStats, error) {
	return db.ScopedEventStats(ctx, e, "/")
}

// ScopedEventStats counts the eligible employees of e inside scope and the
// records of the signers whose organization lies inside scope. A scope that
// holds the whole event counts every record of it, without looking up the
// signers' organizations.
func (db *DB) ScopedEventStats(ctx context.Context, e registry.Event, scope string) (registry.EventStats, error) {
	var st registry.EventStats
	eventPath, err := db.orgPath(ctx, e.OrgID)
	if err != nil {
		return st, err
	}
	var p params
	eligible := eligibleWhere(&p, p.add(e.ID), eventPath, scope, e)
	if err := db.pool.QueryRow(ctx, `SELECT COUNT(*) FROM employees e JOIN organizations o ON o.id = e.org_id WHERE `+eligible,
		p.args...).Scan(&st.Eligible); err != nil {
		return st, err
	}
	records := `SELECT COUNT(s.id), COUNT(r.id), COUNT(*) FILTER (WHERE s.channel = 'paper' AND r.id IS NULL)
		FROM signatures s LEFT JOIN revocations r ON r.signature_id = s.id`
	args := []any{e.ID}
	if !strings.HasPrefix(eventPath, scope) {
		records += ` JOIN employees e ON e.id = s.employee_id JOIN organizations o ON o.id = e.org_id
			WHERE s.event_id = $1 AND starts_with(o.path, $2)`
		args = append(args, scope)
	} else {
		records += ` WHERE s.event_id = $1 AND s.erased_at = 0`
	}
	err = db.pool.QueryRow(ctx, records, args...).Scan(&st.Signed, &st.Revoked, &st.Paper)
	st.Signed -= st.Revoked
	return st, err
}
