package registry

import (
	"context"
	"fmt"
	"time"
)

// AuditEntry is one admin action in the audit trail.
type AuditEntry struct {
	ID       int64
	At       time.Time
	UserID   int64
	UserName string
	Action   string
	OrgID    int64
	Target   string
	// Detail is the detail in Indonesian, as exports show it and as
	// entries written before formats were kept have it only.
	Detail string
	// DetailFormat and DetailArgs are Detail as its catalog format and
	// arguments, from which the trail is said in the reader's language;
	// DetailFormat is "" for a detail said as it is (Plain) and for
	// older entries.
	DetailFormat string
	DetailArgs   []any
	IP           string
}

// Detail is what an audit entry says about its action: a catalog format
// and its arguments (Detailf), or a text said as it is in every language
// (Plain), such as a reason or a title someone typed.
type Detail struct {
	format string
	args   []any
	text   string
}

// Detailf is the detail of format, a literal of the i18n catalog
// (TestErrorsThroughConstructor checks), and its arguments. An argument
// is kept as an integer or as its text, which is how it is stored.
func Detailf(format string, args ...any) Detail {
	kept := make([]any, len(args))
	for i, a := range args {
		switch a := a.(type) {
		case int:
			kept[i] = int64(a)
		case int64, string:
			kept[i] = a
		default:
			kept[i] = fmt.Sprint(a)
		}
	}
	return Detail{format: format, args: kept, text: fmt.Sprintf(format, kept...)}
}

// Plain is a detail said as it is: a text someone typed, a code, a hash.
func Plain(text string) Detail { return Detail{text: text} }

// String is the detail in Indonesian.
func (d Detail) String() string { return d.text }

// SetDetail sets e's detail, in Indonesian and as its format.
func (e *AuditEntry) SetDetail(d Detail) {
	e.Detail, e.DetailFormat, e.DetailArgs = d.text, d.format, d.args
}

// PendingAudit is the audit entry of an action on its way to the store: the
// store writes it in the action's transaction and marks it written once
// that committed.
type PendingAudit struct {
	Entry AuditEntry
	// Finish, if set, completes Entry with what the action's own writes
	// decided, such as a new row's ID; the store calls it in the
	// transaction, just before writing the entry.
	Finish func(*AuditEntry)
	// Outcome is what the action's store call decided in its
	// transaction that only the store knows before the commit (how many
	// records it rewrote, which certificates it erased): the store sets
	// it through Decided, before Finish runs.
	Outcome AuditOutcome
	written bool
}

// Final is the entry to write, completed by Finish if set; the store
// calls it in the action's transaction.
func (p *PendingAudit) Final() AuditEntry {
	if p.Finish != nil {
		p.Finish(&p.Entry)
	}
	return p.Entry
}

// AuditOutcome is what a store call tells the audit entry of its action
// about what it did.
type AuditOutcome struct {
	Count  int      // records rewritten or erased, a link's new generation
	Codes  []string // certificates erased
	Import ImportResult
}

// Decided tells the entry ctx carries, if any, what the action decided in
// the transaction that will write the entry.
func Decided(ctx context.Context, o AuditOutcome) {
	if p := AuditOf(ctx); p != nil {
		p.Outcome = o
	}
}

// WithoutAudit returns ctx for the store's writes that prepare an action
// spread over several transactions (a roster import's staged chunks): the
// entry ctx carries is written with the transaction that makes the
// action take effect, not with the first.
func WithoutAudit(ctx context.Context) context.Context {
	return context.WithValue(ctx, pendingAuditKey{}, (*PendingAudit)(nil))
}

// Written reports whether the entry was committed with its action.
func (p *PendingAudit) Written() bool { return p.written }

// MarkWritten records that the transaction holding the entry committed.
func (p *PendingAudit) MarkWritten() { p.written = true }

type pendingAuditKey struct{}

// WithAudit returns ctx carrying p, for the store's next transaction.
func WithAudit(ctx context.Context, p *PendingAudit) context.Context {
	return context.WithValue(ctx, pendingAuditKey{}, p)
}

// AuditOf is the entry ctx carries that no transaction has committed yet,
// or nil.
func AuditOf(ctx context.Context) *PendingAudit {
	p, _ := ctx.Value(pendingAuditKey{}).(*PendingAudit)
	if p == nil || p.written {
		return nil
	}
	return p
}

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

// AuditFilter selects audit entries.
type AuditFilter struct {
	// Scope is an organization subtree; "/" also selects the entries about
	// no organization (superadmin accounts, command-line actions).
	Scope  string
	Action string // empty: every action
	UserID int64  // 0: every user
	// From and Until bound the entries' time: From ≤ At < Until; a zero
	// bound is open.
	From, Until time.Time
	Limit       int
	Offset      int
}

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

// AuditActions are the actions the audit trail holds, to filter by.
func (s *Service) AuditActions(ctx context.Context) ([]string, error) {
	return s.Store.AuditActions(ctx)
}

// auditOrg is where an action on an event of eventOrg is filed: the event's
// organization, or the actor's own when they only join the event, so that
// both they and the organizations above them see it.
func auditOrg(u User, eventOrg Organization) int64 {
	if u.Can(ActView, eventOrg.Path) || u.OrgID == 0 {
		return eventOrg.ID
	}
	return u.OrgID
}
