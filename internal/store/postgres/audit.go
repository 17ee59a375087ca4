package postgres

import (
	"context"
	"encoding/json"
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
	args, err := detailArgs(a.DetailFormat, a.DetailArgs)
	if err != nil {
		return fmt.Errorf("audit %s: %w", a.Action, err)
	}
	_, err = tx.Exec(ctx, `INSERT INTO audit (at, user_id, user_name, action, org_id, target, detail, detail_format, detail_args, ip)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, row.Millis(a.At), a.UserID, a.UserName, a.Action, a.OrgID, a.Target, a.Detail,
		a.DetailFormat, args, a.IP)
	return err
}

// detailArgs is the stored form of a detail's arguments, as the SQLite
// store stores them: a JSON array of texts and integers (registry.Detailf
// keeps no other kind), "" for a detail without a format.
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
func writeAudit(ctx context.Context, tx pgx.Tx, p *registry.PendingAudit) error {
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
	rows, err := db.pool.Query(ctx, `SELECT a.id, a.at, a.user_id, a.user_name, a.action, a.org_id, a.target, a.detail,
		a.detail_format, a.detail_args, a.ip`+
		auditFrom+where+fmt.Sprintf(` ORDER BY a.at DESC, a.id DESC LIMIT $%d OFFSET $%d`, n+1, n+2), append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (registry.AuditEntry, error) {
		var a registry.AuditEntry
		var at int64
		var args string
		if err := r.Scan(&a.ID, &at, &a.UserID, &a.UserName, &a.Action, &a.OrgID, &a.Target, &a.Detail,
			&a.DetailFormat, &args, &a.IP); err != nil {
			return a, err
		}
		a.At = row.Time(at)
		var perr error
		if a.DetailArgs, perr = parseDetailArgs(args); perr != nil {
			// The formatted text is still there to show.
			a.DetailFormat, a.DetailArgs = "", nil
		}
		return a, nil
	})
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
