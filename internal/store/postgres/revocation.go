package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ikrar-id/ikrar/internal/leaf"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/row"
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

// InsertRevocation appends a revocation and its log leaf in one
// transaction.
func (db *DB) InsertRevocation(ctx context.Context, r *registry.Revocation) error {
	defer db.feed.Wake(0)
	return db.appendTx(ctx, func(tx pgx.Tx, lg *logAppender) error {
		sig, err := scanSignature(tx.QueryRow(ctx, `SELECT `+row.SignatureColumns+row.SignatureFrom+` WHERE s.id = $1`, r.SignatureID))
		if err != nil {
			return mapErr(err, "Sertifikat")
		}
		entry, err := leaf.Revoked(sig, r, lg.n)
		if err != nil {
			return err
		}
		if err := lg.append(entry.Hash()); err != nil {
			return fmt.Errorf("log revocation of %d: %w", r.SignatureID, err)
		}
		err = tx.QueryRow(ctx, `INSERT INTO revocations (signature_id, reason, user_id, user_name, revoked_at, leaf_index, leaf_version)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, r.SignatureID, r.Reason, r.UserID, r.UserName, row.Millis(r.RevokedAt),
			r.LeafIndex, r.LeafVersion).Scan(&r.ID)
		if err != nil {
			return mapErr(err, "Pencabutan")
		}
		return notifyProgress(ctx, tx, 0)
	})
}
