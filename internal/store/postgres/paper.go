package postgres

import (
	"context"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// PaperScan returns the stored scan of a paper signature.
func (db *DB) PaperScan(ctx context.Context, signatureID int64) (registry.PaperScan, error) {
	var p registry.PaperScan
	err := db.pool.QueryRow(ctx, `SELECT content_type, scan FROM paper_scans WHERE signature_id = $1`, signatureID).Scan(&p.ContentType, &p.Data)
	return p, mapErr(err, "Pindaian")
}
