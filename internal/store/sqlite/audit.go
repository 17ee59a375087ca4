package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
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
	args, err := detailArgs(a.DetailFormat, a.DetailArgs)
	if err != nil {
		return fmt.Errorf("audit %s: %w", a.Action, err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO audit (at, user_id, user_name, action, org_id, target, detail, detail_format, detail_args, ip)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, row.Millis(a.At), a.UserID, a.UserName, a.Action, a.OrgID, a.Target, a.Detail,
		a.DetailFormat, args, a.IP)
	return err
}

// detailArgs is the stored form of a detail's arguments: a JSON array of
// texts and integers (registry.Detailf keeps no other kind), "" for a
// detail without a format.
func detailArgs(format string, args []any) (string, error) {
	if format == "" {
		return "", nil
	}
	if args == nil {
		args = []any{}
	}
	b, err := json.Marshal(args)
	return string(b), err
}

// parseDetailArgs reads back what detailArgs stored: integers as int64,
// so that a %d verb formats them.
func parseDetailArgs(s string) ([]any, error) {
	if s == "" {
		return nil, nil
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var args []any
	if err := dec.Decode(&args); err != nil {
		return nil, err
	}
	for i, a := range args {
		if n, ok := a.(json.Number); ok {
			v, err := n.Int64()
			if err != nil {
				return nil, fmt.Errorf("argument %d: %w", i, err)
			}
			args[i] = v
		}
	}
	return args, nil
}

// writeAudit writes p, an action's pending audit entry, in the action's
// transaction; nil writes nothing.
func writeAudit(ctx context.Context, tx *sql.Tx, p *registry.PendingAudit) error {
	if p == nil {
		return nil
	}
	if p.Finish != nil {
		p.Finish(&p.Entry)
	}
	return insertAudit(ctx, tx, p.Entry)
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
	rows, err := db.read.QueryContext(ctx, `SELECT a.id, a.at, a.user_id, a.user_name, a.action, a.org_id, a.target, a.detail,
		a.detail_format, a.detail_args, a.ip`+
		auditFrom+where+` ORDER BY a.at DESC, a.id DESC LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []registry.AuditEntry
	for rows.Next() {
		var a registry.AuditEntry
		var at int64
		var args string
		if err := rows.Scan(&a.ID, &at, &a.UserID, &a.UserName, &a.Action, &a.OrgID, &a.Target, &a.Detail,
			&a.DetailFormat, &args, &a.IP); err != nil {
			return nil, 0, err
		}
		a.At = row.Time(at)
		var perr error
		if a.DetailArgs, perr = parseDetailArgs(args); perr != nil {
			// The formatted text is still there to show.
			a.DetailFormat, a.DetailArgs = "", nil
		}
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
