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
	keeps := map[int64]bool{}
	stripped := 0
	type inkRow struct {
		id, org int64
		ink     []byte
	}
	for after := int64(0); ; {
		rows, err := tx.Query(ctx, `SELECT s.id, s.ink, e.org_id FROM signatures s
			JOIN events e ON e.id = s.event_id JOIN organizations o ON o.id = e.org_id
			WHERE s.id > $1 AND s.ink_kind = 'strokes' AND s.erased_at = 0 AND octet_length(s.ink) > 0
			AND starts_with(o.path, $2) ORDER BY s.id LIMIT 512`, after, scope)
		if err != nil {
			return stripped, err
		}
		batch, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (inkRow, error) {
			var x inkRow
			err := r.Scan(&x.id, &x.ink, &x.org)
			return x, err
		})
		if err != nil || len(batch) == 0 {
			return stripped, err
		}
		after = batch[len(batch)-1].id
		for _, r := range batch {
			keep, seen := keeps[r.org]
			if !seen {
				err := tx.QueryRow(ctx, privacyOf, r.org).Scan(new(string), &keep)
				if err != nil && !errors.Is(err, pgx.ErrNoRows) {
					return stripped, err
				}
				keeps[r.org] = keep
			}
			if keep {
				continue
			}
			untimed, timed, err := ink.WithoutTiming(r.ink)
			if err != nil {
				return stripped, fmt.Errorf("record %d: %w", r.id, err)
			}
			if !timed {
				continue
			}
			if _, err := tx.Exec(ctx, `UPDATE signatures SET ink = $1 WHERE id = $2`, untimed, r.id); err != nil {
				return stripped, fmt.Errorf("record %d: %w", r.id, err)
			}
			stripped++
		}
	}
}
