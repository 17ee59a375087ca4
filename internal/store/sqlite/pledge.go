package sqlite

import (
	"context"
	"database/sql"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/row"
)

// CreatePledge stores a pledge version; the same text (same hash) twice is
// a conflict.
func (db *DB) CreatePledge(ctx context.Context, p *registry.PledgeVersion) error {
	points, err := row.PledgePoints(*p)
	if err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		var owner sql.NullInt64
		if p.OrgID != 0 {
			owner = sql.NullInt64{Int64: p.OrgID, Valid: true}
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO pledges (title, language, opening, points, closing, hash, created_at, org_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, p.Title, p.Language, p.Opening, points, p.Closing, p.Hash, row.Millis(p.CreatedAt), owner)
		if err != nil {
			return mapErr(err, "Versi ikrar")
		}
		p.ID, err = res.LastInsertId()
		return err
	})
}

// Pledge returns one pledge version.
func (db *DB) Pledge(ctx context.Context, id int64) (registry.PledgeVersion, error) {
	return db.cache.Pledge(id, func() (registry.PledgeVersion, error) {
		p, err := row.Pledge(db.read.QueryRowContext(ctx, `SELECT `+row.PledgeColumns+` FROM pledges p WHERE p.id = ?`, id))
		return p, mapErr(err, "Versi ikrar")
	})
}

// PledgesByHash returns the pledge versions stored with hash, by ID, read
// from the table itself: a verdict must see the text as stored now.
func (db *DB) PledgesByHash(ctx context.Context, hash string) ([]registry.PledgeVersion, error) {
	return db.queryPledges(ctx, `SELECT `+row.PledgeColumns+` FROM pledges p WHERE p.hash = ? ORDER BY p.id`, hash)
}

func (db *DB) queryPledges(ctx context.Context, query string, args ...any) ([]registry.PledgeVersion, error) {
	rows, err := db.read.QueryContext(ctx, query, args...)
	return collect(rows, err, row.Pledge)
}

// Pledges lists the pledge versions the users of scope see, oldest first:
// the system's, and those owned by an organization on scope's path — above
// it (a province's versions reach its regencies) or inside it. Other
// governments' versions are not listed. Scope "/" lists every version.
func (db *DB) Pledges(ctx context.Context, scope string) ([]registry.PledgeVersion, error) {
	return db.queryPledges(ctx, `SELECT `+row.PledgeColumns+` FROM pledges p LEFT JOIN organizations o ON o.id = p.org_id
		WHERE p.org_id IS NULL OR substr(o.path, 1, length(?)) = ? OR substr(?, 1, length(o.path)) = o.path
		ORDER BY p.id`, scope, scope, scope)
}
