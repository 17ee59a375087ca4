package row

import "github.com/ikrar-id/ikrar/internal/registry"

// EmployeeColumns are the columns an EmployeeRow receives, of employees e.
const EmployeeColumns = `e.id, e.org_id, e.nip, e.name, e.front_title, e.back_title, e.position, e.rank, e.unit, e.category, e.active, e.updated_at`

// EmployeeRow receives EmployeeColumns, alone (Employee) or beside other
// columns.
type EmployeeRow struct {
	e       registry.Employee
	updated int64
}

// Dest is where a scan puts EmployeeColumns.
func (r *EmployeeRow) Dest() []any {
	e := &r.e
	return []any{&e.ID, &e.OrgID, &e.NIP, &e.Name, &e.FrontTitle, &e.BackTitle, &e.Position, &e.Rank, &e.Unit, &e.Category, &e.Active, &r.updated}
}

// Employee is the employee scanned.
func (r *EmployeeRow) Employee() registry.Employee {
	r.e.UpdatedAt = Time(r.updated)
	return r.e
}

// Employee reads EmployeeColumns.
func Employee(s Scanner) (registry.Employee, error) {
	var r EmployeeRow
	err := s.Scan(r.Dest()...)
	return r.Employee(), err
}

// Known reads an organization's path followed by EmployeeColumns: an
// employee a roster import meets.
func Known(s Scanner) (registry.KnownEmployee, error) {
	var k registry.KnownEmployee
	var r EmployeeRow
	err := s.Scan(append([]any{&k.OrgPath}, r.Dest()...)...)
	k.Employee = r.Employee()
	return k, err
}
