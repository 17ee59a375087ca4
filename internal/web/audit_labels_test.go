package web

import (
	"testing"

	"github.com/ikrar-id/ikrar/internal/i18n"
	"github.com/ikrar-id/ikrar/internal/registry"
)

// TestAuditLabels: every action the registry writes to the audit trail
// (registry.AuditActions, checked against the code there) is shown with a
// label in Indonesian and in English, never as its raw key such as
// "export.recap" (issue 14 item 5).
func TestAuditLabels(t *testing.T) {
	for _, a := range registry.AuditActions {
		id, en := auditLabel(i18n.Indonesian, a), auditLabel(i18n.English, a)
		if id == a {
			t.Errorf("audit action %q has no label", a)
			continue
		}
		if en == id {
			t.Errorf("audit action %q: label %q has no English", a, id)
		}
	}
	if got := auditLabel(i18n.English, "something.new"); got != "something.new" {
		t.Errorf("an unknown action shows as %q, want its code", got)
	}
}
