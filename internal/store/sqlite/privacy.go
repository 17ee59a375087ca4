package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// PrivacySettings returns the organization's privacy settings; an
// organization that never set them has the zero settings.
func (db *DB) PrivacySettings(ctx context.Context, orgID int64) (registry.PrivacySettings, error) {
	p := registry.PrivacySettings{OrgID: orgID}
	err := db.read.QueryRowContext(ctx, `SELECT contact, stroke_timing FROM org_privacy WHERE org_id = ?`, orgID).
		Scan(&p.Contact, &p.StrokeTiming)
	if errors.Is(err, sql.ErrNoRows) {
		err = nil
	}
	return p, err
}

// SetPrivacySettings stores the organization's privacy settings.
func (db *DB) SetPrivacySettings(ctx context.Context, p registry.PrivacySettings, at time.Time) error {
	_, err := db.write.ExecContext(ctx, `INSERT INTO org_privacy (org_id, contact, stroke_timing, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (org_id) DO UPDATE SET contact = excluded.contact, stroke_timing = excluded.stroke_timing,
			updated_at = excluded.updated_at`, p.OrgID, p.Contact, p.StrokeTiming, ms(at))
	return mapErr(err, "Organisasi")
}

// EventRetention returns the event's retention date, zero if it has none.
func (db *DB) EventRetention(ctx context.Context, eventID int64) (time.Time, error) {
	var until int64
	err := db.read.QueryRowContext(ctx, `SELECT until FROM event_retention WHERE event_id = ?`, eventID).Scan(&until)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	return fromMS(until), err
}

// SetEventRetention sets the event's retention date; a zero date clears it.
func (db *DB) SetEventRetention(ctx context.Context, eventID int64, until time.Time) error {
	if until.IsZero() {
		_, err := db.write.ExecContext(ctx, `DELETE FROM event_retention WHERE event_id = ?`, eventID)
		return err
	}
	_, err := db.write.ExecContext(ctx, `INSERT INTO event_retention (event_id, until) VALUES (?, ?)
		ON CONFLICT (event_id) DO UPDATE SET until = excluded.until, erased_at = 0`, eventID, ms(until))
	return mapErr(err, "Acara")
}

// EmployeeSignatures lists every record linked to an employee, with its
// ink, oldest first. An erased record is linked to no one.
func (db *DB) EmployeeSignatures(ctx context.Context, employeeID int64) ([]registry.Signature, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+signatureColumns+signatureFrom+` WHERE s.employee_id = ? ORDER BY s.signed_at, s.id`, employeeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []registry.Signature
	for rows.Next() {
		s, err := scanSignature(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
