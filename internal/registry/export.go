package registry

import "context"

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

// ParticipantList describes an event's uploaded participant list.
type ParticipantList struct {
	Active bool // the event has a list: only listed employees may sign
	Size   int  // employees on the list, eligible or not
}

// SignatureQuery selects the signatures of one event.
type SignatureQuery struct {
	EventID int64
	Scope   string // only signers whose employee record lies in this subtree
	Unit    string // only signatures made in this unit, as signed; "" for all
}
