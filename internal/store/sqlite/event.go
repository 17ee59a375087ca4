package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/row"
)

// CreateEvent inserts e and sets its ID.
func (db *DB) CreateEvent(ctx context.Context, e *registry.Event) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO events (org_id, slug, code, title, place, mode, meeting_url, starts_at,
			signing_opens_at, signing_closes_at, pledge_id, categories, official_name, official_position, official_signature,
			status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.OrgID, e.Slug, e.Code, e.Title, e.Place, e.Mode, e.MeetingURL, row.Millis(e.StartsAt), row.Millis(e.SigningOpensAt),
			row.Millis(e.SigningClosesAt), e.PledgeID, row.Categories(e.Categories), e.OfficialName, e.OfficialPosition,
			e.OfficialSignature, e.Status, row.Millis(e.CreatedAt))
		if err != nil {
			return mapErr(err, "Acara")
		}
		if e.ID, err = res.LastInsertId(); err != nil || e.OfficialNIP == "" {
			return err
		}
		// Optional, and set apart so that an event without one is
		// written as before migration 015.
		_, err = tx.ExecContext(ctx, `UPDATE events SET official_nip = ? WHERE id = ?`, e.OfficialNIP, e.ID)
		return err
	})
}

// Event returns one event.
func (db *DB) Event(ctx context.Context, id int64) (registry.Event, error) {
	return db.cache.Event(id, func() (registry.Event, error) {
		e, err := row.Event(db.read.QueryRowContext(ctx, `SELECT `+row.EventColumns+` FROM events WHERE id = ?`, id))
		return e, mapErr(err, "Acara")
	})
}

// EventBySlug returns the event behind a public link.
func (db *DB) EventBySlug(ctx context.Context, slug string) (registry.Event, error) {
	return db.cache.EventBySlug(slug, func() (registry.Event, error) {
		e, err := row.Event(db.read.QueryRowContext(ctx, `SELECT `+row.EventColumns+` FROM events WHERE slug = ?`, slug))
		return e, mapErr(err, "Acara")
	})
}

// Events lists the events visible to scope, newest first: those owned
// inside it, and those of the organizations above it, which its
// organizations join (registry.User.JoinsEventsOf).
func (db *DB) Events(ctx context.Context, scope string) ([]registry.Event, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+row.EventColumns+` FROM events
		WHERE org_id IN (SELECT id FROM organizations
			WHERE substr(path, 1, length(?)) = ? OR (path <> '' AND substr(?, 1, length(path)) = path))
		ORDER BY starts_at DESC, id DESC`, scope, scope, scope)
	return collect(rows, err, row.Event)
}

// SetEventStatus moves an event to status at the given time.
func (db *DB) SetEventStatus(ctx context.Context, id int64, status registry.EventStatus, at time.Time) error {
	col := "opened_at"
	if status == registry.StatusClosed {
		col = "closed_at"
	}
	defer db.cache.DropEvent(id)
	return db.tx(ctx, func(tx *sql.Tx) error {
		when := row.Millis(at)
		if status == registry.StatusClosed {
			// A close is a point in time: it takes effect when it commits,
			// so it is never earlier than a record committed ahead of it
			// (whose signing time was taken a moment after at).
			var last sql.NullInt64
			if err := tx.QueryRowContext(ctx, `SELECT MAX(signed_at) FROM signatures WHERE event_id = ?`, id).Scan(&last); err != nil {
				return err
			}
			if last.Valid && last.Int64 >= when {
				when = last.Int64 + 1
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE events SET status = ?, `+col+` = ? WHERE id = ?`, status, when, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return registry.Errorf(registry.ENOTFOUND, "Acara tidak ditemukan.")
		}
		return nil
	})
}

// DueEvents lists the events the schedule must open or close at now.
func (db *DB) DueEvents(ctx context.Context, now time.Time) ([]registry.Event, error) {
	t := row.Millis(now)
	rows, err := db.read.QueryContext(ctx, `SELECT `+row.EventColumns+` FROM events
		WHERE (status = 'draft' AND opened_at = 0 AND signing_opens_at > 0 AND signing_opens_at <= ?
		        AND (signing_closes_at = 0 OR signing_closes_at > ?))
		   OR (status = 'open' AND closed_at = 0 AND signing_closes_at > 0 AND signing_closes_at <= ?)
		ORDER BY id`, t, t, t)
	return collect(rows, err, row.Event)
}
