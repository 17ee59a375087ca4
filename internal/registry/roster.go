package registry

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ImportEmployees writes a parsed roster into org, all or nothing: new
// NIPs of org's government are added, known ones updated or moved into
// org — but only employees inside the actor's own subtree; a row that would
// take one from elsewhere in the government is refused (see
// EmployeeImport). With refused rows nothing is written unless partial is
// set. Non-ASN rows without an NIP must already carry a registry ID.
func (s *Service) ImportEmployees(ctx context.Context, a Actor, orgID int64, emps []Employee, partial bool, progress ImportProgress) (ImportResult, error) {
	if _, err := s.AuthorizeRosterImport(ctx, a.User, orgID); err != nil {
		return ImportResult{}, err
	}
	if len(emps) == 0 {
		return ImportResult{}, Errorf(EBADROSTER, "Berkas tidak berisi baris pegawai yang dapat diimpor.")
	}
	// The store imports in several transactions and writes the entry with
	// the one that makes the import take effect, with its final counts.
	var res ImportResult
	err := s.audited(ctx, a.User, a.IP, "roster.import", orgID, "", Detail{}, func(ctx context.Context, audit *PendingAudit) error {
		audit.Finish = func(e *AuditEntry) {
			r := audit.Outcome.Import
			e.SetDetail(Detailf("%d baru, %d diperbarui, %d ditolak", r.Imported, r.Updated, len(r.Refused)))
		}
		var err error
		res, err = s.Store.ImportEmployees(ctx, EmployeeImport{OrgID: orgID, Scope: a.User.Scope(), Employees: emps, Partial: partial, Progress: progress})
		if err == nil && !res.Written {
			return errNothingImported
		}
		return err
	})
	if errors.Is(err, errNothingImported) {
		return res, nil
	}
	if err != nil {
		return ImportResult{}, fmt.Errorf("import roster: %w", err)
	}
	return res, nil
}

// errNothingImported ends an import that wrote nothing, and so has no
// audit entry: its refused rows are reported to the importer.
var errNothingImported = errors.New("nothing imported")

// AuthorizeRosterImport returns the organization if u may import its
// roster (ENOTFOUND outside u's scope, EFORBIDDEN for a role that may not).
func (s *Service) AuthorizeRosterImport(ctx context.Context, u User, orgID int64) (Organization, error) {
	return s.authorize(ctx, u, ActManageRoster, orgID)
}

// ImportResult counts what a roster import did. Refused lists the rows
// the import may not write (see EmployeeImport); Written says whether
// anything was stored.
type ImportResult struct {
	Imported int
	Updated  int
	Refused  []ImportRefusal
	Written  bool
}

// ImportRefusal is a row of an import that was not written: Index is its
// place in EmployeeImport.Employees. Reason is a domain error, which a page
// says in its reader's language from its format.
type ImportRefusal struct {
	Index  int
	NIP    string
	Reason error
}

// EmployeeImport is a roster import into one organization. An employee is
// unique per government and NIP (see Organization's government in
// docs/OPERATIONS.md): a row whose NIP is new to the organization's
// government adds an employee; a row whose NIP belongs to an employee of
// that government inside Scope updates (or moves) that employee; a row
// whose NIP belongs to one outside Scope is refused. Employees of other
// governments are never read or written. With refused rows and Partial
// unset, nothing is written.
type EmployeeImport struct {
	OrgID     int64
	Scope     string // the importer's subtree
	Employees []Employee
	Partial   bool
	// Progress, if not nil, is told how far the import has got, so that
	// a long one never looks frozen.
	Progress ImportProgress
}

// ImportStep is a step of a roster import, in the order they run.
type ImportStep int

const (
	ImportChecking ImportStep = iota // rows compared with the roster
	ImportWriting                    // rows written, a chunk at a time
	ImportMerging                    // the written rows merged, all at once
)

// ImportProgress is told that done of total rows of step are through.
type ImportProgress func(step ImportStep, done, total int)

// Report calls p, if set.
func (p ImportProgress) Report(step ImportStep, done, total int) {
	if p != nil {
		p(step, done, total)
	}
}

// A store imports a roster in steps: it plans, on reads alone, which rows
// add, change or leave alone an employee of the organization's government
// and which the importer may not touch (PlanImport); it stages the rows
// that write and merges them into the roster in one transaction, which
// fails as stale (ErrImportStale) if the roster changed meanwhile so that
// the plan no longer holds.

// ImportPlan is what a store will write for an import.
type ImportPlan struct {
	Gov     int64 // the government of the organization imported into
	Rows    []StagedRow
	Updates int // rows with op 'U'
	Result  ImportResult
}

// StagedRow is a row an import writes: Op 'I' inserts Employee, 'U'
// updates the employee EmployeeID to it.
type StagedRow struct {
	Op         byte
	EmployeeID int64
	Employee   *Employee
}

// KnownEmployee is an employee of the import's government whose NIP the
// import holds, with the path of its organization.
type KnownEmployee struct {
	OrgPath string
	Employee
}

// PlanImport plans imp into the government gov. known reads the
// employees of gov with the NIPs given, which it is handed batch at a
// time; imp's progress is told as they are read.
func PlanImport(imp EmployeeImport, gov int64, batch int, known func(nips []string) ([]KnownEmployee, error)) (ImportPlan, error) {
	plan := ImportPlan{Gov: gov}
	byNIP := make(map[string]KnownEmployee)
	nips := make([]string, 0, min(batch, len(imp.Employees)))
	for i := 0; i < len(imp.Employees); i += batch {
		part := imp.Employees[i:min(i+batch, len(imp.Employees))]
		nips = nips[:0]
		for _, e := range part {
			nips = append(nips, e.NIP)
		}
		found, err := known(nips)
		if err != nil {
			return plan, err
		}
		for _, x := range found {
			byNIP[x.NIP] = x
		}
		imp.Progress.Report(ImportChecking, i+len(part), len(imp.Employees))
	}
	for i := range imp.Employees {
		e := &imp.Employees[i]
		x, ok := byNIP[e.NIP]
		switch {
		case !ok:
			plan.Rows = append(plan.Rows, StagedRow{Op: 'I', Employee: e})
			plan.Result.Imported++
		case !strings.HasPrefix(x.OrgPath, imp.Scope):
			// Said without naming the organization: the importer may not
			// see it.
			plan.Result.Refused = append(plan.Result.Refused, ImportRefusal{Index: i, NIP: e.NIP,
				Reason: Errorf(EFORBIDDEN, "NIP sudah terdaftar pada organisasi lain dalam pemerintah daerah ini, di luar kewenangan Anda; pemindahan pegawai diproses oleh admin yang membawahi kedua organisasi")})
		default:
			if changes(x.Employee, imp.OrgID, e) {
				plan.Rows = append(plan.Rows, StagedRow{Op: 'U', EmployeeID: x.ID, Employee: e})
				plan.Updates++
			}
			plan.Result.Updated++
		}
	}
	return plan, nil
}

// changes reports whether importing e into orgID changes the stored
// employee old: an unchanged row is not written again.
func changes(old Employee, orgID int64, e *Employee) bool {
	return old.OrgID != orgID || old.Name != e.Name || old.FrontTitle != e.FrontTitle || old.BackTitle != e.BackTitle ||
		old.Position != e.Position || old.Rank != e.Rank || old.Unit != e.Unit || old.Category != e.Category || old.Active != e.Active
}

// Decide settles whether the plan is written: not when rows are refused
// and imp is not partial (the result then counts nothing imported).
// When it is, the import's audit entry (WithAudit) is told the result:
// the store writes it with the merge that makes the import take effect,
// or alone when every row was already as imported.
func (p *ImportPlan) Decide(ctx context.Context, imp EmployeeImport) (write bool) {
	if len(p.Result.Refused) > 0 && !imp.Partial {
		p.Result.Imported, p.Result.Updated = 0, 0
		return false
	}
	p.Result.Written = true
	Decided(ctx, AuditOutcome{Import: p.Result})
	return true
}

// NewImportID is a random ID for an import's staged rows.
func NewImportID() (int64, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return 0, fmt.Errorf("import id: %w", err)
	}
	return int64(binary.BigEndian.Uint64(b[:]) >> 1), nil
}

// ErrImportStale is the failure of a merge whose plan no longer holds (an
// employee moved out of the importer's scope, an NIP added by another
// import): the whole import fails rather than write a stale plan.
func ErrImportStale() error {
	return Errorf(ECONFLICT, "Data pegawai berubah selama impor berlangsung. Ulangi impor.")
}

// RootGovernment is the government of an organization with the given
// path that has no province, regency or city among its ancestors: its
// root.
func RootGovernment(path string) (int64, error) {
	root, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	return strconv.ParseInt(root, 10, 64)
}

// UpsertEmployees imports emps into orgID through a store's
// ImportEmployees with the whole registry as the importer's scope, all or
// nothing: for trusted callers (the load tool and tests), never for a
// user's upload.
func UpsertEmployees(ctx context.Context, importEmployees func(context.Context, EmployeeImport) (ImportResult, error), orgID int64, emps []Employee) (ImportResult, error) {
	res, err := importEmployees(ctx, EmployeeImport{OrgID: orgID, Scope: "/", Employees: emps})
	if err == nil && !res.Written {
		err = Errorf(ECONFLICT, "Impor data pegawai tidak dapat disimpan.")
	}
	return res, err
}
