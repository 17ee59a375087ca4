package postgres

import (
	"context"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/row"
)

// CreateEvent inserts e and sets its ID.
func (db *DB) CreateEvent(ctx context.Context, e *registry.Event) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO events (org_id, slug, code, title, place, mode, meeting_url, starts_at,
			signing_opens_at, signing_closes_at, pledge_id, categories, official_name, official_position, official_signature,
			status, created_at, official_nip) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
			RETURNING id`,
			e.OrgID, e.Slug, e.Code, e.Title, e.Place, e.Mode, e.MeetingURL, row.Millis(e.StartsAt), row.Millis(e.SigningOpensAt),
			row.Millis(e.SigningClosesAt), e.PledgeID, row.Categories(e.Categories), e.OfficialName, e.OfficialPosition,
			e.OfficialSignature, e.Status, row.Millis(e.CreatedAt), e.OfficialNIP).Scan(&e.ID)
		return mapErr(err, "Acara")
	})
}

// Event returns one event.
func (db *DB) Event(ctx context.Context, id int64) (registry.Event, error) {
	return db.cache.Event(id, func() (registry.Event, error) {
		e, err := row.Event(db.pool.QueryRow(ctx, `SELECT `+row.EventColumns+` FROM events WHERE id = $1`, id))
		return e, mapErr(err, "Acara")
	})
}

// EventBySlug returns the event behind a public link.
func (db *DB) EventBySlug(ctx context.Context, slug string) (registry.Event, error) {
	return db.cache.EventBySlug(slug, func() (registry.Event, error) {
		e, err := row.Event(db.pool.QueryRow(ctx, `SELECT `+row.EventColumns+` FROM events WHERE slug = $1`, slug))
		return e, mapErr(err, "Acara")
	})
}

// eventChannel is the channel of PostgreSQL's notifications that an event
// changed; the payload is its ID.
const eventChannel = "ikrar_event"

// Events lists the events visible to scope, newest first: those owned
// inside it, and those of the organizations above it, which its
// organizations join (registry.User.JoinsEventsOf).
func (db *DB) Events(ctx context.Context, scope string) ([]registry.Event, error) {
	return db.queryEvents(ctx, `SELECT `+row.EventColumns+` FROM events
		WHERE org_id IN (SELECT id FROM organizations
			WHERE starts_with(path, $1) OR (path <> '' AND starts_with($1, path)))
		ORDER BY starts_at DESC, id DESC`, scope)
}

// SetEventStatus moves an event to status at the given time.
func (db *DB) SetEventStatus(ctx context.Context, id int64, status registry.EventStatus, at time.Time) error {
	col := "opened_at"
	if status == registry.StatusClosed {
		col = "closed_at"
	}
	defer db.cache.DropEvent(id)
	return db.tx(ctx, func(tx pgx.Tx) error {
		// The event's row first, locked until this commits: a close then
		// orders against every transaction that holds the row, which is
		// how a signing on another instance will be kept from committing
		// into a closed event (issue 16: InsertSignature reads the event
		// FOR SHARE).
		var have string
		if err := tx.QueryRow(ctx, `SELECT status FROM events WHERE id = $1 FOR UPDATE`, id).Scan(&have); err != nil {
			return mapErr(err, "Acara")
		}
		when := row.Millis(at)
		if status == registry.StatusClosed {
			// A close is a point in time: it takes effect when it commits,
			// so it is never earlier than a record committed ahead of it.
			var last *int64
			if err := tx.QueryRow(ctx, `SELECT MAX(signed_at) FROM signatures WHERE event_id = $1`, id).Scan(&last); err != nil {
				return err
			}
			if last != nil && *last >= when {
				when = *last + 1
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE events SET status = $1, `+col+` = $2 WHERE id = $3`, status, when, id); err != nil {
			return err
		}
		// Every instance drops its copy when this commits.
		_, err := tx.Exec(ctx, `SELECT pg_notify($1, $2)`, eventChannel, strconv.FormatInt(id, 10))
		return err
	})
}

// DueEvents lists the events the schedule must open or close at now.
func (db *DB) DueEvents(ctx context.Context, now time.Time) ([]registry.Event, error) {
	return db.queryEvents(ctx, `SELECT `+row.EventColumns+` FROM events
		WHERE (status = 'draft' AND opened_at = 0 AND signing_opens_at > 0 AND signing_opens_at <= $1
		        AND (signing_closes_at = 0 OR signing_closes_at > $1))
		   OR (status = 'open' AND closed_at = 0 AND signing_closes_at > 0 AND signing_closes_at <= $1)
		ORDER BY id`, row.Millis(now))
}

func (db *DB) queryEvents(ctx context.Context, query string, args ...any) ([]registry.Event, error) {
	rows, err := db.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (registry.Event, error) { return row.Event(r) })
}
