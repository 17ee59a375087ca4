package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/row"
)

// AppendAudit writes one audit entry on its own.
func (db *DB) AppendAudit(ctx context.Context, a registry.AuditEntry) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		return insertAudit(ctx, tx, a)
	})
}

func insertAudit(ctx context.Context, tx pgx.Tx, a registry.AuditEntry) error {
	values, err := row.AuditValues(a)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO audit (at, user_id, user_name, action, org_id, target, detail, detail_format, detail_args, ip)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, values...)
	return err
}

// writeAudit writes p, an action's pending audit entry, in the action's
// transaction; nil writes nothing.
func writeAudit(ctx context.Context, tx pgx.Tx, p *registry.PendingAudit) error {
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

// inScope is the condition "organization o lies inside scope $1", where
// scope "/" also admits rows with no organization.
const inScope = `($1 = '/' OR starts_with(o.path, $1))`

// auditWhere turns f into a WHERE clause over audit a joined with
// organizations o, and its arguments.
func auditWhere(f registry.AuditFilter) (string, []any) {
	conds := []string{inScope}
	args := []any{f.Scope}
	add := func(cond string, arg any) {
		args = append(args, arg)
		conds = append(conds, fmt.Sprintf(cond, len(args)))
	}
	if f.Action != "" {
		add(`a.action = $%d`, f.Action)
	}
	if f.UserID != 0 {
		add(`a.user_id = $%d`, f.UserID)
	}
	if !f.From.IsZero() {
		add(`a.at >= $%d`, row.Millis(f.From))
	}
	if !f.Until.IsZero() {
		add(`a.at < $%d`, row.Millis(f.Until))
	}
	return ` WHERE ` + strings.Join(conds, ` AND `), args
}

const auditFrom = ` FROM audit a LEFT JOIN organizations o ON o.id = a.org_id`

// AuditLog lists the entries matching f, newest first, and counts all
// that match.
func (db *DB) AuditLog(ctx context.Context, f registry.AuditFilter) ([]registry.AuditEntry, int, error) {
	where, args := auditWhere(f)
	var total int
	if err := db.pool.QueryRow(ctx, `SELECT COUNT(*)`+auditFrom+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	n := len(args)
	rows, err := db.pool.Query(ctx, `SELECT `+row.AuditColumns+auditFrom+where+fmt.Sprintf(` ORDER BY a.at DESC, a.id DESC LIMIT $%d OFFSET $%d`, n+1, n+2),
		append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (registry.AuditEntry, error) { return row.Audit(r) })
	return out, total, err
}

// AuditActions lists the distinct actions in the audit trail.
func (db *DB) AuditActions(ctx context.Context) ([]string, error) {
	rows, err := db.pool.Query(ctx, `SELECT DISTINCT action FROM audit ORDER BY action`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}
