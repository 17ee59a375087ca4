package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/ikrar-id/ikrar/internal/registry"
)

const employeeColumns = `e.id, e.org_id, e.nip, e.name, e.front_title, e.back_title, e.position, e.rank, e.unit, e.category, e.active, e.updated_at`

func scanEmployee(s scanner) (registry.Employee, error) {
	var e registry.Employee
	var updated int64
	err := s.Scan(&e.ID, &e.OrgID, &e.NIP, &e.Name, &e.FrontTitle, &e.BackTitle, &e.Position, &e.Rank, &e.Unit, &e.Category, &e.Active, &updated)
	e.UpdatedAt = fromMS(updated)
	return e, err
}

// UpsertEmployees inserts new NIPs and updates known ones, all or nothing.
// An NIP registered to an organization outside org's own tree is a
// conflict: moving an employee between governments is not a roster import.
func (db *DB) UpsertEmployees(ctx context.Context, orgID int64, emps []registry.Employee) (registry.ImportResult, error) {
	var res registry.ImportResult
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var root string
		if err := tx.QueryRowContext(ctx, `SELECT path FROM organizations WHERE id = ?`, orgID).Scan(&root); err != nil {
			return mapErr(err, "Organisasi")
		}
		// The government an import belongs to is the top of org's path;
		// transfers inside it are allowed.
		top := "/" + strings.SplitN(strings.Trim(root, "/"), "/", 2)[0] + "/"
		find, err := tx.PrepareContext(ctx, `SELECT e.id, o.path FROM employees e JOIN organizations o ON o.id = e.org_id WHERE e.nip = ?`)
		if err != nil {
			return err
		}
		defer find.Close()
		ins, err := tx.PrepareContext(ctx, `INSERT INTO employees (org_id, nip, name, front_title, back_title, position, rank, unit, category, active, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		upd, err := tx.PrepareContext(ctx, `UPDATE employees SET org_id = ?, name = ?, front_title = ?, back_title = ?, position = ?,
			rank = ?, unit = ?, category = ?, active = ?, updated_at = ? WHERE id = ?`)
		if err != nil {
			return err
		}
		defer upd.Close()
		for _, e := range emps {
			var id int64
			var path string
			err := find.QueryRowContext(ctx, e.NIP).Scan(&id, &path)
			switch {
			case err == sql.ErrNoRows:
				if _, err := ins.ExecContext(ctx, orgID, e.NIP, e.Name, e.FrontTitle, e.BackTitle, e.Position, e.Rank, e.Unit,
					e.Category, e.Active, ms(e.UpdatedAt)); err != nil {
					return mapErr(err, "Pegawai")
				}
				res.Imported++
			case err != nil:
				return err
			case !strings.HasPrefix(path, top):
				return registry.Errorf(registry.ECONFLICT,
					"NIP %s sudah terdaftar pada pemerintah daerah lain; mutasi antardaerah harus diproses oleh superadmin.", e.NIP)
			default:
				if _, err := upd.ExecContext(ctx, orgID, e.Name, e.FrontTitle, e.BackTitle, e.Position, e.Rank, e.Unit,
					e.Category, e.Active, ms(e.UpdatedAt), id); err != nil {
					return err
				}
				res.Updated++
			}
		}
		return nil
	})
	return res, err
}

// Employee returns one employee.
func (db *DB) Employee(ctx context.Context, id int64) (registry.Employee, error) {
	e, err := scanEmployee(db.read.QueryRowContext(ctx, `SELECT `+employeeColumns+` FROM employees e WHERE e.id = ?`, id))
	return e, mapErr(err, "Pegawai")
}

// EmployeeByNIP finds an employee by NIP inside scope.
func (db *DB) EmployeeByNIP(ctx context.Context, scope, nip string) (registry.Employee, error) {
	e, err := scanEmployee(db.queryRow(ctx, `SELECT `+employeeColumns+` FROM employees e
		JOIN organizations o ON o.id = e.org_id
		WHERE e.nip = ? AND substr(o.path, 1, length(?)) = ?`, nip, scope, scope))
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
	rows, err := db.read.QueryContext(ctx, `SELECT `+employeeColumns+` FROM employees e JOIN organizations o ON o.id = e.org_id
		WHERE `+where+` ORDER BY e.unit, e.name LIMIT ? OFFSET ?`, append(args, limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []registry.Employee
	for rows.Next() {
		e, err := scanEmployee(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, e)
	}
	return out, total, rows.Err()
}
