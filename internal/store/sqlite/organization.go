package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/row"
)

// CreateOrganization inserts o and sets its ID and materialized path.
func (db *DB) CreateOrganization(ctx context.Context, o *registry.Organization) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		parentPath := "/"
		var parent any
		if o.ParentID != 0 {
			parent = o.ParentID
			if err := tx.QueryRowContext(ctx, `SELECT path FROM organizations WHERE id = ?`, o.ParentID).Scan(&parentPath); err != nil {
				return mapErr(err, "Organisasi induk")
			}
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO organizations (parent_id, name, kind, region_code, timezone, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, parent, o.Name, o.Kind, o.RegionCode, o.TimeZone, row.Millis(o.CreatedAt))
		if err != nil {
			return mapErr(err, "Organisasi")
		}
		if o.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		o.Path = fmt.Sprintf("%s%d/", parentPath, o.ID)
		_, err = tx.ExecContext(ctx, `UPDATE organizations SET path = ? WHERE id = ?`, o.Path, o.ID)
		return err
	})
}

// Organization returns one organization.
func (db *DB) Organization(ctx context.Context, id int64) (registry.Organization, error) {
	return db.cache.Org(id, func() (registry.Organization, error) {
		o, err := row.Org(db.read.QueryRowContext(ctx, `SELECT `+row.OrgColumns+` FROM organizations WHERE id = ?`, id))
		return o, mapErr(err, "Organisasi")
	})
}

// Organizations lists the organizations under scope, tree order.
func (db *DB) Organizations(ctx context.Context, scope string) ([]registry.Organization, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+row.OrgColumns+` FROM organizations
		WHERE substr(path, 1, length(?)) = ? ORDER BY path`, scope, scope)
	return collect(rows, err, row.Org)
}

// SetOrgLogo stores an organization's letterhead logo, replacing any; nil
// removes it.
func (db *DB) SetOrgLogo(ctx context.Context, orgID int64, png []byte, at time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if png == nil {
			_, err := tx.ExecContext(ctx, `DELETE FROM org_logos WHERE org_id = ?`, orgID)
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO org_logos (org_id, png, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (org_id) DO UPDATE SET png = excluded.png, updated_at = excluded.updated_at`, orgID, png, row.Millis(at))
		return mapErr(err, "Organisasi")
	})
}

// OrgLogo is the logo of the organization with the given path or, without
// one, of its nearest ancestor that has one: an office prints its
// government's emblem unless it has its own.
func (db *DB) OrgLogo(ctx context.Context, path string) ([]byte, int64, error) {
	var png []byte
	var owner int64
	err := db.read.QueryRowContext(ctx, `SELECT l.png, o.id FROM org_logos l JOIN organizations o ON o.id = l.org_id
		WHERE substr(?, 1, length(o.path)) = o.path ORDER BY length(o.path) DESC LIMIT 1`, path).Scan(&png, &owner)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, nil
	}
	return png, owner, err
}
