package registry

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Revocation withdraws a signature. It is appended, never a delete.
type Revocation struct {
	ID          int64
	SignatureID int64
	Reason      string
	UserID      int64
	UserName    string
	RevokedAt   time.Time
	LeafIndex   int64
	LeafVersion int // 1 for revocations logged before version 2
}

// recordFor loads the record behind a certificate code for an admin who
// may revoke or erase it.
func (s *Service) recordFor(ctx context.Context, a Actor, code string) (Signature, Organization, error) {
	sig, err := s.Certificate(ctx, code)
	if err != nil {
		return Signature{}, Organization{}, err
	}
	_, org, err := s.AuthorizeRecord(ctx, a.User, ActRevoke, sig)
	return sig, org, err
}

// AuthorizeRecord checks that u may do act on the record sig: as an officer
// of the event's organization (or above), or, in an event their
// organization joins, as an officer of the signer's organization. It
// returns the record's event and the organization the record belongs to —
// the signer's, when it lies inside the event's subtree, else the event's —
// which is where its admin actions are audited, so the signer's officers
// and the event's both see them. A record the user may not see is
// ENOTFOUND, told apart from a missing one by nothing.
func (s *Service) AuthorizeRecord(ctx context.Context, u User, act Action, sig Signature) (Event, Organization, error) {
	notFound := Errorf(ENOTFOUND, "Sertifikat dengan kode tersebut tidak ditemukan.")
	e, eventOrg, err := s.VisibleEvent(ctx, u, sig.EventID)
	if IsCode(err, ENOTFOUND) {
		return Event{}, Organization{}, notFound
	}
	if err != nil {
		return Event{}, Organization{}, err
	}
	org := eventOrg
	emp, err := s.Store.Employee(ctx, sig.EmployeeID)
	switch {
	case err == nil:
		signerOrg, err := s.Store.Organization(ctx, emp.OrgID)
		if err != nil {
			return Event{}, Organization{}, err
		}
		if eventOrg.Contains(signerOrg) {
			org = signerOrg
		}
	case !IsCode(err, ENOTFOUND):
		return Event{}, Organization{}, err
	}
	switch {
	case u.Can(act, eventOrg.Path) || u.Can(act, org.Path):
		return e, org, nil
	case u.Can(ActView, eventOrg.Path) || u.Can(ActView, org.Path):
		return Event{}, Organization{}, Errorf(EFORBIDDEN, "Peran Anda tidak mengizinkan tindakan ini.")
	}
	return Event{}, Organization{}, notFound
}

// StandingRecord is the record the signer of sig holds in its event now:
// another one if they signed again after a revocation.
func (s *Service) StandingRecord(ctx context.Context, u User, sig Signature) (Signature, error) {
	if _, _, err := s.AuthorizeRecord(ctx, u, ActView, sig); err != nil {
		return Signature{}, err
	}
	return s.Store.SignatureFor(ctx, sig.EventID, sig.EmployeeID)
}

// Revoke withdraws a certificate with a reason. The record stays; a
// revocation is appended.
func (s *Service) Revoke(ctx context.Context, a Actor, code, reason string) (Signature, error) {
	sig, org, err := s.recordFor(ctx, a, code)
	if err != nil {
		return Signature{}, err
	}
	reason = strings.Join(strings.Fields(reason), " ")
	if len(reason) < 5 {
		return Signature{}, Errorf(EINVALID, "Alasan pencabutan wajib diisi (minimal 5 karakter).")
	}
	if len(reason) > 500 {
		return Signature{}, Errorf(EINVALID, "Alasan pencabutan terlalu panjang (maksimal 500 karakter).")
	}
	if sig.Revoked() {
		return Signature{}, Errorf(ECONFLICT, "Sertifikat ini sudah dicabut.")
	}
	r := &Revocation{SignatureID: sig.ID, Reason: reason, UserID: a.User.ID, UserName: a.User.Name, RevokedAt: s.now(), LeafIndex: -1}
	err = s.audited(ctx, a.User, a.IP, "certificate.revoke", org.ID, "certificate:"+sig.Code, Plain(reason), func(ctx context.Context, _ *PendingAudit) error {
		return s.Store.InsertRevocation(ctx, r)
	})
	if err != nil {
		if IsCode(err, ECONFLICT) {
			return Signature{}, Errorf(ECONFLICT, "Sertifikat ini sudah dicabut.")
		}
		return Signature{}, fmt.Errorf("revoke %s: %w", sig.Code, err)
	}
	sig.Revocation = r
	return sig, nil
}
