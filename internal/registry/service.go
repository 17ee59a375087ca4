package registry

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"time"
)

// Service holds the rules of the registry on top of a Store. Admin actions
// take the acting user, check their role and scope, and write the audit
// trail; public actions (identify, sign, verify) take none.
//
// A read of scoped data takes the user it reads for and applies their scope
// or checks that they may see what they ask for, so no handler passes an
// organization path by hand; a read of what anyone may see is named Public.
// Uploads are authorized before their body is read: those checks
// (Authorize…) need only the acting user and the organization or event in
// the URL.
type Service struct {
	Store  Store
	Now    func() time.Time
	Random io.Reader
	// LinkKey authenticates personal links: a link is an HMAC over the
	// event, the employee and the link's generation, so it needs no storage
	// and a reissued link invalidates the old one.
	LinkKey []byte
	// Hasher computes every argon2id password hash, a bounded number at
	// once: sign-ins, password changes and resets, new users, the CLI.
	Hasher *Hasher
	// ClaimSigner, if set, signs a new record's QR claim when the record is
	// made (with the key of that moment); otherwise the claim is signed
	// when its certificate is first issued. Either way it is signed once.
	ClaimSigner func(Signature) (string, error)
}

// NewService returns a service with the real clock and randomness, and a
// password hasher with one slot per processor.
func NewService(store Store, linkKey []byte) *Service {
	return &Service{Store: store, Now: time.Now, Random: rand.Reader, LinkKey: linkKey, Hasher: defaultHasher()}
}

func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Millisecond) }

// RandomCode returns n characters of Crockford base32 from the service's
// randomness source.
func (s *Service) RandomCode(n int) (string, error) {
	buf := make([]byte, n)
	if _, err := io.ReadFull(s.Random, buf); err != nil {
		return "", fmt.Errorf("random code: %w", err)
	}
	for i, b := range buf {
		buf[i] = codeAlphabet[b&31]
	}
	return string(buf), nil
}

// RandomToken returns an unguessable URL-safe token of 128 bits.
func (s *Service) RandomToken() (string, error) {
	buf := make([]byte, 16)
	if _, err := io.ReadFull(s.Random, buf); err != nil {
		return "", fmt.Errorf("random token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(buf), nil
}

// authorize loads org and checks that actor may do act on it.
func (s *Service) authorize(ctx context.Context, actor User, act Action, orgID int64) (Organization, error) {
	org, err := s.Store.Organization(ctx, orgID)
	if err != nil {
		return Organization{}, err
	}
	if !actor.Can(ActView, org.Path) {
		// Outside the actor's scope the organization does not exist for them.
		return Organization{}, Errorf(ENOTFOUND, "Organisasi tidak ditemukan.")
	}
	if !actor.Can(act, org.Path) {
		return Organization{}, Errorf(EFORBIDDEN, "Peran Anda tidak mengizinkan tindakan ini.")
	}
	return org, nil
}

// audit writes an entry about something that changed nothing (a sign-in,
// an export, links shown); an action that writes goes through audited.
func (s *Service) audit(ctx context.Context, actor User, ip, action string, orgID int64, target string, detail Detail) error {
	err := s.Store.AppendAudit(ctx, s.auditEntry(actor, ip, action, orgID, target, detail))
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

func (s *Service) auditEntry(actor User, ip, action string, orgID int64, target string, detail Detail) AuditEntry {
	e := AuditEntry{At: s.now(), UserID: actor.ID, UserName: actor.Name, Action: action, OrgID: orgID, Target: target, IP: ip}
	e.SetDetail(detail)
	return e
}

// audited runs write, the store call of an action, with the action's audit
// entry in its context, so that the store commits the action and its entry
// in one transaction: neither is kept without the other. write may
// complete the entry with what the action decides on the way (a
// certificate code, a new row's ID: see PendingAudit.Finish). A store that
// wrote no entry (a write outside its transactions, a test double) gets it
// appended after write returns.
func (s *Service) audited(ctx context.Context, actor User, ip, action string, orgID int64, target string, detail Detail, write func(ctx context.Context, p *PendingAudit) error) error {
	p := &PendingAudit{Entry: s.auditEntry(actor, ip, action, orgID, target, detail)}
	if err := write(WithAudit(ctx, p), p); err != nil {
		return err
	}
	if p.Written() {
		return nil
	}
	if err := s.Store.AppendAudit(ctx, p.Final()); err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// Actor is an admin acting from a client address.
type Actor struct {
	User User
	IP   string
}

// System is the actor of command-line administration.
var System = User{ID: 0, Name: "sistem (CLI)", Role: RoleSuperadmin, Active: true, OrgPath: "/"}

// onlySuperadmin lets only a superadmin through.
func onlySuperadmin(u User) error {
	if u.Role != RoleSuperadmin {
		return Errorf(EFORBIDDEN, "Peran Anda tidak mengizinkan tindakan ini.")
	}
	return nil
}
