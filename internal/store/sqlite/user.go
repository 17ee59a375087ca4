package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/row"
)

// CreateUser inserts u and sets its ID.
func (db *DB) CreateUser(ctx context.Context, u *registry.User) error {
	var org any
	if u.OrgID != 0 {
		org = u.OrgID
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO users (email, name, password_hash, role, org_id, active, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, u.Email, u.Name, u.PasswordHash, u.Role, org, u.Active, row.Millis(u.CreatedAt))
		if err != nil {
			return mapErr(err, "Pengguna")
		}
		u.ID, err = res.LastInsertId()
		return err
	})
}

// User returns one user.
func (db *DB) User(ctx context.Context, id int64) (registry.User, error) {
	u, err := row.User(db.read.QueryRowContext(ctx, `SELECT `+row.UserColumns+row.UserFrom+` WHERE u.id = ?`, id))
	return u, mapErr(err, "Pengguna")
}

// UserByEmail returns the user with an email.
func (db *DB) UserByEmail(ctx context.Context, email string) (registry.User, error) {
	u, err := row.User(db.read.QueryRowContext(ctx, `SELECT `+row.UserColumns+row.UserFrom+` WHERE u.email = ?`, email))
	return u, mapErr(err, "Pengguna")
}

// inScope is the condition "organization o lies inside scope ?1", where
// scope "/" also admits rows with no organization; it takes scope three
// times.
const inScope = `(? = '/' OR substr(o.path, 1, length(?)) = ?)`

// Users lists the accounts scoped inside scope, superadmins first.
func (db *DB) Users(ctx context.Context, scope string) ([]registry.User, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+row.UserColumns+row.UserFrom+` WHERE `+inScope+`
		ORDER BY u.role <> 'superadmin', o.path, u.name, u.id`, scope, scope, scope)
	return collect(rows, err, row.User)
}

// keepSuperadmin runs update, a change of user id, and fails the
// transaction if that took away the last active superadmin.
func keepSuperadmin(ctx context.Context, tx *sql.Tx, id int64, update func() error) error {
	var was bool
	err := tx.QueryRowContext(ctx, `SELECT role = 'superadmin' AND active = 1 FROM users WHERE id = ?`, id).Scan(&was)
	if err != nil {
		return mapErr(err, "Pengguna")
	}
	if err := update(); err != nil || !was {
		return err
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE role = 'superadmin' AND active = 1`).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return registry.Errorf(registry.ECONFLICT, "Harus tetap ada sedikitnya satu superadmin aktif.")
	}
	return nil
}

// updateUser runs one UPDATE of a user.
func updateUser(ctx context.Context, tx *sql.Tx, id int64, set string, args ...any) error {
	_, err := tx.ExecContext(ctx, `UPDATE users SET `+set+` WHERE id = ?`, append(args, id)...)
	return mapErr(err, "Pengguna")
}

// SetUserAccess gives a user a role on an organization (0: none).
func (db *DB) SetUserAccess(ctx context.Context, id int64, role registry.Role, orgID int64) error {
	var org any
	if orgID != 0 {
		org = orgID
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		return keepSuperadmin(ctx, tx, id, func() error {
			return updateUser(ctx, tx, id, `role = ?, org_id = ?`, role, org)
		})
	})
}

// SetUserActive activates or deactivates a user; deactivating deletes the
// user's sessions and API tokens.
func (db *DB) SetUserActive(ctx context.Context, id int64, active bool) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		return keepSuperadmin(ctx, tx, id, func() error {
			if err := updateUser(ctx, tx, id, `active = ?`, active); err != nil || active {
				return err
			}
			return endAccess(ctx, tx, id)
		})
	})
}

// SetPassword replaces a user's password hash and ends their sessions and
// API tokens: whoever held them knew the old password or took them from
// someone who did.
func (db *DB) SetPassword(ctx context.Context, id int64, hash string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return registry.Errorf(registry.ENOTFOUND, "Pengguna tidak ditemukan.")
		}
		return endAccess(ctx, tx, id)
	})
}

// endAccess deletes a user's sessions and API tokens.
func endAccess(ctx context.Context, tx *sql.Tx, id int64) error {
	for _, table := range []string{"sessions", "api_tokens"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE user_id = ?`, id); err != nil {
			return fmt.Errorf("end %s of user %d: %w", table, id, err)
		}
	}
	return nil
}
