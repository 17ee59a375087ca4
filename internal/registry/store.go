package registry

import (
	"context"
	"time"
)

// Store is everything the service needs from storage. Implementations return
// domain errors: ENOTFOUND for a missing row, ECONFLICT for a uniqueness
// violation. Paths are organization materialized paths; a method that takes a
// scope returns only rows inside it.
type Store interface {
	OrganizationStore
	EmployeeStore
	PledgeStore
	EventStore
	SignatureStore
	UserStore
	UserAdminStore
	OpsStore
	ExportStore
	BeritaStore
	PrivacyStore
	SignerDataStore
	RetentionStore
}

// OrganizationStore keeps the organization tree.
type OrganizationStore interface {
	CreateOrganization(ctx context.Context, o *Organization) error
	Organization(ctx context.Context, id int64) (Organization, error)
	Organizations(ctx context.Context, scope string) ([]Organization, error)
	// SetOrgLogo stores an organization's letterhead logo, replacing
	// any; nil removes it.
	SetOrgLogo(ctx context.Context, orgID int64, png []byte, at time.Time) error
	// OrgLogo is the logo of the organization with the given path or,
	// without one, of its nearest ancestor that has one; nil if none.
	OrgLogo(ctx context.Context, path string) (logo []byte, ownerID int64, err error)
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
// place in EmployeeImport.Employees.
type ImportRefusal struct {
	Index  int
	NIP    string
	Reason string
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

// PledgeStore keeps pledge versions.
type PledgeStore interface {
	CreatePledge(ctx context.Context, p *PledgeVersion) error
	Pledge(ctx context.Context, id int64) (PledgeVersion, error)
	// PledgesByHash returns the stored versions whose hash column is hash,
	// read afresh (never from a cache): what GET /api/v1/pledges/{hash}
	// serves and the verdict's pledge check reads. Several organizations
	// may hold the same text.
	PledgesByHash(ctx context.Context, hash string) ([]PledgeVersion, error)
	// Pledges lists the versions the users of scope may see: the system's
	// and those owned on scope's path (above or inside it).
	Pledges(ctx context.Context, scope string) ([]PledgeVersion, error)
}

// EventStore keeps declaration events.
type EventStore interface {
	CreateEvent(ctx context.Context, e *Event) error
	Event(ctx context.Context, id int64) (Event, error)
	EventBySlug(ctx context.Context, slug string) (Event, error)
	Events(ctx context.Context, scope string) ([]Event, error)
	SetEventStatus(ctx context.Context, id int64, status EventStatus, at time.Time) error
	// DueEvents lists events whose schedule calls for a change at now: a
	// draft whose signing window has opened, an open event whose window has
	// closed — each only if no one has opened or closed it by hand before.
	DueEvents(ctx context.Context, now time.Time) ([]Event, error)
	// LinkGeneration is the current generation of an employee's personal
	// link for an event (0 until reissued).
	LinkGeneration(ctx context.Context, eventID, employeeID int64) (int, error)
}

// Participant is an eligible employee of an event and, if they signed, their
// record.
type Participant struct {
	Employee  Employee
	Signature *Signature
}

// EventStats counts an event's participants.
type EventStats struct {
	Eligible int
	Signed   int
	Revoked  int
	// Paper counts the standing records signed on paper, among Signed.
	Paper int
}

// SignatureStore keeps ikrar records and revocations.
type SignatureStore interface {
	// InsertSignature stores a new record and sets its ID, Serial and
	// LeafIndex. It returns ECONFLICT if the employee has a standing (not
	// revoked) record of the event; it returns only once the record is
	// durable.
	InsertSignature(ctx context.Context, s *Signature) error
	SignatureByCode(ctx context.Context, code string) (Signature, error)
	// SignatureLookup is SignatureByCode without the signature ink: Ink
	// holds only its Kind.
	SignatureLookup(ctx context.Context, code string) (Signature, error)
	// SignatureFor returns an employee's standing record of an event or,
	// when none stands, their latest revoked one; ENOTFOUND if they have
	// neither.
	SignatureFor(ctx context.Context, eventID, employeeID int64) (Signature, error)
	// Participants lists the eligible employees of an event with their
	// records, in the event organization's subtree.
	Participants(ctx context.Context, e Event, scope string) ([]Participant, error)
	EventStats(ctx context.Context, e Event) (EventStats, error)
	InsertRevocation(ctx context.Context, r *Revocation) error
	// StorePDF keeps a record's certificate as issued, for good, and makes
	// its SHA-256 the record's fingerprint (a different fingerprint recorded
	// before moves to LegacyPDFHash). It reports false, changing nothing,
	// if the record has a certificate stored already or was erased.
	StorePDF(ctx context.Context, p IssuedPDF) (bool, error)
	// IssuedPDF returns a record's stored certificate; ENOTFOUND if none.
	IssuedPDF(ctx context.Context, signatureID int64) ([]byte, error)
	// UnstoredPDFs returns, by ID after afterID, at most limit records that
	// have a fingerprint from before certificates were stored, no stored
	// certificate and no recorded mismatch: those the upgrade still has
	// to store.
	UnstoredPDFs(ctx context.Context, afterID int64, limit int) ([]Signature, error)
	// MarkPDFUnmatched records that a record's fingerprint is not
	// reproduced by rendering it today: it becomes LegacyPDFHash.
	MarkPDFUnmatched(ctx context.Context, signatureID int64) error
	// EraseSignature removes the personal data of a record (NIP, name,
	// position, rank, unit, drawn signature, salt, client address and agent,
	// the stored certificate and its fingerprints) and its link to the roster, and marks it erased.
	EraseSignature(ctx context.Context, signatureID int64, at time.Time) error
	// EraseEmployee erases every record of an employee as EraseSignature
	// does and deletes the employee from the roster; it returns the codes
	// of the records.
	EraseEmployee(ctx context.Context, employeeID int64, at time.Time) ([]string, error)
	// PaperScan returns the stored scan of a paper signature; ENOTFOUND if
	// none (another channel, or erased).
	PaperScan(ctx context.Context, signatureID int64) (PaperScan, error)
}

// UserStore keeps admin accounts, their sessions and API tokens, and the
// audit trail.
type UserStore interface {
	CreateUser(ctx context.Context, u *User) error
	User(ctx context.Context, id int64) (User, error)
	UserByEmail(ctx context.Context, email string) (User, error)
	CreateSession(ctx context.Context, tokenHash string, userID int64, expires time.Time) error
	UserBySession(ctx context.Context, tokenHash string, now time.Time) (User, error)
	DeleteSession(ctx context.Context, tokenHash string) error
	// CreateToken stores an API token by its hash and sets t.ID.
	CreateToken(ctx context.Context, tokenHash string, t *APIToken) error
	// TokenByHash returns an API token, expired or not, and its user if
	// the user is active (ENOTFOUND otherwise).
	TokenByHash(ctx context.Context, tokenHash string) (User, APIToken, error)
	// TouchToken records that a token was used at at.
	TouchToken(ctx context.Context, id int64, at time.Time) error
	// Tokens lists a user's API tokens, newest first.
	Tokens(ctx context.Context, userID int64) ([]APIToken, error)
	// DeleteToken revokes one of a user's API tokens (ENOTFOUND if the
	// user has no such token).
	DeleteToken(ctx context.Context, userID, id int64) error
	AppendAudit(ctx context.Context, a AuditEntry) error
	Audit(ctx context.Context, scope string, limit int) ([]AuditEntry, error)
}
