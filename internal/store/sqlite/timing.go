package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/ikrar-id/ikrar/internal/ink"
)

// The per-point timing of a drawn signature is behavioural biometric data
// (UU 27/2022): since migration 016 it is dropped before a record is stored
// unless the organization keeps it (org_privacy.stroke_timing). Records
// stored before that, and those of an organization that turns it off, are
// rewritten without it here. The log leaves commit to no ink, so the log,
// the certificates and their proofs are unchanged.

// stripStrokeTiming zeroes the time of every point of the drawn signatures
// of events whose organization does not keep stroke timing, among the
// events of org and its descendants (every organization when org is 0). It
// returns how many records it rewrote. With secure_delete on, the old
// bytes are overwritten in the database file; the caller scrubs the WAL.
func stripStrokeTiming(ctx context.Context, tx *sql.Tx, org int64) (int, error) {
	scope := "" // every organization's path starts with ""
	if org != 0 {
		if err := tx.QueryRowContext(ctx, `SELECT path FROM organizations WHERE id = ?`, org).Scan(&scope); err != nil {
			return 0, fmt.Errorf("organization %d: %w", org, err)
		}
	}
	return ink.StripTiming(func(after int64) ([]ink.StoredStrokes, error) {
		return timedInkBatch(ctx, tx, scope, after)
	}, func(org int64) (bool, error) {
		return keepsStrokeTiming(ctx, tx, org)
	}, func(id int64, blob []byte) error {
		_, err := tx.ExecContext(ctx, `UPDATE signatures SET ink = ? WHERE id = ?`, blob, id)
		return err
	})
}

// timedInkBatch reads the next records with drawn ink after id after, of
// events of organizations under scope, a bounded batch at a time so that a
// registry of millions is rewritten in constant memory.
func timedInkBatch(ctx context.Context, tx *sql.Tx, scope string, after int64) ([]ink.StoredStrokes, error) {
	rows, err := tx.QueryContext(ctx, `SELECT s.id, s.ink, e.org_id FROM signatures s
		JOIN events e ON e.id = s.event_id
		JOIN organizations o ON o.id = e.org_id
		WHERE s.id > ?1 AND s.ink_kind = 'strokes' AND s.erased_at = 0 AND length(s.ink) > 0
		AND substr(o.path, 1, length(?2)) = ?2
		ORDER BY s.id LIMIT 512`, after, scope)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ink.StoredStrokes
	for rows.Next() {
		var r ink.StoredStrokes
		if err := rows.Scan(&r.ID, &r.Blob, &r.Org); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// keepsStrokeTiming reports whether the organization keeps stroke timing:
// its own setting, else its nearest ancestor's, else not (as
// PrivacySettings reads it).
func keepsStrokeTiming(ctx context.Context, tx *sql.Tx, orgID int64) (bool, error) {
	var keep bool
	err := tx.QueryRowContext(ctx, `SELECT p.stroke_timing FROM organizations c
		JOIN organizations o ON o.path <> '' AND substr(c.path, 1, length(o.path)) = o.path
		JOIN org_privacy p ON p.org_id = o.id
		WHERE c.id = ? ORDER BY length(o.path) DESC LIMIT 1`, orgID).Scan(&keep)
	if err == sql.ErrNoRows {
		return false, nil
	}
	return keep, err
}
