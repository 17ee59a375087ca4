package registry

import (
	"context"
	"strings"
	"time"
)

// Category is an employee's status; it is stored, never inferred from the NIP.
type Category string

const (
	CategoryPNS     Category = "PNS"
	CategoryPPPK    Category = "PPPK"
	CategoryNonASN  Category = "NON_ASN"
	CategoryVillage Category = "VILLAGE"
)

// Categories lists every category in display order.
var Categories = []Category{CategoryPNS, CategoryPPPK, CategoryNonASN, CategoryVillage}

// Label is the category as Indonesian HR staff call it.
func (c Category) Label() string {
	switch c {
	case CategoryNonASN:
		return "Non-ASN"
	case CategoryVillage:
		return "Perangkat desa"
	}
	return string(c)
}

// ParseCategory accepts a category as HR files write it; empty means PNS.
func ParseCategory(s string) (Category, bool) {
	switch strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), "-", "_")) {
	case "", "PNS", "ASN":
		return CategoryPNS, true
	case "PPPK", "P3K":
		return CategoryPPPK, true
	case "NON_ASN", "NONASN", "NON ASN", "THL", "HONORER":
		return CategoryNonASN, true
	case "VILLAGE", "DESA", "PERANGKAT DESA", "PERANGKAT_DESA":
		return CategoryVillage, true
	}
	return "", false
}

// Employee is one roster entry. NIP is the 18-digit NIP / NI PPPK, or a
// registry ID ("R" + digits) for non-ASN staff without one.
type Employee struct {
	ID         int64
	OrgID      int64
	NIP        string
	Name       string
	FrontTitle string
	BackTitle  string
	Position   string
	Rank       string
	Unit       string
	Category   Category
	Active     bool
	UpdatedAt  time.Time
}

// FullName joins the name with its front and back titles the Indonesian way:
// "Dr. Siti Aminah, S.H., M.Si.".
func (e Employee) FullName() string {
	return FullName(e.FrontTitle, e.Name, e.BackTitle)
}

// FullName joins a name with its titles.
func FullName(front, name, back string) string {
	s := strings.TrimSpace(name)
	if f := strings.TrimSpace(front); f != "" {
		s = f + " " + s
	}
	if b := strings.TrimSpace(back); b != "" {
		s = s + ", " + b
	}
	return s
}

// Employees lists the roster of org's subtree that f selects.
func (s *Service) Employees(ctx context.Context, u User, org Organization, f EmployeeFilter) ([]Employee, int, error) {
	if err := seesOrganization(u, org); err != nil {
		return nil, 0, err
	}
	f.Scope = org.Path
	return s.Store.Employees(ctx, f)
}

// EmployeeFilter selects employees of a subtree.
type EmployeeFilter struct {
	Scope      string
	Search     string // matches name or NIP
	Categories []Category
	ActiveOnly bool
	Limit      int
	Offset     int
}

// EmployeeStore keeps the roster.
type EmployeeStore interface {
	// ImportEmployees writes an import all or nothing, without holding the
	// writer for long: signings go on while a large roster is imported.
	ImportEmployees(ctx context.Context, imp EmployeeImport) (ImportResult, error)
	Employee(ctx context.Context, id int64) (Employee, error)
	// EmployeeByNIP finds an employee by NIP within a subtree. When the
	// subtree holds the NIP in several governments (a province's event over
	// its regencies), the employee of the government nearest the subtree's
	// root wins, then the most recently changed one.
	EmployeeByNIP(ctx context.Context, scope, nip string) (Employee, error)
	Employees(ctx context.Context, f EmployeeFilter) ([]Employee, int, error)
}
