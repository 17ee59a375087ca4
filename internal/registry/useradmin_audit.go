package registry

import (
	"context"
	"fmt"
)

// AuditActions are the actions the registry writes to the audit trail, in
// the order the product does them. The audit trail labels each; a test
// reads every audit call of this package and fails on an action missing
// here.
var AuditActions = []string{
	"organization.create", "organization.logo", "roster.import", "pledge.create", "event.create", "event.open", "event.closed",
	"event.witness_add", "event.witness_edit", "event.witness_remove", "event.berita_acara_signed",
	"participants.upload", "participants.clear", "certificate.paper", "certificate.revoke", "certificate.erase", "employee.erase",
	"links.view", "link.reissue", "export.recap", "export.signatures", "export.berita_acara", "export.certificates",
	"export.followup", "export.links", "user.create", "user.role", "user.reset_password", "user.password",
	"user.deactivate", "user.activate", "token.create", "token.revoke", "user.login", "user.login_failed",
	"privacy.settings", "event.retention", "retention.erase",
}

// MaxAuditPage is the most audit entries one read returns.
const MaxAuditPage = 200

// AuditTrail reads the audit trail of the actor's subtree, or of the
// subtree of orgID when it is not 0. The trail is read by those who manage
// accounts: superadmins and admins. f.Scope is set here.
func (s *Service) AuditTrail(ctx context.Context, actor User, orgID int64, f AuditFilter) ([]AuditEntry, int, error) {
	f.Scope = actor.Scope()
	if orgID != 0 {
		org, err := s.authorize(ctx, actor, ActManageUsers, orgID)
		if err != nil {
			return nil, 0, err
		}
		f.Scope = org.Path
	} else if !actor.ManagesUsers() {
		return nil, 0, Errorf(EFORBIDDEN, "Peran Anda tidak mengizinkan membaca jejak audit.")
	}
	if f.Limit <= 0 || f.Limit > MaxAuditPage {
		f.Limit = MaxAuditPage
	}
	f.Offset = max(f.Offset, 0)
	if !f.From.IsZero() && !f.Until.IsZero() && !f.Until.After(f.From) {
		return nil, 0, Errorf(EINVALID, "Tanggal akhir harus sama dengan atau setelah tanggal awal.")
	}
	entries, total, err := s.Store.AuditLog(ctx, f)
	if err != nil {
		return nil, 0, fmt.Errorf("read audit trail of %s: %w", f.Scope, err)
	}
	return entries, total, nil
}
