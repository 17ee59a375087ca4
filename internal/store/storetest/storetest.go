// Package storetest is one behavioural suite for every implementation of
// ikrar's store: the SQLite store and the PostgreSQL store run the same
// tests (issue 16), each through the registry's store interfaces only, so
// that a user cannot tell which store the registry runs on.
//
// Store lists the interfaces the suite drives. It grows toward
// registry.Store as the PostgreSQL store does; a store that implements
// only part of it cannot be handed to Run.
package storetest

import (
	"context"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// Store is what the suite drives.
type Store interface {
	registry.OrganizationStore
	registry.EmployeeStore
	registry.PledgeStore
	registry.EventStore
	registry.UserStore
	// UpsertEmployees imports into an organization with the whole
	// registry as scope, all or nothing (the load tool's and tests' way in).
	UpsertEmployees(ctx context.Context, orgID int64, emps []registry.Employee) (registry.ImportResult, error)
	Users(ctx context.Context, scope string) ([]registry.User, error)
	SetUserAccess(ctx context.Context, id int64, role registry.Role, orgID int64) error
	SetUserActive(ctx context.Context, id int64, active bool) error
	SetPassword(ctx context.Context, id int64, hash string) error
	AuditLog(ctx context.Context, f registry.AuditFilter) ([]registry.AuditEntry, int, error)
	AuditActions(ctx context.Context) ([]string, error)

	// Records and the transparency log.
	InsertSignature(ctx context.Context, s *registry.Signature) error
	SignatureByCode(ctx context.Context, code string) (registry.Signature, error)
	SignatureLookup(ctx context.Context, code string) (registry.Signature, error)
	SignatureFor(ctx context.Context, eventID, employeeID int64) (registry.Signature, error)
	InsertRevocation(ctx context.Context, r *registry.Revocation) error
	StorePDF(ctx context.Context, p registry.IssuedPDF) (bool, error)
	IssuedPDF(ctx context.Context, signatureID int64) ([]byte, error)
	LogSize(ctx context.Context) (int64, error)
	HashReader(ctx context.Context) tlog.HashReader
	// LeafEntries rebuilds the entries of leaves [from, to) from the rows
	// that claim them.
	LeafEntries(ctx context.Context, from, to int64) ([]translog.Entry, error)
	SaveCheckpoint(ctx context.Context, c translog.SignedCheckpoint, at time.Time) error
	LatestCheckpoint(ctx context.Context) (translog.SignedCheckpoint, error)
	CheckpointAt(ctx context.Context, size int64) (translog.SignedCheckpoint, error)
	Checkpoints(ctx context.Context) ([]translog.SignedCheckpoint, error)

	// Participants and counts.
	Participants(ctx context.Context, e registry.Event, scope string) ([]registry.Participant, error)
	EventStats(ctx context.Context, e registry.Event) (registry.EventStats, error)
	ScopedEventStats(ctx context.Context, e registry.Event, scope string) (registry.EventStats, error)
	registry.ExportStore
	registry.BeritaStore

	// Personal data.
	EraseSignature(ctx context.Context, signatureID int64, at time.Time) error
	EraseEmployee(ctx context.Context, employeeID int64, at time.Time) ([]string, error)
	PaperScan(ctx context.Context, signatureID int64) (registry.PaperScan, error)
	registry.PrivacyStore
	registry.SignerDataStore
	registry.RetentionStore
	registry.OpsStore
	// RevokedCodes lists the certificates revoked below size, failing
	// unless the rows claim each leaf from from to size once.
	RevokedCodes(ctx context.Context, from, size int64) ([]string, error)
	// Appended is signalled after the log grows: the checkpointer's cue.
	Appended() <-chan struct{}
	// What this registry keeps as a witness of other logs.
	translog.WitnessStore
}

// Opener gives a test a new, empty store of its own, closed when the test
// ends.
type Opener func(t *testing.T) Store

// Run runs the whole suite, each test on a store of its own.
func Run(t *testing.T, open Opener) {
	for _, c := range []struct {
		name string
		test func(*testing.T, Store)
	}{
		{"OrganizationTree", testOrganizationTree},
		{"OrgLogo", testOrgLogo},
		{"Pledges", testPledges},
		{"Events", testEvents},
		{"EventSchedule", testEventSchedule},
		{"ImportEmployees", testImportEmployees},
		{"ImportRefusesOutsideScope", testImportRefusesOutsideScope},
		{"EmployeeByNIPAcrossGovernments", testEmployeeByNIPAcrossGovernments},
		{"EmployeesFilter", testEmployeesFilter},
		{"UsersAndSessions", testUsersAndSessions},
		{"Tokens", testTokens},
		{"LastSuperadmin", testLastSuperadmin},
		{"AuditWithAction", testAuditWithAction},
		{"AuditLogFilter", testAuditLogFilter},
		{"AuditDetailFormat", testAuditDetailFormat},
		{"SignatureRoundTrip", testSignatureRoundTrip},
		{"ConcurrentSignings", testConcurrentSignings},
		{"CodeTakenFailsAlone", testCodeTakenFailsAlone},
		{"NoSigningIntoClosedEvent", testNoSigningIntoClosedEvent},
		{"ResignAfterRevocation", testResignAfterRevocation},
		{"StorePDFOnce", testStorePDFOnce},
		{"Checkpoints", testCheckpoints},
		{"ParticipantsAndStats", testParticipantsAndStats},
		{"ParticipantList", testParticipantList},
		{"EmployeeIDsByNIP", testEmployeeIDsByNIP},
		{"LinkGenerations", testLinkGenerations},
		{"EachSignature", testEachSignature},
		{"StorePDFs", testStorePDFs},
		{"Witnesses", testWitnesses},
		{"EventDocuments", testEventDocuments},
		{"EraseSignature", testEraseSignature},
		{"EraseEmployee", testEraseEmployee},
		{"Retention", testRetention},
		{"PrivacySettings", testPrivacySettings},
		{"Progress", testProgress},
		{"RevokedCodes", testRevokedCodes},
		{"PaperRecordAudited", testPaperRecordAudited},
		{"WitnessedLogs", testWitnessedLogs},
	} {
		t.Run(c.name, func(t *testing.T) { c.test(t, open(t)) })
	}
}
