package registry

import (
	"context"
	"fmt"
)

// ExportStore serves exports, personal links and reports.
type ExportStore interface {
	// SetEventParticipants makes employeeIDs the uploaded participant list
	// of an event, replacing any earlier list.
	SetEventParticipants(ctx context.Context, eventID int64, employeeIDs []int64) error
	// ClearEventParticipants drops an event's uploaded list: the subtree
	// and categories alone decide again.
	ClearEventParticipants(ctx context.Context, eventID int64) error
	ParticipantList(ctx context.Context, eventID int64) (ParticipantList, error)
	// Listed reports whether an employee passes an event's participant
	// list: always when the event has none.
	Listed(ctx context.Context, eventID, employeeID int64) (bool, error)
	// EmployeeIDsByNIP maps those of nips registered inside scope to their
	// employees.
	EmployeeIDsByNIP(ctx context.Context, scope string, nips []string) (map[string]int64, error)
	// LinkGenerations returns every personal link generation of an event
	// that is above 0, by employee.
	LinkGenerations(ctx context.Context, eventID int64) (map[int64]int, error)
	// NextLinkGeneration raises an employee's link generation for an event
	// by one and returns it.
	NextLinkGeneration(ctx context.Context, eventID, employeeID int64) (int, error)
	// EachSignature calls fn for every signature q selects, ordered by unit,
	// name and ID, reading in batches so that no transaction stays open
	// while fn writes to a slow client.
	EachSignature(ctx context.Context, q SignatureQuery, fn func(Signature) error) error
	// StorePDFs stores, in one transaction, certificates as StorePDF does.
	StorePDFs(ctx context.Context, pdfs []IssuedPDF) error
}

// SignatureQuery selects the signatures of one event.
type SignatureQuery struct {
	EventID int64
	Scope   string // only signers whose employee record lies in this subtree
	Unit    string // only signatures made in this unit, as signed; "" for all
}

// ExportKind names an export; the audit trail records it as "export.KIND".
type ExportKind string

// ExportKinds lists every export.
var ExportKinds = []ExportKind{ExportRecap, ExportSignatures, ExportBeritaAcara, ExportCertificates, ExportFollowUp, ExportLinks}

// Export checks that the actor may take an export of an event and records
// it in the audit trail with detail (format and filters). It returns the
// event and its organization; the caller shows only what lies inside the
// actor's scope.
func (s *Service) Export(ctx context.Context, a Actor, eventID int64, kind ExportKind, detail string) (Event, Organization, error) {
	e, org, err := s.VisibleEvent(ctx, a.User, eventID)
	if err != nil {
		return Event{}, Organization{}, err
	}
	if kind == ExportLinks && !ViewsLinks(a.User, org) {
		return Event{}, Organization{}, Errorf(EFORBIDDEN, "Peran Anda tidak mengizinkan mengunduh tautan pribadi peserta.")
	}
	err = s.audit(ctx, a.User, a.IP, "export."+string(kind), auditOrg(a.User, org), fmt.Sprintf("event:%d", e.ID), Plain(detail))
	return e, org, err
}

// EachSignature calls fn with each record q selects inside u's scope.
func (s *Service) EachSignature(ctx context.Context, u User, q SignatureQuery, fn func(Signature) error) error {
	q.Scope = u.Scope()
	return s.Store.EachSignature(ctx, q, fn)
}

const (
	ExportRecap        ExportKind = "recap"
	ExportSignatures   ExportKind = "signatures"
	ExportBeritaAcara  ExportKind = "berita_acara"
	ExportCertificates ExportKind = "certificates"
	ExportFollowUp     ExportKind = "followup"
	// ExportLinks hands out personal links, with which anyone may sign as
	// their owner: it needs the right to manage the participants.
	ExportLinks ExportKind = "links"
)
