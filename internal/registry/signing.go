package registry

import (
	"context"
	"fmt"
	"io"
	"time"
)

// SignRequest is a signer's submission, already identified.
type SignRequest struct {
	Event     Event
	Employee  Employee
	Ink       Ink
	Consent   bool
	Channel   Channel
	ClientIP  string
	UserAgent string
}

// Sign records a signature. If the employee already has a standing record
// of the event it returns that record and existing=true: a second attempt
// shows the first, it never makes a second standing record. A revoked
// record does not stand: its signer signs again, making a new record and
// certificate, and the revoked one stays revoked.
func (s *Service) Sign(ctx context.Context, r SignRequest) (sig Signature, existing bool, err error) {
	if r.Channel == ChannelPaper || r.Ink.Kind == InkPaper {
		return Signature{}, false, Errorf(EINVALID, "Tanda tangan di atas kertas dicatat oleh petugas.")
	}
	return s.sign(ctx, r, nil)
}

// sign is Sign; with, if set, completes the new record before its claim is
// signed and it is stored.
func (s *Service) sign(ctx context.Context, r SignRequest, with func(*Signature)) (sig Signature, existing bool, err error) {
	now := s.now()
	if prev, err := s.Store.SignatureFor(ctx, r.Event.ID, r.Employee.ID); err == nil && !prev.Revoked() {
		return prev, true, nil
	} else if err != nil && !IsCode(err, ENOTFOUND) {
		return Signature{}, false, err
	}
	state := r.Event.SigningState
	if r.Channel == ChannelPaper {
		state = r.Event.PaperState
	}
	if err := state(now); err != nil {
		return Signature{}, false, err
	}
	if !r.Consent {
		return Signature{}, false, Errorf(ECONSENT, "Centang pernyataan persetujuan sebelum menandatangani ikrar.")
	}
	if r.Ink.Kind == "" {
		return Signature{}, false, Errorf(EBADINK, "Tanda tangan wajib dibubuhkan (gambar atau ketik nama).")
	}
	// A typed name is a signature only if it is the signer's own: a
	// certificate must not show "Budi Santoso" typed above "Sri Wahyuni".
	if r.Ink.Kind == InkTyped && !r.Employee.NameMatches(r.Ink.Typed) {
		return Signature{}, false, Errorf(EBADINK, "Nama yang Anda ketik bukan nama Anda pada data kepegawaian (%s). Ketik nama Anda sendiri; gelar boleh ditulis atau tidak.", r.Employee.FullName())
	}
	pledge, err := s.Store.Pledge(ctx, r.Event.PledgeID)
	if err != nil {
		return Signature{}, false, fmt.Errorf("sign: pledge %d: %w", r.Event.PledgeID, err)
	}
	org, err := s.Store.Organization(ctx, r.Employee.OrgID)
	if err != nil {
		return Signature{}, false, fmt.Errorf("sign: organization: %w", err)
	}
	eventOrg := org
	if r.Event.OrgID != org.ID {
		if eventOrg, err = s.Store.Organization(ctx, r.Event.OrgID); err != nil {
			return Signature{}, false, fmt.Errorf("sign: event organization: %w", err)
		}
	}
	// The timing of each point of a drawing is behavioural biometric data
	// (UU 27/2022): it is kept only when the organizing organization
	// turned it on, and otherwise dropped before anything is stored.
	privacy, err := s.Store.PrivacySettings(ctx, r.Event.OrgID)
	if err != nil {
		return Signature{}, false, fmt.Errorf("sign: privacy settings: %w", err)
	}
	if !privacy.StrokeTiming {
		r.Ink = r.Ink.WithoutTiming()
	}
	code, err := s.RandomCode(CertificateCodeLen)
	if err != nil {
		return Signature{}, false, err
	}
	salt := make([]byte, 16)
	if _, err := io.ReadFull(s.Random, salt); err != nil {
		return Signature{}, false, fmt.Errorf("sign: identity salt: %w", err)
	}
	sig = Signature{
		EventID: r.Event.ID, EmployeeID: r.Employee.ID, Code: code,
		NIP: r.Employee.NIP, Name: r.Employee.FullName(), Position: r.Employee.Position,
		Rank: r.Employee.Rank, Unit: r.Employee.Unit, OrgName: org.Name, Category: r.Employee.Category,
		PledgeHash: pledge.Hash, Ink: r.Ink, Consent: true, SignedAt: now, Channel: r.Channel,
		ClientIP: r.ClientIP, UserAgent: truncate(r.UserAgent, 300), IdentitySalt: salt, LeafIndex: -1,
		// The leaf (version 2) commits to the event as the signer saw it.
		LeafVersion: 2, EventTitle: r.Event.Title, EventPlace: r.Event.Place, EventStarts: r.Event.StartsAt.UTC().Truncate(time.Millisecond),
		EventOrg: eventOrg.Name,
	}
	if with != nil {
		with(&sig)
	}
	if s.ClaimSigner != nil {
		if sig.ClaimToken, err = s.ClaimSigner(sig); err != nil {
			return Signature{}, false, fmt.Errorf("sign: QR claim: %w", err)
		}
	}
	err = s.Store.InsertSignature(ctx, &sig)
	if IsCode(err, ECONFLICT) {
		// A concurrent submission for the same person won the race.
		prev, perr := s.Store.SignatureFor(ctx, r.Event.ID, r.Employee.ID)
		if perr == nil && prev.Revoked() {
			perr = fmt.Errorf("no standing record of employee %d after a conflict: %w", r.Employee.ID, err)
		}
		if perr != nil {
			return Signature{}, false, fmt.Errorf("sign: load concurrent record: %w", perr)
		}
		return prev, true, nil
	}
	if err != nil {
		return Signature{}, false, fmt.Errorf("sign: %w", err)
	}
	return sig, false, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
