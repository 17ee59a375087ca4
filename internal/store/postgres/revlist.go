package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ikrar-id/ikrar/internal/translog"
)

// RevokedCodes returns the codes of the certificates whose revocation leaf
// is below size, erased records included. In the same snapshot it checks
// that the rows claim each leaf from from to size exactly once: an
// accounting check, not the audit (see the SQLite store's RevokedCodes).
func (db *DB) RevokedCodes(ctx context.Context, from, size int64) ([]string, error) {
	var codes []string
	from = max(from, 0)
	err := db.snapshot(ctx, func(tx pgx.Tx) error {
		var claims, distinct int64
		err := tx.QueryRow(ctx, `SELECT COUNT(*), COUNT(DISTINCT i) FROM (
				SELECT leaf_index AS i FROM signatures WHERE leaf_index >= $1 AND leaf_index < $2
				UNION ALL
				SELECT leaf_index FROM revocations WHERE leaf_index >= $1 AND leaf_index < $2
				UNION ALL
				SELECT leaf_index FROM issuances WHERE leaf_index >= $1 AND leaf_index < $2
				UNION ALL
				SELECT leaf_index FROM event_documents WHERE leaf_index >= $1 AND leaf_index < $2) claims`, from, size).Scan(&claims, &distinct)
		if err != nil {
			return fmt.Errorf("count the rows claiming leaves %d to %d: %w", from, size, err)
		}
		if want := max(size-from, 0); claims != want || distinct != want {
			return fmt.Errorf("revocations as of %d: %w: %d of the leaves from %d claimed, %d claims", size, translog.ErrUnclaimedLeaves, distinct, from, claims)
		}
		rows, err := tx.Query(ctx, `SELECT s.code FROM revocations r JOIN signatures s ON s.id = r.signature_id
			WHERE r.leaf_index >= 0 AND r.leaf_index < $1 ORDER BY s.code COLLATE "C"`, size)
		if err != nil {
			return err
		}
		codes, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("revocations as of %d: %w", size, err)
	}
	return codes, nil
}
