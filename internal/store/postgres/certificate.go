package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ikrar-id/ikrar/internal/leaf"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/groupcommit"
	"github.com/ikrar-id/ikrar/internal/store/row"
)

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
	return db.appendTx(ctx, func(tx pgx.Tx, lg *logAppender) error {
		for _, p := range pdfs {
			if _, err := storePDF(ctx, tx, lg, p); err != nil {
				return fmt.Errorf("store certificate of record %d: %w", p.SignatureID, err)
			}
		}
		return nil
	})
}

// StorePDF keeps a record's certificate for good and appends its issuance
// leaf, through the group commit with the signings.
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
// appends the issuance leaf. The claim token is kept only where none was
// signed at issuance.
func storePDF(ctx context.Context, tx pgx.Tx, lg *logAppender, p registry.IssuedPDF) (bool, error) {
	tag, err := tx.Exec(ctx, `UPDATE signatures SET
		legacy_pdf_hash = CASE WHEN pdf_hash NOT IN ('', $1) THEN pdf_hash ELSE legacy_pdf_hash END,
		pdf_hash = $1, claim_token = CASE WHEN claim_token = '' THEN $2 ELSE claim_token END
		WHERE id = $3 AND erased_at = 0 AND NOT EXISTS (SELECT 1 FROM certificate_pdfs WHERE signature_id = $3)`,
		p.SHA256, p.ClaimToken, p.SignatureID)
	if err != nil {
		return false, err
	}
	if tag.RowsAffected() == 0 {
		return false, nil
	}
	sig, err := row.Signature(tx.QueryRow(ctx, `SELECT `+signatureColumnsNoInk+row.SignatureFrom+` WHERE s.id = $1`, p.SignatureID), false)
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
	if _, err := tx.Exec(ctx, `INSERT INTO certificate_pdfs (signature_id, pdf) VALUES ($1, $2)`, p.SignatureID, p.PDF); err != nil {
		return false, err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO issuances (signature_id, leaf_index, issued_at) VALUES ($1, $2, $3)`,
		p.SignatureID, index, row.Millis(at)); err != nil {
		return false, err
	}
	return true, nil
}

// IssuedPDF returns a record's stored certificate.
func (db *DB) IssuedPDF(ctx context.Context, signatureID int64) ([]byte, error) {
	var pdf []byte
	err := db.pool.QueryRow(ctx, `SELECT pdf FROM certificate_pdfs WHERE signature_id = $1`, signatureID).Scan(&pdf)
	return pdf, mapErr(err, "Sertifikat")
}

// UnstoredPDFs returns the records fingerprinted before certificates were
// stored that are still to be stored, with their ink (they are rendered).
func (db *DB) UnstoredPDFs(ctx context.Context, afterID int64, limit int) ([]registry.Signature, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+row.SignatureColumns+row.SignatureFrom+`
		WHERE s.id > $1 AND s.pdf_hash <> '' AND s.legacy_pdf_hash = '' AND s.erased_at = 0
		AND NOT EXISTS (SELECT 1 FROM certificate_pdfs p WHERE p.signature_id = s.id)
		ORDER BY s.id LIMIT $2`, afterID, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (registry.Signature, error) { return scanSignature(r) })
}

// MarkPDFUnmatched keeps a record's fingerprint as legacy_pdf_hash.
func (db *DB) MarkPDFUnmatched(ctx context.Context, signatureID int64) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE signatures SET legacy_pdf_hash = pdf_hash
			WHERE id = $1 AND legacy_pdf_hash = '' AND erased_at = 0
			AND NOT EXISTS (SELECT 1 FROM certificate_pdfs WHERE signature_id = signatures.id)`, signatureID)
		return err
	})
}
