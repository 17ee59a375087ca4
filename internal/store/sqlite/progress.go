package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/groupcommit"
	"github.com/ikrar-id/ikrar/internal/store/row"
)

// Progress reads an event's live counts from the counters of
// migrations/003_ops.sql, and its latest records, in one read transaction
// so the numbers agree with each other.
func (db *DB) Progress(ctx context.Context, e registry.Event, scope string, since time.Time, latest int) (registry.Progress, error) {
	var p registry.Progress
	tx, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		return p, err
	}
	defer tx.Rollback()
	var eventPath string
	if err := tx.QueryRowContext(ctx, `SELECT path FROM organizations WHERE id = ?`, e.OrgID).Scan(&eventPath); err != nil {
		return p, mapErr(err, "Organisasi")
	}
	if p.Units, err = progressUnits(ctx, tx, e, eventPath, scope); err != nil {
		return p, fmt.Errorf("units: %w", err)
	}
	if p.Curve, err = progressCurve(ctx, tx, e.ID, scope, since); err != nil {
		return p, fmt.Errorf("curve: %w", err)
	}
	if p.Latest, err = progressLatest(ctx, tx, e.ID, scope, latest, p.Signed()); err != nil {
		return p, fmt.Errorf("latest: %w", err)
	}
	return p, nil
}

// progressUnits counts the eligible employees and the standing records of
// e inside scope per organization and unit.
func progressUnits(ctx context.Context, tx *sql.Tx, e registry.Event, eventPath, scope string) ([]registry.UnitProgress, error) {
	var listed bool
	if err := tx.QueryRowContext(ctx, `SELECT has_list FROM events WHERE id = ?`, e.ID).Scan(&listed); err != nil {
		return nil, mapErr(err, "Acara")
	}
	// Without an uploaded list, who may sign is a matter of subtree,
	// category and active flag, which ops_roster counts; the range on the
	// path lets the narrower of the two subtrees drive the query. A list
	// names employees one by one, so it is counted through the roster with
	// the full rule.
	narrow := eventPath
	if len(scope) > len(narrow) {
		narrow = scope
	}
	from, to := pathRange(narrow)
	eligible := `SELECT e.org_id, o.name, e.unit, SUM(e.employees) FROM ops_roster e JOIN organizations o ON o.id = e.org_id
		WHERE e.active = 1 AND o.path >= ? AND o.path < ? AND substr(o.path, 1, length(?)) = ? AND substr(o.path, 1, length(?)) = ?`
	args := []any{from, to, eventPath, eventPath, scope, scope}
	if len(e.Categories) > 0 {
		eligible += ` AND e.category IN (?` + strings.Repeat(`, ?`, len(e.Categories)-1) + `)`
		for _, c := range e.Categories {
			args = append(args, string(c))
		}
	}
	if listed {
		eligible = `SELECT e.org_id, o.name, e.unit, COUNT(*) FROM employees e JOIN organizations o ON o.id = e.org_id WHERE ` + eligibleWhere(e)
		args = eligibleArgs(eventPath, scope, e)
	}
	type key struct {
		org  int64
		unit string
	}
	units := map[key]*registry.UnitProgress{}
	for _, q := range []struct {
		query string
		args  []any
		count func(*registry.UnitProgress) *int
	}{
		{eligible + ` GROUP BY e.org_id, e.unit`, args, func(u *registry.UnitProgress) *int { return &u.Eligible }},
		{`SELECT c.org_id, o.name, c.unit, c.signed FROM ops_signed c JOIN organizations o ON o.id = c.org_id
			WHERE c.event_id = ? AND c.signed > 0 AND substr(o.path, 1, length(?)) = ?`, []any{e.ID, scope, scope},
			func(u *registry.UnitProgress) *int { return &u.Signed }},
	} {
		err := eachRow(ctx, tx, q.query, q.args, func(rows *sql.Rows) error {
			var k key
			var orgName string
			var n int
			if err := rows.Scan(&k.org, &orgName, &k.unit, &n); err != nil {
				return err
			}
			u := units[k]
			if u == nil {
				u = &registry.UnitProgress{OrgID: k.org, OrgName: orgName, Unit: k.unit}
				units[k] = u
			}
			*q.count(u) += n
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	out := make([]registry.UnitProgress, 0, len(units))
	for _, u := range units {
		if u.Eligible > 0 || u.Signed > 0 {
			out = append(out, *u)
		}
	}
	return out, nil
}

// eachRow runs query and calls fn for each row.
func eachRow(ctx context.Context, tx *sql.Tx, query string, args []any, fn func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func progressCurve(ctx context.Context, tx *sql.Tx, eventID int64, scope string, since time.Time) ([]registry.MinuteCount, error) {
	var out []registry.MinuteCount
	err := eachRow(ctx, tx, `SELECT m.minute, SUM(m.signings) FROM ops_minutes m JOIN organizations o ON o.id = m.org_id
		WHERE m.event_id = ? AND m.minute >= ? AND substr(o.path, 1, length(?)) = ?
		GROUP BY m.minute ORDER BY m.minute`, []any{eventID, since.Unix() / 60, scope, scope}, func(rows *sql.Rows) error {
		var minute int64
		var m registry.MinuteCount
		if err := rows.Scan(&minute, &m.Count); err != nil {
			return err
		}
		m.Minute = time.Unix(minute*60, 0).UTC()
		out = append(out, m)
		return nil
	})
	return out, err
}

// pathRange bounds the materialized paths of a subtree ("/1/4/" →
// "/1/4/" to "/1/40"), a range the index on organizations.path serves,
// unlike the prefix test it narrows.
func pathRange(path string) (from, to string) {
	return path, strings.TrimSuffix(path, "/") + "0"
}

// latestWalk bounds how many of an event's newest records progressLatest
// looks through before it turns to the scope's employees.
const latestWalk = 2000

// progressLatest finds the n newest standing records inside scope, which
// holds signed of them. The event's newest records hold them unless the
// scope has been quiet while others signed; then the scope's employees are
// searched instead, which costs what the scope's size does, not the
// event's.
func progressLatest(ctx context.Context, tx *sql.Tx, eventID int64, scope string, n, signed int) ([]registry.Signature, error) {
	if signed == 0 {
		return nil, nil
	}
	const standing = ` s.erased_at = 0 AND NOT EXISTS (SELECT 1 FROM revocations r WHERE r.signature_id = s.id)
		ORDER BY s.signed_at DESC, s.id DESC LIMIT ?`
	out, err := latestRecords(ctx, tx, `SELECT s.name, s.unit, s.org_name, s.signed_at FROM (
			SELECT id, employee_id, name, unit, org_name, signed_at, erased_at FROM signatures WHERE event_id = ?
			ORDER BY signed_at DESC, id DESC LIMIT ?
		) s JOIN employees e ON e.id = s.employee_id JOIN organizations o ON o.id = e.org_id
		WHERE substr(o.path, 1, length(?)) = ? AND`+standing, eventID, latestWalk, scope, scope, n)
	if err != nil || len(out) >= min(n, signed) {
		return out, err
	}
	from, to := pathRange(scope)
	return latestRecords(ctx, tx, `SELECT s.name, s.unit, s.org_name, s.signed_at
		FROM organizations o CROSS JOIN employees e CROSS JOIN signatures s
		WHERE o.path >= ? AND o.path < ? AND substr(o.path, 1, length(?)) = ? AND e.org_id = o.id
		AND s.event_id = ? AND s.employee_id = e.id AND`+standing, from, to, scope, scope, eventID, n)
}

func latestRecords(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]registry.Signature, error) {
	var out []registry.Signature
	err := eachRow(ctx, tx, query, args, func(rows *sql.Rows) error {
		var s registry.Signature
		var signed int64
		if err := rows.Scan(&s.Name, &s.Unit, &s.OrgName, &signed); err != nil {
			return err
		}
		s.SignedAt = row.Time(signed)
		out = append(out, s)
		return nil
	})
	return out, err
}

// countSignings adds the records a batch stored to the live counters, in
// the batch's transaction: one statement per counter for the whole batch.
// The batch's records are the only ones written since it began, so the
// range of their IDs holds exactly them.
func countSignings(ctx context.Context, tx *sql.Tx, batch []groupcommit.Request, results []error) error {
	first, last := int64(math.MaxInt64), int64(0)
	for i, r := range batch {
		if r.Sig != nil && results[i] == nil {
			first, last = min(first, r.Sig.ID), max(last, r.Sig.ID)
		}
	}
	if last == 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO ops_signed (event_id, org_id, unit, signed)
		SELECT s.event_id, e.org_id, e.unit, COUNT(*) FROM signatures s JOIN employees e ON e.id = s.employee_id
		WHERE s.id BETWEEN ? AND ? GROUP BY s.event_id, e.org_id, e.unit
		ON CONFLICT DO UPDATE SET signed = signed + excluded.signed`, first, last); err != nil {
		return fmt.Errorf("count signings per unit: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO ops_minutes (event_id, minute, org_id, signings)
		SELECT s.event_id, s.signed_at / 60000, e.org_id, COUNT(*) FROM signatures s JOIN employees e ON e.id = s.employee_id
		WHERE s.id BETWEEN ? AND ? GROUP BY s.event_id, s.signed_at / 60000, e.org_id
		ON CONFLICT DO UPDATE SET signings = signings + excluded.signings`, first, last); err != nil {
		return fmt.Errorf("count signings per minute: %w", err)
	}
	return nil
}

// ProgressChanged returns a channel closed after the next commit of a
// signing of eventID or of any revocation.
func (db *DB) ProgressChanged(eventID int64) <-chan struct{} {
	return db.feed.Wait(eventID)
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
	var eventPath string
	if err := db.read.QueryRowContext(ctx, `SELECT path FROM organizations WHERE id = ?`, e.OrgID).Scan(&eventPath); err != nil {
		return st, mapErr(err, "Organisasi")
	}
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM employees e JOIN organizations o ON o.id = e.org_id WHERE `+
		eligibleWhere(e), eligibleArgs(eventPath, scope, e)...).Scan(&st.Eligible)
	if err != nil {
		return st, err
	}
	records := `SELECT COUNT(s.id), COUNT(r.id), COALESCE(SUM(s.channel = 'paper' AND r.id IS NULL), 0)
		FROM signatures s LEFT JOIN revocations r ON r.signature_id = s.id`
	args := []any{e.ID}
	if !strings.HasPrefix(eventPath, scope) {
		records += ` JOIN employees e ON e.id = s.employee_id JOIN organizations o ON o.id = e.org_id
			WHERE s.event_id = ? AND substr(o.path, 1, length(?)) = ?`
		args = append(args, scope, scope)
	} else {
		records += ` WHERE s.event_id = ? AND s.erased_at = 0`
	}
	err = db.read.QueryRowContext(ctx, records, args...).Scan(&st.Signed, &st.Revoked, &st.Paper)
	st.Signed -= st.Revoked
	return st, err
}
