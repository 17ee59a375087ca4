package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/ikrar-id/ikrar/internal/leaf"
)

// logStoredBatch is how many certificates LogStoredPDFs logs per commit.
const logStoredBatch = 256

// LogStoredPDFs appends the issuance leaf of every certificate stored
// before issuances were logged (no issuances row), once, at the upgrade: from
// then on nobody can swap its fingerprint. Its issued time is the time it
// is logged, the time it was first stored being unknown. A stored PDF
// whose bytes no longer hash to the record's fingerprint is not logged but
// reported, for the operator to look into. It returns how many it logged.
func (db *DB) LogStoredPDFs(ctx context.Context, now func() time.Time) (logged int, mismatched []string, err error) {
	var after int64
	for {
		var n int
		var size int64
		err := db.tx(ctx, func(tx *sql.Tx) error {
			n = 0
			rows, err := tx.QueryContext(ctx, `SELECT c.signature_id, c.pdf FROM certificate_pdfs c JOIN signatures s ON s.id = c.signature_id
				WHERE NOT EXISTS (SELECT 1 FROM issuances i WHERE i.signature_id = c.signature_id) AND s.erased_at = 0 AND c.signature_id > ?
				ORDER BY c.signature_id LIMIT ?`, after, logStoredBatch)
			if err != nil {
				return err
			}
			type stored struct {
				id   int64
				hash string
			}
			var batch []stored
			for rows.Next() {
				var id int64
				var pdf []byte
				if err := rows.Scan(&id, &pdf); err != nil {
					rows.Close()
					return err
				}
				sum := sha256.Sum256(pdf)
				batch = append(batch, stored{id, hex.EncodeToString(sum[:])})
			}
			if err := rows.Close(); err != nil {
				return err
			}
			if len(batch) == 0 {
				return nil
			}
			lg, err := newLogAppender(ctx, tx)
			if err != nil {
				return err
			}
			at := now().UTC().Truncate(time.Millisecond)
			for _, p := range batch {
				after = p.id
				sig, err := scanSignatureWith(tx.QueryRowContext(ctx, `SELECT `+signatureColumnsNoInk+signatureFrom+` WHERE s.id = ?`, p.id), false)
				if err != nil {
					return fmt.Errorf("read record %d: %w", p.id, err)
				}
				if sig.PDFHash != p.hash {
					mismatched = append(mismatched, sig.Code)
					continue
				}
				index := lg.n
				if err := lg.append(leaf.Issuance(sig, p.hash, at).Hash()); err != nil {
					return fmt.Errorf("log issuance of %s: %w", sig.Code, err)
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO issuances (signature_id, leaf_index, issued_at) VALUES (?, ?, ?)`,
					p.id, index, ms(at)); err != nil {
					return err
				}
				n++
			}
			size = lg.n
			return lg.finish()
		})
		if err != nil {
			return logged, mismatched, fmt.Errorf("log stored certificates: %w", err)
		}
		if size > 0 {
			db.notifyAppend(size)
		}
		logged += n
		if n == 0 && size == 0 {
			return logged, mismatched, nil
		}
	}
}
