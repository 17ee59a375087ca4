package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/ikrar-id/ikrar/internal/leaf"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/row"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// InsertRevocation appends a revocation and its log leaf in one
// transaction.
func (db *DB) InsertRevocation(ctx context.Context, r *registry.Revocation) error {
	var size int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		sig, err := scanSignature(tx.QueryRowContext(ctx, `SELECT `+row.SignatureColumns+row.SignatureFrom+` WHERE s.id = ?`, r.SignatureID))
		if err != nil {
			return mapErr(err, "Sertifikat")
		}
		lg, err := newLogAppender(ctx, tx)
		if err != nil {
			return err
		}
		entry, err := leaf.Revoked(sig, r, lg.n)
		if err != nil {
			return err
		}
		if err := lg.append(entry.Hash()); err != nil {
			return fmt.Errorf("log revocation of %d: %w", r.SignatureID, err)
		}
		if err := lg.finish(); err != nil {
			return err
		}
		size = lg.n
		res, err := tx.ExecContext(ctx, `INSERT INTO revocations (signature_id, reason, user_id, user_name, revoked_at, leaf_index, leaf_version)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, r.SignatureID, r.Reason, r.UserID, r.UserName, row.Millis(r.RevokedAt), r.LeafIndex, r.LeafVersion)
		if err != nil {
			return mapErr(err, "Pencabutan")
		}
		r.ID, err = res.LastInsertId()
		return err
	})
	if err == nil {
		db.notifyAppend(size)
		db.feed.Wake(0)
	}
	return err
}

// RevokedCodes returns the codes of the certificates whose revocation leaf
// is below size, erased records included: erasure removes personal data,
// not the revocation.
//
// In the same snapshot it checks that the rows claim each leaf from from
// to size exactly once, as LeafRecords lists them (every signature,
// revocation and issued certificate); the caller passes the size it checked before, so a
// new checkpoint costs the leaves since, read from the leaf_index indexes.
// That is an accounting check, not the audit: it catches a row deleted, or
// a leaf index moved onto another, but not a row edited in place or a
// forged row put in a deleted one's place; `ikrar audit --data` recomputes
// every leaf for those.
func (db *DB) RevokedCodes(ctx context.Context, from, size int64) ([]string, error) {
	tx, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var claims, distinct int64
	from = max(from, 0)
	err = tx.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT i) FROM (
			SELECT leaf_index AS i FROM signatures WHERE leaf_index >= ?1 AND leaf_index < ?2
			UNION ALL
			SELECT leaf_index FROM revocations WHERE leaf_index >= ?1 AND leaf_index < ?2
			UNION ALL
			SELECT leaf_index FROM issuances WHERE leaf_index >= ?1 AND leaf_index < ?2
			UNION ALL
			SELECT leaf_index FROM event_documents WHERE leaf_index >= ?1 AND leaf_index < ?2)`, from, size).Scan(&claims, &distinct)
	if err != nil {
		return nil, fmt.Errorf("count the rows claiming leaves %d to %d: %w", from, size, err)
	}
	if want := max(size-from, 0); claims != want || distinct != want {
		return nil, fmt.Errorf("revocations as of %d: %w: %d of the leaves from %d claimed, %d claims", size, translog.ErrUnclaimedLeaves, distinct, from, claims)
	}
	rows, err := tx.QueryContext(ctx, `SELECT s.code FROM revocations r JOIN signatures s ON s.id = r.signature_id
		WHERE r.leaf_index >= 0 AND r.leaf_index < ? ORDER BY s.code`, size)
	codes, err := collect(rows, err, func(r row.Scanner) (code string, err error) {
		err = r.Scan(&code)
		return code, err
	})
	if err != nil {
		return nil, fmt.Errorf("revocations as of %d: %w", size, err)
	}
	return codes, nil
}
