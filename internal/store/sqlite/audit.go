package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/row"
)

// AppendAudit writes one audit entry on its own.
func (db *DB) AppendAudit(ctx context.Context, a registry.AuditEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		return insertAudit(ctx, tx, a)
	})
}

func insertAudit(ctx context.Context, tx *sql.Tx, a registry.AuditEntry) error {
	values, err := row.AuditValues(a)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO audit (at, user_id, user_name, action, org_id, target, detail, detail_format, detail_args, ip)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, values...)
	return err
}

// writeAudit writes p, an action's pending audit entry, in the action's
// transaction; nil writes nothing.
func writeAudit(ctx context.Context, tx *sql.Tx, p *registry.PendingAudit) error {
	if p == nil {
		return nil
	}
	return insertAudit(ctx, tx, p.Final())
}

// Audit lists the newest entries about organizations inside scope.
func (db *DB) Audit(ctx context.Context, scope string, limit int) ([]registry.AuditEntry, error) {
	entries, _, err := db.AuditLog(ctx, registry.AuditFilter{Scope: scope, Limit: limit})
	return entries, err
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
		conds, args = append(conds, `a.at >= ?`), append(args, row.Millis(f.From))
	}
	if !f.Until.IsZero() {
		conds, args = append(conds, `a.at < ?`), append(args, row.Millis(f.Until))
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
	rows, err := db.read.QueryContext(ctx, `SELECT `+row.AuditColumns+auditFrom+where+` ORDER BY a.at DESC, a.id DESC LIMIT ? OFFSET ?`,
		append(args, f.Limit, f.Offset)...)
	out, err := collect(rows, err, row.Audit)
	return out, total, err
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
