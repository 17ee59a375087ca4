package registry

import (
	"context"
	"errors"
	"fmt"
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
