package registry

import (
	"context"
	"time"
)

// The reads below are what the web layer shows. A read of scoped data
// takes the user it reads for and applies their scope or checks that they
// may see what they ask for, so no handler passes an organization path by
// hand; a read of what anyone may see is named Public.

// Organizations lists the organizations u may see.
func (s *Service) Organizations(ctx context.Context, u User) ([]Organization, error) {
	return s.Store.Organizations(ctx, u.Scope())
}

// Events lists the events of the organizations u may see.
func (s *Service) Events(ctx context.Context, u User) ([]Event, error) {
	return s.Store.Events(ctx, u.Scope())
}

// OwnOrganization is the organization u belongs to.
func (s *Service) OwnOrganization(ctx context.Context, u User) (Organization, error) {
	return s.Store.Organization(ctx, u.OrgID)
}

// seesOrganization checks that u may see org.
func seesOrganization(u User, org Organization) error {
	if !u.Can(ActView, org.Path) {
		return Errorf(ENOTFOUND, "Organisasi tidak ditemukan.")
	}
	return nil
}

// Employees lists the roster of org's subtree that f selects.
func (s *Service) Employees(ctx context.Context, u User, org Organization, f EmployeeFilter) ([]Employee, int, error) {
	if err := seesOrganization(u, org); err != nil {
		return nil, 0, err
	}
	f.Scope = org.Path
	return s.Store.Employees(ctx, f)
}

// PrivacySettings are org's privacy settings, as its officers see them.
func (s *Service) PrivacySettings(ctx context.Context, u User, org Organization) (PrivacySettings, error) {
	if err := seesOrganization(u, org); err != nil {
		return PrivacySettings{}, err
	}
	return s.Store.PrivacySettings(ctx, org.ID)
}

// OrgLogo is the logo org's documents print (its own or its nearest
// ancestor's, whose ID is owner).
func (s *Service) OrgLogo(ctx context.Context, u User, org Organization) (logo []byte, owner int64, err error) {
	if err := seesOrganization(u, org); err != nil {
		return nil, 0, err
	}
	return s.Store.OrgLogo(ctx, org.Path)
}

// Participants are the participants of e inside u's scope.
func (s *Service) Participants(ctx context.Context, u User, e Event) ([]Participant, error) {
	return s.Store.Participants(ctx, e, u.Scope())
}

// EventStatsFor are the figures of e's participants inside u's scope.
func (s *Service) EventStatsFor(ctx context.Context, u User, e Event) (EventStats, error) {
	return s.Store.ScopedEventStats(ctx, e, u.Scope())
}

// EachSignature calls fn with each record q selects inside u's scope.
func (s *Service) EachSignature(ctx context.Context, u User, q SignatureQuery, fn func(Signature) error) error {
	q.Scope = u.Scope()
	return s.Store.EachSignature(ctx, q, fn)
}

// seesEvent checks that u may see e, whose organization is org (as
// VisibleEvent returned them).
func seesEvent(u User, e Event, org Organization) error {
	if org.ID != e.OrgID || (!u.Can(ActView, org.Path) && !u.JoinsEventsOf(org.Path)) {
		return Errorf(ENOTFOUND, "Acara tidak ditemukan.")
	}
	return nil
}

// Witnesses are the witnesses of e.
func (s *Service) Witnesses(ctx context.Context, u User, e Event, org Organization) ([]Witness, error) {
	if err := seesEvent(u, e, org); err != nil {
		return nil, err
	}
	return s.Store.Witnesses(ctx, e.ID)
}

// EventDocuments are e's kept documents, newest first.
func (s *Service) EventDocuments(ctx context.Context, u User, e Event, org Organization) ([]EventDocument, error) {
	if err := seesEvent(u, e, org); err != nil {
		return nil, err
	}
	return s.Store.EventDocuments(ctx, e.ID)
}

// EventDocumentPDF is one of e's kept documents with its bytes.
func (s *Service) EventDocumentPDF(ctx context.Context, u User, e Event, org Organization, id int64) (EventDocument, []byte, error) {
	if err := seesEvent(u, e, org); err != nil {
		return EventDocument{}, nil, err
	}
	return s.Store.EventDocumentPDF(ctx, e.ID, id)
}

// EventRetention is e's retention date (zero: none).
func (s *Service) EventRetention(ctx context.Context, u User, e Event, org Organization) (time.Time, error) {
	if err := seesEvent(u, e, org); err != nil {
		return time.Time{}, err
	}
	return s.Store.EventRetention(ctx, e.ID)
}

// ParticipantList is e's whole participant list.
func (s *Service) ParticipantList(ctx context.Context, u User, e Event, org Organization) (ParticipantList, error) {
	if err := seesEvent(u, e, org); err != nil {
		return ParticipantList{}, err
	}
	return s.Store.ParticipantList(ctx, e.ID)
}

// EventStats are the figures of all of e's participants.
func (s *Service) EventStats(ctx context.Context, u User, e Event, org Organization) (EventStats, error) {
	if err := seesEvent(u, e, org); err != nil {
		return EventStats{}, err
	}
	return s.Store.EventStats(ctx, e)
}

// seesLinks checks that u may see e's personal links.
func seesLinks(u User, e Event, org Organization) error {
	if err := seesEvent(u, e, org); err != nil {
		return err
	}
	if !ViewsLinks(u, org) {
		return Errorf(EFORBIDDEN, "Peran Anda tidak mengizinkan melihat atau mengunduh tautan pribadi peserta.")
	}
	return nil
}

// LinkGeneration is how often employee's personal link to e was reissued.
func (s *Service) LinkGeneration(ctx context.Context, u User, e Event, org Organization, employeeID int64) (int, error) {
	if err := seesLinks(u, e, org); err != nil {
		return 0, err
	}
	return s.Store.LinkGeneration(ctx, e.ID, employeeID)
}

// LinkGenerations are the reissued generations of e's personal links, by
// employee.
func (s *Service) LinkGenerations(ctx context.Context, u User, e Event, org Organization) (map[int64]int, error) {
	if err := seesLinks(u, e, org); err != nil {
		return nil, err
	}
	return s.Store.LinkGenerations(ctx, e.ID)
}

// StandingRecord is the record the signer of sig holds in its event now:
// another one if they signed again after a revocation.
func (s *Service) StandingRecord(ctx context.Context, u User, sig Signature) (Signature, error) {
	if _, _, err := s.AuthorizeRecord(ctx, u, ActView, sig); err != nil {
		return Signature{}, err
	}
	return s.Store.SignatureFor(ctx, sig.EventID, sig.EmployeeID)
}

// AuditActions are the actions the audit trail holds, to filter by.
func (s *Service) AuditActions(ctx context.Context) ([]string, error) {
	return s.Store.AuditActions(ctx)
}

// onlySuperadmin lets only a superadmin through.
func onlySuperadmin(u User) error {
	if u.Role != RoleSuperadmin {
		return Errorf(EFORBIDDEN, "Peran Anda tidak mengizinkan tindakan ini.")
	}
	return nil
}

// ExpiredRetentions are the events past their retention date whose
// records are not erased yet.
func (s *Service) ExpiredRetentions(ctx context.Context, u User) ([]int64, error) {
	if err := onlySuperadmin(u); err != nil {
		return nil, err
	}
	return s.Store.ExpiredRetentions(ctx, s.Now())
}

// PersonalDataReport counts the personal data the registry holds.
func (s *Service) PersonalDataReport(ctx context.Context, u User) ([]PersonalDataCount, error) {
	if err := onlySuperadmin(u); err != nil {
		return nil, err
	}
	return s.Store.PersonalDataReport(ctx)
}

// PublicEvent is an event as its public pages show it: anyone with its
// link sees its title, place, time and organization.
func (s *Service) PublicEvent(ctx context.Context, id int64) (Event, error) {
	return s.Store.Event(ctx, id)
}

// PublicEventBySlug is the event of a public link.
func (s *Service) PublicEventBySlug(ctx context.Context, slug string) (Event, error) {
	return s.Store.EventBySlug(ctx, slug)
}

// PublicOrganization is an organization as public pages and certificates
// name it.
func (s *Service) PublicOrganization(ctx context.Context, id int64) (Organization, error) {
	return s.Store.Organization(ctx, id)
}

// PublicPledge is a pledge version: every signer reads the one they sign.
func (s *Service) PublicPledge(ctx context.Context, id int64) (PledgeVersion, error) {
	return s.Store.Pledge(ctx, id)
}

// PublicPledgesByHash are the pledge versions whose canonical text hashes
// to hash.
func (s *Service) PublicPledgesByHash(ctx context.Context, hash string) ([]PledgeVersion, error) {
	return s.Store.PledgesByHash(ctx, hash)
}

// PublicPrivacySettings are the privacy notice of an organization's
// events: its contact for data requests.
func (s *Service) PublicPrivacySettings(ctx context.Context, orgID int64) (PrivacySettings, error) {
	return s.Store.PrivacySettings(ctx, orgID)
}

// PublicEventRetention is the retention date an event's privacy notice
// states (zero: none).
func (s *Service) PublicEventRetention(ctx context.Context, eventID int64) (time.Time, error) {
	return s.Store.EventRetention(ctx, eventID)
}

// PublicEventDocuments are an event's kept documents: fingerprints and
// log leaves, no personal data.
func (s *Service) PublicEventDocuments(ctx context.Context, eventID int64) ([]EventDocument, error) {
	return s.Store.EventDocuments(ctx, eventID)
}

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
