package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/row"
)

// CreateOrganization inserts o and sets its ID and materialized path.
func (db *DB) CreateOrganization(ctx context.Context, o *registry.Organization) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		parentPath := "/"
		if o.ParentID != 0 {
			if err := tx.QueryRow(ctx, `SELECT path FROM organizations WHERE id = $1`, o.ParentID).Scan(&parentPath); err != nil {
				return mapErr(err, "Organisasi induk")
			}
		}
		err := tx.QueryRow(ctx, `INSERT INTO organizations (parent_id, name, kind, region_code, timezone, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, nullID(o.ParentID), o.Name, o.Kind, o.RegionCode, o.TimeZone,
			row.Millis(o.CreatedAt)).Scan(&o.ID)
		if err != nil {
			return mapErr(err, "Organisasi")
		}
		o.Path = fmt.Sprintf("%s%d/", parentPath, o.ID)
		_, err = tx.Exec(ctx, `UPDATE organizations SET path = $1 WHERE id = $2`, o.Path, o.ID)
		return err
	})
}

// Organization returns one organization.
func (db *DB) Organization(ctx context.Context, id int64) (registry.Organization, error) {
	return db.cache.Org(id, func() (registry.Organization, error) {
		o, err := row.Org(db.pool.QueryRow(ctx, `SELECT `+row.OrgColumns+` FROM organizations WHERE id = $1`, id))
		return o, mapErr(err, "Organisasi")
	})
}

// Organizations lists the organizations under scope, tree order.
func (db *DB) Organizations(ctx context.Context, scope string) ([]registry.Organization, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+row.OrgColumns+` FROM organizations
		WHERE starts_with(path, $1) ORDER BY path`, scope)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (registry.Organization, error) { return row.Org(r) })
}

// SetOrgLogo stores an organization's letterhead logo, replacing any; nil
// removes it.
func (db *DB) SetOrgLogo(ctx context.Context, orgID int64, png []byte, at time.Time) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		if png == nil {
			_, err := tx.Exec(ctx, `DELETE FROM org_logos WHERE org_id = $1`, orgID)
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO org_logos (org_id, png, updated_at) VALUES ($1, $2, $3)
			ON CONFLICT (org_id) DO UPDATE SET png = excluded.png, updated_at = excluded.updated_at`, orgID, png, row.Millis(at))
		return mapErr(err, "Organisasi")
	})
}

// OrgLogo is the logo of the organization with the given path or, without
// one, of its nearest ancestor that has one.
func (db *DB) OrgLogo(ctx context.Context, path string) ([]byte, int64, error) {
	var png []byte
	var owner int64
	err := db.pool.QueryRow(ctx, `SELECT l.png, o.id FROM org_logos l JOIN organizations o ON o.id = l.org_id
		WHERE starts_with($1, o.path) ORDER BY length(o.path) DESC LIMIT 1`, path).Scan(&png, &owner)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, 0, nil
	}
	return png, owner, err
}
