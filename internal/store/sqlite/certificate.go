package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/ikrar-id/ikrar/internal/leaf"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/groupcommit"
	"github.com/ikrar-id/ikrar/internal/store/row"
)

// StorePDF keeps a record's certificate for good and appends its issuance
// leaf. It goes through the group commit with the signings: at hundreds of
// first downloads a second, a transaction (and fsync) each would queue them
// all on the one writer connection.
func (db *DB) StorePDF(ctx context.Context, p registry.IssuedPDF) (bool, error) {
	if err := p.CheckHash(); err != nil {
		return false, err
	}
	w := &groupcommit.PDFWrite{IssuedPDF: p}
	if err := db.commits.Write(ctx, groupcommit.Request{Ctx: ctx, PDF: w}); err != nil {
		return false, fmt.Errorf("store certificate of record %d: %w", p.SignatureID, err)
	}
	return w.Stored, nil
}

// storePDF stores p in tx unless its record has a certificate stored or
// was erased, makes p's hash the record's fingerprint (a different one
// recorded before certificates were stored becomes legacy_pdf_hash) and
// appends the issuance leaf, which names the record by its leaf hash. The
// claim token is kept only where none was signed at issuance.
func storePDF(ctx context.Context, tx *sql.Tx, lg *logAppender, p registry.IssuedPDF) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE signatures SET
		legacy_pdf_hash = CASE WHEN pdf_hash NOT IN ('', ?1) THEN pdf_hash ELSE legacy_pdf_hash END,
		pdf_hash = ?1, claim_token = CASE WHEN claim_token = '' THEN ?2 ELSE claim_token END
		WHERE id = ?3 AND erased_at = 0 AND NOT EXISTS (SELECT 1 FROM certificate_pdfs WHERE signature_id = ?3)`,
		p.SHA256, p.ClaimToken, p.SignatureID)
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	sig, err := row.Signature(tx.QueryRowContext(ctx, `SELECT `+signatureColumnsNoInk+row.SignatureFrom+` WHERE s.id = ?`, p.SignatureID), false)
	if err != nil {
		return false, fmt.Errorf("read record %d: %w", p.SignatureID, err)
	}
	entry, at, err := leaf.Issued(sig, p)
	if err != nil {
		return false, err
	}
	index := lg.n
	if err := lg.append(entry.Hash()); err != nil {
		return false, fmt.Errorf("log issuance of %d: %w", p.SignatureID, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO certificate_pdfs (signature_id, pdf) VALUES (?, ?)`, p.SignatureID, p.PDF); err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO issuances (signature_id, leaf_index, issued_at) VALUES (?, ?, ?)`,
		p.SignatureID, index, row.Millis(at)); err != nil {
		return false, err
	}
	return true, nil
}

// StorePDFs stores many certificates with one commit.
func (db *DB) StorePDFs(ctx context.Context, pdfs []registry.IssuedPDF) error {
	if len(pdfs) == 0 {
		return nil
	}
	for _, p := range pdfs {
		if err := p.CheckHash(); err != nil {
			return err
		}
	}
	var size int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		lg, err := newLogAppender(ctx, tx)
		if err != nil {
			return err
		}
		for _, p := range pdfs {
			if _, err := storePDF(ctx, tx, lg, p); err != nil {
				return fmt.Errorf("store certificate of record %d: %w", p.SignatureID, err)
			}
		}
		size = lg.n
		return lg.finish()
	})
	if err == nil {
		db.notifyAppend(size)
	}
	return err
}

// IssuedPDF returns a record's stored certificate.
func (db *DB) IssuedPDF(ctx context.Context, signatureID int64) ([]byte, error) {
	var pdf []byte
	err := db.queryRow(ctx, `SELECT pdf FROM certificate_pdfs WHERE signature_id = ?`, signatureID).Scan(&pdf)
	return pdf, mapErr(err, "Sertifikat")
}

// UnstoredPDFs returns the records fingerprinted before certificates were
// stored that are still to be stored, with their ink (they are rendered).
func (db *DB) UnstoredPDFs(ctx context.Context, afterID int64, limit int) ([]registry.Signature, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+row.SignatureColumns+row.SignatureFrom+`
		WHERE s.id > ? AND s.pdf_hash <> '' AND s.legacy_pdf_hash = '' AND s.erased_at = 0
		AND NOT EXISTS (SELECT 1 FROM certificate_pdfs p WHERE p.signature_id = s.id)
		ORDER BY s.id LIMIT ?`, afterID, limit)
	return collect(rows, err, scanSignature)
}

// MarkPDFUnmatched keeps a record's fingerprint as legacy_pdf_hash.
func (db *DB) MarkPDFUnmatched(ctx context.Context, signatureID int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE signatures SET legacy_pdf_hash = pdf_hash
			WHERE id = ? AND legacy_pdf_hash = '' AND erased_at = 0
			AND NOT EXISTS (SELECT 1 FROM certificate_pdfs WHERE signature_id = signatures.id)`, signatureID)
		return err
	})
}

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
				sig, err := row.Signature(tx.QueryRowContext(ctx, `SELECT `+signatureColumnsNoInk+row.SignatureFrom+` WHERE s.id = ?`, p.id), false)
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
					p.id, index, row.Millis(at)); err != nil {
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
