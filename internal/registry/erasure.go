package registry

import (
	"context"
	"fmt"
	"strings"
)

// Erase removes a signer's personal data from a record on a lawful request
// (UU 27/2022). The record, its log leaf and its verification stay: the leaf
// holds only a salted hash, which no longer links to anyone once the salt is
// gone. The record also loses its link to the roster: the employee, if
// still on it, counts as not signed and may sign the event again (a new
// record, with new consent). With person set, the employee is erased too:
// every record of theirs, and their roster row (ErasePerson).
func (s *Service) Erase(ctx context.Context, a Actor, code, reason string, person bool) (Signature, []string, error) {
	sig, org, err := s.recordFor(ctx, a, code)
	if err != nil {
		return Signature{}, nil, err
	}
	reason, err = erasureReason(reason)
	if err != nil {
		return Signature{}, nil, err
	}
	if person {
		if sig.EmployeeID == 0 {
			return Signature{}, nil, Errorf(ECONFLICT, "Sertifikat ini sudah tidak terhubung dengan pegawai mana pun.")
		}
		codes, err := s.erasePerson(ctx, a, sig.EmployeeID, reason)
		if err != nil {
			return Signature{}, nil, err
		}
		sig, err = s.Certificate(ctx, code)
		return sig, codes, err
	}
	if sig.Erased() {
		return Signature{}, nil, Errorf(ECONFLICT, "Data pribadi pada sertifikat ini sudah dihapus.")
	}
	err = s.audited(ctx, a.User, a.IP, "certificate.erase", org.ID, "certificate:"+sig.Code, Plain(reason), func(ctx context.Context, _ *PendingAudit) error {
		return s.Store.EraseSignature(ctx, sig.ID, s.now())
	})
	if err != nil && !IsScrubPending(err) {
		return Signature{}, nil, fmt.Errorf("erase %s: %w", sig.Code, err)
	}
	sig, cerr := s.Certificate(ctx, code)
	if cerr != nil {
		return Signature{}, nil, cerr
	}
	return sig, []string{sig.Code}, err
}

// ErasePerson erases an employee of org's subtree, found by NIP (or
// registry ID), on a lawful request: the personal data of every record of
// theirs (as Erase does) and their roster row. A later roster import that
// lists them again adds them back as a new employee.
func (s *Service) ErasePerson(ctx context.Context, a Actor, orgID int64, nip, reason string) ([]string, error) {
	org, err := s.VisibleOrganization(ctx, a.User, orgID)
	if err != nil {
		return nil, err
	}
	reason, err = erasureReason(reason)
	if err != nil {
		return nil, err
	}
	emp, err := s.Store.EmployeeByNIP(ctx, org.Path, strings.Join(strings.Fields(nip), ""))
	if IsCode(err, ENOTFOUND) {
		return nil, Errorf(ENOTFOUND, "Pegawai tidak ditemukan.")
	}
	if err != nil {
		return nil, err
	}
	return s.erasePerson(ctx, a, emp.ID, reason)
}

func (s *Service) erasePerson(ctx context.Context, a Actor, employeeID int64, reason string) ([]string, error) {
	notFound := Errorf(ENOTFOUND, "Pegawai tidak ditemukan.")
	emp, err := s.Store.Employee(ctx, employeeID)
	if IsCode(err, ENOTFOUND) {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	org, err := s.Store.Organization(ctx, emp.OrgID)
	if err != nil {
		return nil, err
	}
	switch {
	case a.User.Can(ActManageRoster, org.Path) && a.User.Can(ActRevoke, org.Path):
	case a.User.Can(ActView, org.Path):
		return nil, Errorf(EFORBIDDEN, "Peran Anda tidak mengizinkan tindakan ini.")
	default:
		return nil, notFound
	}
	// The trail names the roster row by its ID only, the NIP and name being
	// what was erased, and the certificates by their codes.
	var codes []string
	err = s.audited(ctx, a.User, a.IP, "employee.erase", org.ID, fmt.Sprintf("employee:%d", emp.ID), Plain(reason), func(ctx context.Context, audit *PendingAudit) error {
		audit.Finish = func(e *AuditEntry) {
			if len(audit.Outcome.Codes) > 0 {
				e.SetDetail(Plain(reason + " · " + strings.Join(audit.Outcome.Codes, " ")))
			}
		}
		var err error
		codes, err = s.Store.EraseEmployee(ctx, emp.ID, s.now())
		return err
	})
	if err != nil && !IsScrubPending(err) {
		return nil, fmt.Errorf("erase employee %d: %w", emp.ID, err)
	}
	return codes, err
}

func erasureReason(reason string) (string, error) {
	reason = strings.Join(strings.Fields(reason), " ")
	if len(reason) < 5 || len(reason) > 500 {
		return "", Errorf(EINVALID, "Dasar permintaan penghapusan wajib diisi (5–500 karakter).")
	}
	return reason, nil
}
