package postgres

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/row"
)

// Progress reads an event's live counts from the counters (ops_roster,
// ops_signed, ops_minutes), and its latest records, in one snapshot so
// the numbers agree with each other.
func (db *DB) Progress(ctx context.Context, e registry.Event, scope string, since time.Time, latest int) (registry.Progress, error) {
	var p registry.Progress
	eventPath, err := db.orgPath(ctx, e.OrgID)
	if err != nil {
		return p, err
	}
	err = db.snapshot(ctx, func(tx pgx.Tx) error {
		var err error
		if p.Units, err = progressUnits(ctx, tx, e, eventPath, scope); err != nil {
			return fmt.Errorf("units: %w", err)
		}
		if p.Curve, err = progressCurve(ctx, tx, e.ID, scope, since); err != nil {
			return fmt.Errorf("curve: %w", err)
		}
		if p.Latest, err = progressLatest(ctx, tx, e.ID, scope, latest, p.Signed()); err != nil {
			return fmt.Errorf("latest: %w", err)
		}
		return nil
	})
	return p, err
}

// progressUnits counts the eligible employees and the standing records of
// e inside scope per organization and unit. Without an uploaded list, who
// may sign is a matter of subtree, category and active flag, which
// ops_roster counts; a list names employees one by one, so it is counted
// through the roster with the full rule.
func progressUnits(ctx context.Context, tx pgx.Tx, e registry.Event, eventPath, scope string) ([]registry.UnitProgress, error) {
	var listed bool
	if err := tx.QueryRow(ctx, `SELECT has_list FROM events WHERE id = $1`, e.ID).Scan(&listed); err != nil {
		return nil, mapErr(err, "Acara")
	}
	var p params
	var eligible string
	if listed {
		eligible = `SELECT e.org_id, o.name, e.unit, COUNT(*) FROM employees e JOIN organizations o ON o.id = e.org_id
			WHERE ` + eligibleWhere(&p, p.add(e.ID), eventPath, scope, e)
	} else {
		eligible = `SELECT e.org_id, o.name, e.unit, SUM(e.employees) FROM ops_roster e JOIN organizations o ON o.id = e.org_id
			WHERE e.active AND starts_with(o.path, ` + p.add(eventPath) + `) AND starts_with(o.path, ` + p.add(scope) + `)`
		if len(e.Categories) > 0 {
			cats := make([]string, len(e.Categories))
			for i, c := range e.Categories {
				cats[i] = string(c)
			}
			eligible += ` AND e.category = ANY(` + p.add(cats) + `)`
		}
	}
	type key struct {
		org  int64
		unit string
	}
	units := map[key]*registry.UnitProgress{}
	var order []key
	for _, q := range []struct {
		query string
		args  []any
		count func(*registry.UnitProgress) *int
	}{
		{eligible + ` GROUP BY e.org_id, o.name, e.unit`, p.args, func(u *registry.UnitProgress) *int { return &u.Eligible }},
		{`SELECT c.org_id, o.name, c.unit, c.signed FROM ops_signed c JOIN organizations o ON o.id = c.org_id
			WHERE c.event_id = $1 AND c.signed > 0 AND starts_with(o.path, $2)`, []any{e.ID, scope},
			func(u *registry.UnitProgress) *int { return &u.Signed }},
	} {
		rows, err := tx.Query(ctx, q.query, q.args...)
		if err != nil {
			return nil, err
		}
		var k key
		var orgName string
		var n int
		if _, err := pgx.ForEachRow(rows, []any{&k.org, &orgName, &k.unit, &n}, func() error {
			u := units[k]
			if u == nil {
				u = &registry.UnitProgress{OrgID: k.org, OrgName: orgName, Unit: k.unit}
				units[k] = u
				order = append(order, k)
			}
			*q.count(u) += n
			return nil
		}); err != nil {
			return nil, err
		}
	}
	out := make([]registry.UnitProgress, 0, len(units))
	for _, k := range order {
		if u := units[k]; u.Eligible > 0 || u.Signed > 0 {
			out = append(out, *u)
		}
	}
	return out, nil
}

func progressCurve(ctx context.Context, tx pgx.Tx, eventID int64, scope string, since time.Time) ([]registry.MinuteCount, error) {
	rows, err := tx.Query(ctx, `SELECT m.minute, SUM(m.signings) FROM ops_minutes m JOIN organizations o ON o.id = m.org_id
		WHERE m.event_id = $1 AND m.minute >= $2 AND starts_with(o.path, $3)
		GROUP BY m.minute ORDER BY m.minute`, eventID, since.Unix()/60, scope)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (registry.MinuteCount, error) {
		var minute int64
		var m registry.MinuteCount
		err := r.Scan(&minute, &m.Count)
		m.Minute = time.Unix(minute*60, 0).UTC()
		return m, err
	})
}

// latestWalk bounds how many of an event's newest records progressLatest
// looks through before it turns to the scope's employees.
const latestWalk = 2000

// progressLatest finds the n newest standing records inside scope, which
// holds signed of them: among the event's newest records unless the scope
// has been quiet while others signed; then among the scope's employees'.
func progressLatest(ctx context.Context, tx pgx.Tx, eventID int64, scope string, n, signed int) ([]registry.Signature, error) {
	if signed == 0 {
		return nil, nil
	}
	standing := func(limit string) string {
		return ` s.erased_at = 0 AND NOT EXISTS (SELECT 1 FROM revocations r WHERE r.signature_id = s.id)
		ORDER BY s.signed_at DESC, s.id DESC LIMIT ` + limit
	}
	out, err := latestRecords(ctx, tx, `SELECT s.name, s.unit, s.org_name, s.signed_at FROM (
			SELECT id, employee_id, name, unit, org_name, signed_at, erased_at FROM signatures WHERE event_id = $1
			ORDER BY signed_at DESC, id DESC LIMIT $2
		) s JOIN employees e ON e.id = s.employee_id JOIN organizations o ON o.id = e.org_id
		WHERE starts_with(o.path, $3) AND`+standing("$4"), eventID, latestWalk, scope, n)
	if err != nil || len(out) >= min(n, signed) {
		return out, err
	}
	return latestRecords(ctx, tx, `SELECT s.name, s.unit, s.org_name, s.signed_at
		FROM organizations o JOIN employees e ON e.org_id = o.id JOIN signatures s ON s.employee_id = e.id
		WHERE s.event_id = $1 AND starts_with(o.path, $2) AND`+standing("$3"), eventID, scope, n)
}

func latestRecords(ctx context.Context, tx pgx.Tx, query string, args ...any) ([]registry.Signature, error) {
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (registry.Signature, error) {
		var s registry.Signature
		var signed int64
		err := r.Scan(&s.Name, &s.Unit, &s.OrgName, &signed)
		s.SignedAt = row.Time(signed)
		return s, err
	})
}

// ProgressChanged returns a channel closed after the next commit, on this
// instance or another, that may change the progress of eventID.
func (db *DB) ProgressChanged(eventID int64) <-chan struct{} {
	return db.feed.Wait(eventID)
}

// progressChannel is the channel of PostgreSQL's notifications that an
// event's progress may have changed: the payload is the event's ID, or
// empty for a change of any event (a revocation, an erasure).
const progressChannel = "ikrar_progress"

// notifyProgress queues, in tx, the notification of a change to eventID's
// progress (0: any event's); PostgreSQL delivers it to every listening
// instance when tx commits, and not at all if it rolls back.
func notifyProgress(ctx context.Context, tx pgx.Tx, eventID int64) error {
	payload := ""
	if eventID != 0 {
		payload = strconv.FormatInt(eventID, 10)
	}
	_, err := tx.Exec(ctx, `SELECT pg_notify($1, $2)`, progressChannel, payload)
	return err
}

// listenConn connects on a connection of its own and listens for the
// notifications of progress, log growth and event changes.
func listenConn(ctx context.Context, cfg *pgx.ConnConfig) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, `LISTEN `+progressChannel+`; LISTEN `+logChannel+`; LISTEN `+eventChannel+`; LISTEN `+erasedChannel); err != nil {
		conn.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	return conn, nil
}

// listen receives the notifications of every instance on conn until ctx
// ends. A lost connection is made again; since notifications sent
// meanwhile are lost, every waiter is then woken and every cached event
// dropped, to read afresh.
func (db *DB) listen(ctx context.Context, cfg *pgx.ConnConfig, conn *pgx.Conn) {
	defer close(db.listenDone)
	for {
		err := db.receive(ctx, conn)
		conn.Close(context.WithoutCancel(ctx))
		if ctx.Err() != nil {
			return
		}
		slog.Warn("progress notifications interrupted; listening again", "err", err)
		for {
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Second):
			}
			if conn, err = listenConn(ctx, cfg); err == nil {
				break
			}
		}
		db.feed.Wake(0)
		db.signalAppended()
		db.cache.DropEvent(0)
		db.forgetErased(nil)
	}
}

// receive wakes the waiters of each notification conn receives.
func (db *DB) receive(ctx context.Context, conn *pgx.Conn) error {
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		id, _ := strconv.ParseInt(n.Payload, 10, 64)
		switch n.Channel {
		case logChannel:
			db.signalAppended()
		case eventChannel:
			db.cache.DropEvent(id)
		case erasedChannel:
			db.forgetErased([]string{n.Payload})
		default:
			db.feed.Wake(id)
		}
	}
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

// countSignings adds a batch's records to the live dashboard's counters
// (ops_signed per organization and unit of the signer, ops_minutes per
// minute of signing), once per batch rather than a trigger per record.
func countSignings(ctx context.Context, tx pgx.Tx, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, `INSERT INTO ops_signed (event_id, org_id, unit, signed)
		SELECT s.event_id, e.org_id, e.unit, COUNT(*) FROM signatures s JOIN employees e ON e.id = s.employee_id
		WHERE s.id = ANY($1) GROUP BY s.event_id, e.org_id, e.unit
		ON CONFLICT (event_id, org_id, unit) DO UPDATE SET signed = ops_signed.signed + excluded.signed`, ids); err != nil {
		return fmt.Errorf("count signings per unit: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO ops_minutes (event_id, minute, org_id, signings)
		SELECT s.event_id, s.signed_at / 60000, e.org_id, COUNT(*) FROM signatures s JOIN employees e ON e.id = s.employee_id
		WHERE s.id = ANY($1) GROUP BY s.event_id, s.signed_at / 60000, e.org_id
		ON CONFLICT (event_id, minute, org_id) DO UPDATE SET signings = ops_minutes.signings + excluded.signings`, ids); err != nil {
		return fmt.Errorf("count signings per minute: %w", err)
	}
	return nil
}
