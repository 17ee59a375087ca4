package sqlite

import (
	"context"
	"strings"

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
	e, err := row.Employee(db.read.QueryRowContext(ctx, `SELECT `+row.EmployeeColumns+` FROM employees e WHERE e.id = ?`, id))
	return e, mapErr(err, "Pegawai")
}

// byNIPOrder is the order in which an NIP held by employees of several
// governments inside one scope resolves: the government nearest the
// scope's root first (a province's own employee in a province-wide event),
// then the most recently changed, then the newest row; g is the employee's
// government.
const byNIPOrder = `length(g.path), e.updated_at DESC, e.id DESC`

// EmployeeByNIP finds an employee by NIP inside scope (see byNIPOrder).
func (db *DB) EmployeeByNIP(ctx context.Context, scope, nip string) (registry.Employee, error) {
	e, err := row.Employee(db.queryRow(ctx, `SELECT `+row.EmployeeColumns+` FROM employees e
		JOIN organizations o ON o.id = e.org_id JOIN organizations g ON g.id = e.gov_id
		WHERE e.nip = ? AND substr(o.path, 1, length(?)) = ?
		ORDER BY `+byNIPOrder+` LIMIT 1`, nip, scope, scope))
	return e, mapErr(err, "Pegawai")
}

// Employees lists a page of employees matching f and the total count.
func (db *DB) Employees(ctx context.Context, f registry.EmployeeFilter) ([]registry.Employee, int, error) {
	where := `substr(o.path, 1, length(?)) = ?`
	args := []any{f.Scope, f.Scope}
	if f.Search != "" {
		where += ` AND (e.name LIKE ? ESCAPE '\' OR e.nip LIKE ? ESCAPE '\')`
		like := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(f.Search) + "%"
		args = append(args, like, like)
	}
	if f.ActiveOnly {
		where += ` AND e.active = 1`
	}
	if len(f.Categories) > 0 {
		where += ` AND e.category IN (?` + strings.Repeat(`, ?`, len(f.Categories)-1) + `)`
		for _, c := range f.Categories {
			args = append(args, string(c))
		}
	}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM employees e JOIN organizations o ON o.id = e.org_id WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+row.EmployeeColumns+` FROM employees e JOIN organizations o ON o.id = e.org_id
		WHERE `+where+` ORDER BY e.unit, e.name LIMIT ? OFFSET ?`, append(args, limit, f.Offset)...)
	out, err := collect(rows, err, row.Employee)
	return out, total, err
}
