package registry

import (
	"context"
	"crypto/hmac"
	"strconv"
	"strings"
)

// Identify finds the employee behind an NIP and event code. Both a wrong
// code and an unknown NIP are identification failures that the caller
// rate-limits; they are reported with distinct codes so the signer knows
// what to fix.
func (s *Service) Identify(ctx context.Context, e Event, nipText, code string) (Employee, error) {
	// The code is checked first, so a wrong code never tells whether an
	// NIP is on the roster.
	if !e.CodeMatches(code) {
		return Employee{}, Errorf(EWRONGCODE, "Kode acara salah. Periksa kembali kode yang diumumkan panitia.")
	}
	nipText = strings.Join(strings.Fields(nipText), "")
	if nipText == "" {
		return Employee{}, Errorf(EINVALID, "NIP wajib diisi.")
	}
	return s.eligible(ctx, e, func(scope string) (Employee, error) {
		return s.Store.EmployeeByNIP(ctx, scope, strings.ToUpper(nipText))
	})
}

// eligible loads an employee through find and checks that they may sign e.
func (s *Service) eligible(ctx context.Context, e Event, find func(scope string) (Employee, error)) (Employee, error) {
	org, err := s.Store.Organization(ctx, e.OrgID)
	if err != nil {
		return Employee{}, err
	}
	emp, err := find(org.Path)
	if err == nil && emp.Active && e.Allows(emp.Category) {
		// An uploaded participant list narrows the subtree further.
		var listed bool
		if listed, err = s.Store.Listed(ctx, e.ID, emp.ID); err == nil && !listed {
			err = Errorf(ENOTFOUND, "pegawai tidak ada pada daftar peserta")
		}
	}
	if IsCode(err, ENOTFOUND) || (err == nil && (!emp.Active || !e.Allows(emp.Category))) {
		return Employee{}, Errorf(ENOTELIGIBLE, "NIP tidak terdaftar sebagai peserta acara ini. Hubungi panitia atau BKPSDM.")
	}
	return emp, err
}

// IdentifyLink resolves a personal link token to its employee.
func (s *Service) IdentifyLink(ctx context.Context, e Event, token string) (Employee, error) {
	bad := Errorf(ENOTELIGIBLE, "Tautan pribadi tidak valid atau sudah diganti. Minta tautan baru kepada panitia.")
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return Employee{}, bad
	}
	empID, err1 := strconv.ParseInt(parts[0], 36, 64)
	gen, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil || empID <= 0 || gen < 0 {
		return Employee{}, bad
	}
	if !hmac.Equal([]byte(s.PersonalToken(e, empID, gen)), []byte(token)) {
		return Employee{}, bad
	}
	cur, err := s.Store.LinkGeneration(ctx, e.ID, empID)
	if err != nil {
		return Employee{}, err
	}
	if cur != gen {
		return Employee{}, bad
	}
	emp, err := s.IdentifyID(ctx, e, empID)
	if IsCode(err, ENOTELIGIBLE) {
		return Employee{}, bad
	}
	return emp, err
}

// IdentifyID finds an employee already identified for e (by a personal
// link, or a confirmation the web layer issued) and checks again that they
// may sign it.
func (s *Service) IdentifyID(ctx context.Context, e Event, employeeID int64) (Employee, error) {
	return s.eligible(ctx, e, func(scope string) (Employee, error) {
		emp, err := s.Store.Employee(ctx, employeeID)
		if err == nil {
			org, oerr := s.Store.Organization(ctx, emp.OrgID)
			if oerr != nil {
				return Employee{}, oerr
			}
			if !strings.HasPrefix(org.Path, scope) {
				return Employee{}, Errorf(ENOTFOUND, "pegawai di luar acara")
			}
		}
		return emp, err
	})
}

// IdentifyName is Identify for a client that spent its failure budget:
// the signer also gives their own name, and any mismatch — code, NIP or
// name — is the same ENOMATCH, so a correct NIP with a wrong name tells an
// enumerator nothing.
func (s *Service) IdentifyName(ctx context.Context, e Event, nipText, code, name string) (Employee, error) {
	emp, err := s.Identify(ctx, e, nipText, code)
	if err == nil && !emp.NameMatches(name) {
		err = Errorf(ENOTELIGIBLE, "nama tidak cocok")
	}
	if c := ErrorCode(err); c == EWRONGCODE || c == ENOTELIGIBLE || c == EINVALID {
		m := Errorf(ENOMATCH, "NIP, kode, atau nama tidak cocok. Periksa kembali lalu coba lagi.")
		m.Err = err
		return Employee{}, m
	}
	return emp, err
}
