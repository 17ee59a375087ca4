package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/row"
)

// CreateUser inserts u and sets its ID.
func (db *DB) CreateUser(ctx context.Context, u *registry.User) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO users (email, name, password_hash, role, org_id, active, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, u.Email, u.Name, u.PasswordHash, u.Role, nullID(u.OrgID),
			u.Active, row.Millis(u.CreatedAt)).Scan(&u.ID)
		return mapErr(err, "Pengguna")
	})
}

// User returns one user.
func (db *DB) User(ctx context.Context, id int64) (registry.User, error) {
	u, err := row.User(db.pool.QueryRow(ctx, `SELECT `+row.UserColumns+row.UserFrom+` WHERE u.id = $1`, id))
	return u, mapErr(err, "Pengguna")
}

// UserByEmail returns the user with an email.
func (db *DB) UserByEmail(ctx context.Context, email string) (registry.User, error) {
	u, err := row.User(db.pool.QueryRow(ctx, `SELECT `+row.UserColumns+row.UserFrom+` WHERE u.email = $1`, email))
	return u, mapErr(err, "Pengguna")
}

// Users lists the accounts scoped inside scope, superadmins first.
func (db *DB) Users(ctx context.Context, scope string) ([]registry.User, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+row.UserColumns+row.UserFrom+` WHERE `+inScope+`
		ORDER BY u.role <> 'superadmin', o.path, u.name, u.id`, scope)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (registry.User, error) { return row.User(r) })
}

// keepSuperadmin runs update, a change of user id, and fails the
// transaction if that took away the last active superadmin.
func keepSuperadmin(ctx context.Context, tx pgx.Tx, id int64, update func() error) error {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, superadminLock); err != nil {
		return err
	}
	var was bool
	err := tx.QueryRow(ctx, `SELECT role = 'superadmin' AND active FROM users WHERE id = $1`, id).Scan(&was)
	if err != nil {
		return mapErr(err, "Pengguna")
	}
	if err := update(); err != nil || !was {
		return err
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM users WHERE role = 'superadmin' AND active`).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return registry.Errorf(registry.ECONFLICT, "Harus tetap ada sedikitnya satu superadmin aktif.")
	}
	return nil
}

// SetUserAccess gives a user a role on an organization (0: none).
func (db *DB) SetUserAccess(ctx context.Context, id int64, role registry.Role, orgID int64) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		return keepSuperadmin(ctx, tx, id, func() error {
			_, err := tx.Exec(ctx, `UPDATE users SET role = $1, org_id = $2 WHERE id = $3`, role, nullID(orgID), id)
			return mapErr(err, "Pengguna")
		})
	})
}

// SetUserActive activates or deactivates a user; deactivating deletes the
// user's sessions and API tokens.
func (db *DB) SetUserActive(ctx context.Context, id int64, active bool) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		return keepSuperadmin(ctx, tx, id, func() error {
			if _, err := tx.Exec(ctx, `UPDATE users SET active = $1 WHERE id = $2`, active, id); err != nil || active {
				return mapErr(err, "Pengguna")
			}
			return endAccess(ctx, tx, id)
		})
	})
}

// SetPassword replaces a user's password hash and ends their sessions and
// API tokens.
func (db *DB) SetPassword(ctx context.Context, id int64, hash string) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2`, hash, id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return registry.Errorf(registry.ENOTFOUND, "Pengguna tidak ditemukan.")
		}
		return endAccess(ctx, tx, id)
	})
}

// endAccess deletes a user's sessions and API tokens.
func endAccess(ctx context.Context, tx pgx.Tx, id int64) error {
	for _, table := range []string{"sessions", "api_tokens"} {
		if _, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE user_id = $1`, id); err != nil {
			return fmt.Errorf("end %s of user %d: %w", table, id, err)
		}
	}
	return nil
}

// superadminLock is the key of the advisory lock a change of a
// superadmin's access holds until it commits. Under READ COMMITTED, two
// transactions each deactivating one of the last two superadmins would
// both count the other still active; the lock makes the second count
// after the first commits.
const superadminLock = 0x696b726172 + 1
