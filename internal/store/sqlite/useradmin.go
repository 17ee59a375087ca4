package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// inScope is the condition "organization o lies inside scope ?1", where
// scope "/" also admits rows with no organization; it takes scope three
// times.
const inScope = `(? = '/' OR substr(o.path, 1, length(?)) = ?)`

// Users lists the accounts scoped inside scope, superadmins first.
func (db *DB) Users(ctx context.Context, scope string) ([]registry.User, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+userColumns+userFrom+` WHERE `+inScope+`
		ORDER BY u.role <> 'superadmin', o.path, u.name, u.id`, scope, scope, scope)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []registry.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
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

// auditWhere turns f into a WHERE clause over audit a joined with
// organizations o, and its arguments.
func auditWhere(f registry.AuditFilter) (string, []any) {
	conds := []string{inScope}
	args := []any{f.Scope, f.Scope, f.Scope}
	if f.Action != "" {
		conds, args = append(conds, `a.action = ?`), append(args, f.Action)
	}
	if f.UserID != 0 {
		conds, args = append(conds, `a.user_id = ?`), append(args, f.UserID)
	}
	if !f.From.IsZero() {
		conds, args = append(conds, `a.at >= ?`), append(args, ms(f.From))
	}
	if !f.Until.IsZero() {
		conds, args = append(conds, `a.at < ?`), append(args, ms(f.Until))
	}
	return ` WHERE ` + strings.Join(conds, ` AND `), args
}

const auditFrom = ` FROM audit a LEFT JOIN organizations o ON o.id = a.org_id`

// AuditLog lists the entries matching f, newest first, and counts all
// that match.
func (db *DB) AuditLog(ctx context.Context, f registry.AuditFilter) ([]registry.AuditEntry, int, error) {
	where, args := auditWhere(f)
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+auditFrom+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT a.id, a.at, a.user_id, a.user_name, a.action, a.org_id, a.target, a.detail, a.ip`+
		auditFrom+where+` ORDER BY a.at DESC, a.id DESC LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []registry.AuditEntry
	for rows.Next() {
		var a registry.AuditEntry
		var at int64
		if err := rows.Scan(&a.ID, &at, &a.UserID, &a.UserName, &a.Action, &a.OrgID, &a.Target, &a.Detail, &a.IP); err != nil {
			return nil, 0, err
		}
		a.At = fromMS(at)
		out = append(out, a)
	}
	return out, total, rows.Err()
}

// AuditActions lists the distinct actions in the audit trail.
func (db *DB) AuditActions(ctx context.Context) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT action FROM audit ORDER BY action`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// ScopedEventStats counts the eligible employees of e inside scope and the
// records of the signers whose organization lies inside scope. A scope that
// holds the whole event counts every record of it, without looking up the
// signers' organizations.
func (db *DB) ScopedEventStats(ctx context.Context, e registry.Event, scope string) (registry.EventStats, error) {
	var st registry.EventStats
	var eventPath string
	if err := db.read.QueryRowContext(ctx, `SELECT path FROM organizations WHERE id = ?`, e.OrgID).Scan(&eventPath); err != nil {
		return st, mapErr(err, "Organisasi")
	}
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM employees e JOIN organizations o ON o.id = e.org_id WHERE `+
		eligibleWhere(e), eligibleArgs(eventPath, scope, e)...).Scan(&st.Eligible)
	if err != nil {
		return st, err
	}
	records := `SELECT COUNT(s.id), COUNT(r.id), COALESCE(SUM(s.channel = 'paper' AND r.id IS NULL), 0)
		FROM signatures s LEFT JOIN revocations r ON r.signature_id = s.id`
	args := []any{e.ID}
	if !strings.HasPrefix(eventPath, scope) {
		records += ` JOIN employees e ON e.id = s.employee_id JOIN organizations o ON o.id = e.org_id
			WHERE s.event_id = ? AND substr(o.path, 1, length(?)) = ?`
		args = append(args, scope, scope)
	} else {
		records += ` WHERE s.event_id = ? AND s.erased_at = 0`
	}
	err = db.read.QueryRowContext(ctx, records, args...).Scan(&st.Signed, &st.Revoked, &st.Paper)
	st.Signed -= st.Revoked
	return st, err
}
