package registry

import "context"

// SignerRecord is the record emp holds in e: what an identified signer is
// shown (ENOTFOUND if they have not signed).
func (s *Service) SignerRecord(ctx context.Context, e Event, emp Employee) (Signature, error) {
	return s.Store.SignatureFor(ctx, e.ID, emp.ID)
}

// SignerEmployee is the roster entry of sig's signer, with their
// organization, for the signer holding sig's private link.
func (s *Service) SignerEmployee(ctx context.Context, sig Signature) (Employee, Organization, error) {
	emp, err := s.Store.Employee(ctx, sig.EmployeeID)
	if err != nil {
		return Employee{}, Organization{}, err
	}
	org, err := s.Store.Organization(ctx, emp.OrgID)
	return emp, org, err
}

// SignerRecords are the records of sig's signer, for the signer holding
// sig's private link: all of their records, or sig alone (with its ink)
// when it has no roster entry.
func (s *Service) SignerRecords(ctx context.Context, sig Signature) ([]Signature, error) {
	var sigs []Signature
	if sig.EmployeeID != 0 {
		var err error
		if sigs, err = s.Store.EmployeeSignatures(ctx, sig.EmployeeID); err != nil {
			return nil, err
		}
	}
	if len(sigs) == 0 {
		full, err := s.Store.SignatureByCode(ctx, sig.Code)
		if err != nil {
			return nil, err
		}
		sigs = []Signature{full}
	}
	return sigs, nil
}
