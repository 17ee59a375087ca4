package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/row"
)

// UpsertEmployees imports emps into org for a trusted caller (see
// registry.UpsertEmployees).
func (db *DB) UpsertEmployees(ctx context.Context, orgID int64, emps []registry.Employee) (registry.ImportResult, error) {
	return registry.UpsertEmployees(ctx, db.ImportEmployees, orgID, emps)
}

// Employee returns one employee.
func (db *DB) Employee(ctx context.Context, id int64) (registry.Employee, error) {
	e, err := row.Employee(db.pool.QueryRow(ctx, `SELECT `+row.EmployeeColumns+` FROM employees e WHERE e.id = $1`, id))
	return e, mapErr(err, "Pegawai")
}

// byNIPOrder is the order in which an NIP held by employees of several
// governments inside one scope resolves: the government nearest the
// scope's root first, then the most recently changed, then the newest
// row; g is the employee's government.
const byNIPOrder = `length(g.path), e.updated_at DESC, e.id DESC`

// EmployeeByNIP finds an employee by NIP inside scope (see byNIPOrder).
func (db *DB) EmployeeByNIP(ctx context.Context, scope, nip string) (registry.Employee, error) {
	e, err := row.Employee(db.pool.QueryRow(ctx, `SELECT `+row.EmployeeColumns+` FROM employees e
		JOIN organizations o ON o.id = e.org_id JOIN organizations g ON g.id = e.gov_id
		WHERE e.nip = $1 AND starts_with(o.path, $2)
		ORDER BY `+byNIPOrder+` LIMIT 1`, nip, scope))
	return e, mapErr(err, "Pegawai")
}

// likePattern matches s anywhere, taken literally.
func likePattern(s string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s) + "%"
}

// Employees lists a page of employees matching f and the total count.
func (db *DB) Employees(ctx context.Context, f registry.EmployeeFilter) ([]registry.Employee, int, error) {
	where := `starts_with(o.path, $1)`
	args := []any{f.Scope}
	if f.Search != "" {
		args = append(args, likePattern(f.Search))
		// LIKE, not ILIKE: SQLite's LIKE folds ASCII case only, and so
		// does lower() under the "C" collation of name.
		where += fmt.Sprintf(` AND (lower(e.name) LIKE lower($%d COLLATE "C") ESCAPE '\' OR e.nip LIKE $%[1]d ESCAPE '\')`, len(args))
	}
	if f.ActiveOnly {
		where += ` AND e.active`
	}
	if len(f.Categories) > 0 {
		cats := make([]string, len(f.Categories))
		for i, c := range f.Categories {
			cats[i] = string(c)
		}
		args = append(args, cats)
		where += fmt.Sprintf(` AND e.category = ANY($%d)`, len(args))
	}
	var total int
	if err := db.pool.QueryRow(ctx, `SELECT COUNT(*) FROM employees e JOIN organizations o ON o.id = e.org_id WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	n := len(args)
	rows, err := db.pool.Query(ctx, `SELECT `+row.EmployeeColumns+` FROM employees e JOIN organizations o ON o.id = e.org_id
		WHERE `+where+fmt.Sprintf(` ORDER BY e.unit, e.name LIMIT $%d OFFSET $%d`, n+1, n+2), append(args, limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (registry.Employee, error) { return row.Employee(r) })
	return out, total, err
}
