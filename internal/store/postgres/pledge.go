package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/row"
)

// CreatePledge stores a pledge version; the same text (same hash) twice
// for one owner is a conflict.
func (db *DB) CreatePledge(ctx context.Context, p *registry.PledgeVersion) error {
	points, err := row.PledgePoints(*p)
	if err != nil {
		return err
	}
	return db.tx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO pledges (title, language, opening, points, closing, hash, created_at, org_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, p.Title, p.Language, p.Opening, points, p.Closing,
			p.Hash, row.Millis(p.CreatedAt), nullID(p.OrgID)).Scan(&p.ID)
		return mapErr(err, "Versi ikrar")
	})
}

// Pledge returns one pledge version.
func (db *DB) Pledge(ctx context.Context, id int64) (registry.PledgeVersion, error) {
	return db.cache.Pledge(id, func() (registry.PledgeVersion, error) {
		p, err := row.Pledge(db.pool.QueryRow(ctx, `SELECT `+row.PledgeColumns+` FROM pledges p WHERE p.id = $1`, id))
		return p, mapErr(err, "Versi ikrar")
	})
}

// PledgesByHash returns the pledge versions stored with hash, by ID, read
// from the table itself: a verdict must see the text as stored now.
func (db *DB) PledgesByHash(ctx context.Context, hash string) ([]registry.PledgeVersion, error) {
	return db.queryPledges(ctx, `SELECT `+row.PledgeColumns+` FROM pledges p WHERE p.hash = $1 ORDER BY p.id`, hash)
}

// Pledges lists the pledge versions the users of scope see, oldest first:
// the system's, and those owned by an organization on scope's path, above
// it or inside it.
func (db *DB) Pledges(ctx context.Context, scope string) ([]registry.PledgeVersion, error) {
	return db.queryPledges(ctx, `SELECT `+row.PledgeColumns+` FROM pledges p LEFT JOIN organizations o ON o.id = p.org_id
		WHERE p.org_id IS NULL OR starts_with(o.path, $1) OR starts_with($1, o.path)
		ORDER BY p.id`, scope)
}

func (db *DB) queryPledges(ctx context.Context, query string, args ...any) ([]registry.PledgeVersion, error) {
	rows, err := db.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (registry.PledgeVersion, error) { return row.Pledge(r) })
}
