package registry

// UserAdminStore manages admin accounts and reads the audit trail.
type UserAdminStore interface{}
