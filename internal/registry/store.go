package registry

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
