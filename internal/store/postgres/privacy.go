package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/row"
)

// privacyOf reads the privacy settings organization $1 follows: its own,
// else those of its nearest ancestor that set them.
const privacyOf = `SELECT p.contact, p.stroke_timing FROM organizations c
	JOIN organizations o ON o.path <> '' AND starts_with(c.path, o.path)
	JOIN org_privacy p ON p.org_id = o.id
	WHERE c.id = $1 ORDER BY length(o.path) DESC LIMIT 1`

// PrivacySettings returns the organization's privacy settings: its own,
// else those of its nearest ancestor that set them, else the zero
// settings.
func (db *DB) PrivacySettings(ctx context.Context, orgID int64) (registry.PrivacySettings, error) {
	p := registry.PrivacySettings{OrgID: orgID}
	err := db.pool.QueryRow(ctx, privacyOf, orgID).Scan(&p.Contact, &p.StrokeTiming)
	if errors.Is(err, pgx.ErrNoRows) {
		err = nil
	}
	return p, err
}

// SetPrivacySettings stores the organization's privacy settings. Turning
// stroke timing off (or leaving it off) also drops the timing already kept
// in the drawn signatures of the events of the organization and of its
// descendants that follow it; it returns how many records it rewrote.
func (db *DB) SetPrivacySettings(ctx context.Context, p registry.PrivacySettings, at time.Time) (int, error) {
	stripped := 0
	err := db.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO org_privacy (org_id, contact, stroke_timing, updated_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (org_id) DO UPDATE SET contact = excluded.contact, stroke_timing = excluded.stroke_timing,
				updated_at = excluded.updated_at`, p.OrgID, p.Contact, p.StrokeTiming, row.Millis(at)); err != nil {
			return mapErr(err, "Organisasi")
		}
		if p.StrokeTiming {
			return nil
		}
		var err error
		stripped, err = stripStrokeTiming(ctx, tx, p.OrgID)
		registry.Decided(ctx, registry.AuditOutcome{Count: stripped})
		return err
	})
	return stripped, err
}

// EventRetention returns the event's retention date, zero if it has none.
func (db *DB) EventRetention(ctx context.Context, eventID int64) (time.Time, error) {
	var until int64
	err := db.pool.QueryRow(ctx, `SELECT until FROM event_retention WHERE event_id = $1`, eventID).Scan(&until)
	if errors.Is(err, pgx.ErrNoRows) {
		return time.Time{}, nil
	}
	return row.Time(until), err
}

// SetEventRetention sets the event's retention date; a zero date clears it.
func (db *DB) SetEventRetention(ctx context.Context, eventID int64, until time.Time) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		if until.IsZero() {
			_, err := tx.Exec(ctx, `DELETE FROM event_retention WHERE event_id = $1`, eventID)
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO event_retention (event_id, until) VALUES ($1, $2)
			ON CONFLICT (event_id) DO UPDATE SET until = excluded.until, erased_at = 0`, eventID, row.Millis(until))
		return mapErr(err, "Acara")
	})
}

// EmployeeSignatures lists every record linked to an employee, with its
// ink, oldest first. An erased record is linked to no one.
func (db *DB) EmployeeSignatures(ctx context.Context, employeeID int64) ([]registry.Signature, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+row.SignatureColumns+row.SignatureFrom+` WHERE s.employee_id = $1 ORDER BY s.signed_at, s.id`, employeeID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (registry.Signature, error) { return scanSignature(r) })
}

// ExpiredRetentions lists the events whose retention date has passed and
// whose records are not erased for it yet.
func (db *DB) ExpiredRetentions(ctx context.Context, now time.Time) ([]int64, error) {
	rows, err := db.pool.Query(ctx, `SELECT event_id FROM event_retention WHERE until <= $1 AND erased_at = 0 ORDER BY event_id`, row.Millis(now))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// EraseEventRecords erases every record of an event not erased yet, as
// EraseSignature does, in one transaction, and marks the event's
// retention done.
func (db *DB) EraseEventRecords(ctx context.Context, eventID int64, at time.Time) ([]string, error) {
	defer db.feed.Wake(0)
	var codes []string
	err := db.tx(ctx, func(tx pgx.Tx) error {
		codes = codes[:0]
		rows, err := tx.Query(ctx, `SELECT id, code FROM signatures WHERE event_id = $1 AND erased_at = 0 ORDER BY id`, eventID)
		if err != nil {
			return err
		}
		var ids []int64
		var id int64
		var code string
		if _, err := pgx.ForEachRow(rows, []any{&id, &code}, func() error {
			ids, codes = append(ids, id), append(codes, code)
			return nil
		}); err != nil {
			return err
		}
		for i, id := range ids {
			if err := eraseSignature(ctx, tx, id, at); err != nil {
				return fmt.Errorf("erase record %s: %w", codes[i], err)
			}
		}
		_, err = tx.Exec(ctx, `UPDATE event_retention SET erased_at = $1 WHERE event_id = $2`, row.Millis(at), eventID)
		registry.Decided(ctx, registry.AuditOutcome{Count: len(codes), Codes: codes})
		return err
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// PersonalDataReport counts the personal data the registry holds.
func (db *DB) PersonalDataReport(ctx context.Context) ([]registry.PersonalDataCount, error) {
	return row.PersonalData("octet_length", func(query string) (n int, err error) {
		err = db.pool.QueryRow(ctx, query).Scan(&n)
		return n, err
	})
}
