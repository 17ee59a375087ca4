package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ikrar-id/ikrar/internal/ink"
)

// stripStrokeTiming zeroes the time of every point of the drawn
// signatures of the events of organization org's subtree whose
// organization does not keep timing, a bounded batch at a time; it
// returns how many records it rewrote.
func stripStrokeTiming(ctx context.Context, tx pgx.Tx, org int64) (int, error) {
	var scope string
	if err := tx.QueryRow(ctx, `SELECT path FROM organizations WHERE id = $1`, org).Scan(&scope); err != nil {
		return 0, fmt.Errorf("organization %d: %w", org, err)
	}
	return ink.StripTiming(func(after int64) ([]ink.StoredStrokes, error) {
		rows, err := tx.Query(ctx, `SELECT s.id, s.ink, e.org_id FROM signatures s
			JOIN events e ON e.id = s.event_id JOIN organizations o ON o.id = e.org_id
			WHERE s.id > $1 AND s.ink_kind = 'strokes' AND s.erased_at = 0 AND octet_length(s.ink) > 0
			AND starts_with(o.path, $2) ORDER BY s.id LIMIT 512`, after, scope)
		if err != nil {
			return nil, err
		}
		return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ink.StoredStrokes, error) {
			var x ink.StoredStrokes
			err := r.Scan(&x.ID, &x.Blob, &x.Org)
			return x, err
		})
	}, func(org int64) (keep bool, err error) {
		err = tx.QueryRow(ctx, privacyOf, org).Scan(new(string), &keep)
		if errors.Is(err, pgx.ErrNoRows) {
			return false, nil
		}
		return keep, err
	}, func(id int64, blob []byte) error {
		_, err := tx.Exec(ctx, `UPDATE signatures SET ink = $1 WHERE id = $2`, blob, id)
		return err
	})
}
