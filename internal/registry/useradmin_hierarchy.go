package registry

import (
	"context"
	"strings"
)

// JoinsEventsOf reports whether u's scope lies inside the subtree of the
// organization with path orgPath: the officer of a regency joins the events
// its province runs. They see such an event, and their own participants in
// it, but only the event organization's admins (or those above) manage it.
func (u User) JoinsEventsOf(orgPath string) bool {
	return u.Active && u.Role != RoleSuperadmin && u.OrgPath != "" && orgPath != "" && strings.HasPrefix(u.OrgPath, orgPath)
}

// AuthorizeRecord checks that u may do act on the record sig: as an officer
// of the event's organization (or above), or, in an event their
// organization joins, as an officer of the signer's organization. It
// returns the record's event and the organization the record belongs to —
// the signer's, when it lies inside the event's subtree, else the event's —
// which is where its admin actions are audited, so the signer's officers
// and the event's both see them. A record the user may not see is
// ENOTFOUND, told apart from a missing one by nothing.
func (s *Service) AuthorizeRecord(ctx context.Context, u User, act Action, sig Signature) (Event, Organization, error) {
	notFound := Errorf(ENOTFOUND, "Sertifikat dengan kode tersebut tidak ditemukan.")
	e, eventOrg, err := s.VisibleEvent(ctx, u, sig.EventID)
	if IsCode(err, ENOTFOUND) {
		return Event{}, Organization{}, notFound
	}
	if err != nil {
		return Event{}, Organization{}, err
	}
	org := eventOrg
	emp, err := s.Store.Employee(ctx, sig.EmployeeID)
	switch {
	case err == nil:
		signerOrg, err := s.Store.Organization(ctx, emp.OrgID)
		if err != nil {
			return Event{}, Organization{}, err
		}
		if eventOrg.Contains(signerOrg) {
			org = signerOrg
		}
	case !IsCode(err, ENOTFOUND):
		return Event{}, Organization{}, err
	}
	switch {
	case u.Can(act, eventOrg.Path) || u.Can(act, org.Path):
		return e, org, nil
	case u.Can(ActView, eventOrg.Path) || u.Can(ActView, org.Path):
		return Event{}, Organization{}, Errorf(EFORBIDDEN, "Peran Anda tidak mengizinkan tindakan ini.")
	}
	return Event{}, Organization{}, notFound
}
