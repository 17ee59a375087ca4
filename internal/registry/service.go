package registry

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Service holds the rules of the registry on top of a Store. Admin actions
// take the acting user, check their role and scope, and write the audit
// trail; public actions (identify, sign, verify) take none.
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
// an export) or whose outcome is known only once it committed; an action
// that writes goes through audited.
func (s *Service) audit(ctx context.Context, actor User, ip, action string, orgID int64, target, detail string) error {
	err := s.Store.AppendAudit(ctx, s.auditEntry(actor, ip, action, orgID, target, detail))
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

func (s *Service) auditEntry(actor User, ip, action string, orgID int64, target, detail string) AuditEntry {
	return AuditEntry{At: s.now(), UserID: actor.ID, UserName: actor.Name, Action: action,
		OrgID: orgID, Target: target, Detail: detail, IP: ip}
}

// audited runs write, the store call of an action, with the action's audit
// entry in its context, so that the store commits the action and its entry
// in one transaction: neither is kept without the other. write may
// complete the entry with what the action decides on the way (a
// certificate code, a new row's ID: see PendingAudit.Finish). A store that
// wrote no entry (a write outside its transactions, a test double) gets it
// appended after write returns.
func (s *Service) audited(ctx context.Context, actor User, ip, action string, orgID int64, target, detail string, write func(ctx context.Context, p *PendingAudit) error) error {
	p := &PendingAudit{Entry: s.auditEntry(actor, ip, action, orgID, target, detail)}
	if err := write(WithAudit(ctx, p), p); err != nil {
		return err
	}
	if p.Written() {
		return nil
	}
	if p.Finish != nil {
		p.Finish(&p.Entry)
	}
	if err := s.Store.AppendAudit(ctx, p.Entry); err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// Actor is an admin acting from a client address.
type Actor struct {
	User User
	IP   string
}

// CreateOrganization adds an organization under parent (0: a root, which
// only a superadmin may create).
func (s *Service) CreateOrganization(ctx context.Context, a Actor, o *Organization) error {
	if err := o.Validate(); err != nil {
		return err
	}
	if o.ParentID == 0 {
		if a.User.Role != RoleSuperadmin || !a.User.Active {
			return Errorf(EFORBIDDEN, "Hanya superadmin yang dapat membuat organisasi tingkat teratas.")
		}
	} else if _, err := s.authorize(ctx, a.User, ActManageOrgs, o.ParentID); err != nil {
		return err
	}
	o.CreatedAt = s.now()
	err := s.audited(ctx, a.User, a.IP, "organization.create", 0, o.Name, o.Kind.Label(), func(ctx context.Context, audit *PendingAudit) error {
		audit.Finish = func(e *AuditEntry) { e.OrgID = o.ID }
		return s.Store.CreateOrganization(ctx, o)
	})
	if err != nil {
		return fmt.Errorf("create organization: %w", err)
	}
	return nil
}

// Label is the organization kind in Indonesian.
func (k OrgKind) Label() string {
	switch k {
	case OrgProvince:
		return "Provinsi"
	case OrgRegency:
		return "Kabupaten"
	case OrgCity:
		return "Kota"
	case OrgAgency:
		return "Perangkat Daerah (OPD)"
	}
	return "Unit kerja"
}

// VisibleOrganization returns an organization the actor may see.
func (s *Service) VisibleOrganization(ctx context.Context, u User, id int64) (Organization, error) {
	return s.authorize(ctx, u, ActView, id)
}

// ImportEmployees writes a parsed roster into org, all or nothing: new
// NIPs of org's government are added, known ones updated or moved into
// org — but only employees inside the actor's own subtree; a row that would
// take one from elsewhere in the government is refused (see
// EmployeeImport). With refused rows nothing is written unless partial is
// set. Non-ASN rows without an NIP must already carry a registry ID.
func (s *Service) ImportEmployees(ctx context.Context, a Actor, orgID int64, emps []Employee, partial bool, progress ImportProgress) (ImportResult, error) {
	if _, err := s.AuthorizeRosterImport(ctx, a.User, orgID); err != nil {
		return ImportResult{}, err
	}
	if len(emps) == 0 {
		return ImportResult{}, Errorf(EBADROSTER, "Berkas tidak berisi baris pegawai yang dapat diimpor.")
	}
	res, err := s.Store.ImportEmployees(ctx, EmployeeImport{OrgID: orgID, Scope: a.User.Scope(), Employees: emps, Partial: partial, Progress: progress})
	if err != nil {
		return ImportResult{}, fmt.Errorf("import roster: %w", err)
	}
	if !res.Written {
		return res, nil
	}
	detail := fmt.Sprintf("%d baru, %d diperbarui, %d ditolak", res.Imported, res.Updated, len(res.Refused))
	return res, s.audit(ctx, a.User, a.IP, "roster.import", orgID, "", detail)
}

// CreateEvent validates and stores a draft event with a fresh public slug
// and event code.
func (s *Service) CreateEvent(ctx context.Context, a Actor, e *Event) error {
	if err := e.Validate(); err != nil {
		return err
	}
	org, err := s.authorize(ctx, a.User, ActManageEvents, e.OrgID)
	if err != nil {
		return err
	}
	if e.PledgeID == 0 {
		e.PledgeID = 1
	}
	if err := s.usablePledge(ctx, org, e.PledgeID); err != nil {
		return err
	}
	if e.Slug, err = s.RandomToken(); err != nil {
		return err
	}
	if e.Code, err = s.RandomCode(EventCodeLen); err != nil {
		return err
	}
	e.Status = StatusDraft
	e.CreatedAt = s.now()
	err = s.audited(ctx, a.User, a.IP, "event.create", e.OrgID, "", e.Title, func(ctx context.Context, audit *PendingAudit) error {
		audit.Finish = func(entry *AuditEntry) { entry.Target = fmt.Sprintf("event:%d", e.ID) }
		return s.Store.CreateEvent(ctx, e)
	})
	if err != nil {
		return fmt.Errorf("create event: %w", err)
	}
	return nil
}

// VisibleEvent returns an event the actor may see (ENOTFOUND otherwise)
// and the event's organization: an event of their subtree, or one that
// their organization joins (see User.JoinsEventsOf). Whoever shows such an
// event shows only the participants inside the actor's scope.
func (s *Service) VisibleEvent(ctx context.Context, u User, id int64) (Event, Organization, error) {
	e, err := s.Store.Event(ctx, id)
	if err != nil {
		return Event{}, Organization{}, err
	}
	org, err := s.Store.Organization(ctx, e.OrgID)
	if err != nil {
		return Event{}, Organization{}, fmt.Errorf("event %d organization: %w", id, err)
	}
	if !u.Can(ActView, org.Path) && !u.JoinsEventsOf(org.Path) {
		return Event{}, Organization{}, Errorf(ENOTFOUND, "Acara tidak ditemukan.")
	}
	return e, org, nil
}

// ManagedEvent returns an event u may open and close, with its
// organization: the officer confirms closing it before it happens.
func (s *Service) ManagedEvent(ctx context.Context, u User, id int64) (Event, Organization, error) {
	e, org, err := s.VisibleEvent(ctx, u, id)
	if err != nil {
		return Event{}, Organization{}, err
	}
	if !u.Can(ActManageEvents, org.Path) {
		return Event{}, Organization{}, Errorf(EFORBIDDEN, "Peran Anda tidak mengizinkan tindakan ini.")
	}
	return e, org, nil
}

// SetEventStatus opens or closes an event. A closed event cannot be opened
// again without a reason.
func (s *Service) SetEventStatus(ctx context.Context, a Actor, id int64, to EventStatus, reason string) (Event, error) {
	e, _, err := s.ManagedEvent(ctx, a.User, id)
	if err != nil {
		return Event{}, err
	}
	reason = strings.TrimSpace(reason)
	switch {
	case to == e.Status:
		return e, nil
	case to == StatusOpen && e.Status == StatusClosed && reason == "":
		return Event{}, Errorf(EINVALID, "Membuka kembali acara yang sudah ditutup memerlukan alasan.")
	case to == StatusClosed && e.Status == StatusDraft:
		return Event{}, Errorf(ECONFLICT, "Acara yang belum dibuka tidak dapat ditutup.")
	case to != StatusOpen && to != StatusClosed:
		return Event{}, Errorf(EINVALID, "Status acara tidak dikenal.")
	}
	at := s.now()
	err = s.audited(ctx, a.User, a.IP, "event."+string(to), e.OrgID, fmt.Sprintf("event:%d", id), reason, func(ctx context.Context, _ *PendingAudit) error {
		return s.Store.SetEventStatus(ctx, id, to, at)
	})
	if err != nil {
		return Event{}, fmt.Errorf("set event %d status: %w", id, err)
	}
	e.Status = to
	if to == StatusOpen {
		e.OpenedAt = at
	} else {
		e.ClosedAt = at
	}
	return e, nil
}

// Scheduler is the actor of scheduled openings and closings.
var Scheduler = User{ID: 0, Name: "jadwal (sistem)", Role: RoleSuperadmin, Active: true, OrgPath: "/"}

// ApplySchedule opens the drafts whose signing window has begun and closes
// the open events whose window has ended, in the organization's own time
// (the window is stored as an instant). An event someone opened or closed
// by hand is left to them.
func (s *Service) ApplySchedule(ctx context.Context) (changed []Event, err error) {
	now := s.now()
	due, err := s.Store.DueEvents(ctx, now)
	if err != nil {
		return nil, fmt.Errorf("scheduled events: %w", err)
	}
	for _, e := range due {
		to, why := StatusOpen, "jadwal pembukaan penandatanganan"
		if e.Status == StatusOpen {
			to, why = StatusClosed, "jadwal penutupan penandatanganan"
		}
		err := s.audited(ctx, Scheduler, "", "event."+string(to), e.OrgID, fmt.Sprintf("event:%d", e.ID), why, func(ctx context.Context, _ *PendingAudit) error {
			return s.Store.SetEventStatus(ctx, e.ID, to, now)
		})
		if err != nil {
			return changed, fmt.Errorf("scheduled %s of event %d: %w", to, e.ID, err)
		}
		e.Status = to
		changed = append(changed, e)
	}
	return changed, nil
}

// Identify finds the employee behind an NIP and event code. Both a wrong
// code and an unknown NIP are identification failures that the caller
// rate-limits; they are reported with distinct codes so the signer knows
// what to fix.
func (s *Service) Identify(ctx context.Context, e Event, nipText, code string) (Employee, error) {
	// The code is checked first, so a wrong code never tells whether an
	// NIP is on the roster.
	if !e.CodeMatches(code) {
		return Employee{}, Errorf(EWRONGCODE, "Kode acara salah. Periksa kembali kode yang diumumkan panitia.")
	}
	nipText = strings.Join(strings.Fields(nipText), "")
	if nipText == "" {
		return Employee{}, Errorf(EINVALID, "NIP wajib diisi.")
	}
	return s.eligible(ctx, e, func(scope string) (Employee, error) {
		return s.Store.EmployeeByNIP(ctx, scope, strings.ToUpper(nipText))
	})
}

// eligible loads an employee through find and checks that they may sign e.
func (s *Service) eligible(ctx context.Context, e Event, find func(scope string) (Employee, error)) (Employee, error) {
	org, err := s.Store.Organization(ctx, e.OrgID)
	if err != nil {
		return Employee{}, err
	}
	emp, err := find(org.Path)
	if err == nil && emp.Active && e.Allows(emp.Category) {
		// An uploaded participant list narrows the subtree further.
		var listed bool
		if listed, err = s.Store.Listed(ctx, e.ID, emp.ID); err == nil && !listed {
			err = Errorf(ENOTFOUND, "pegawai tidak ada pada daftar peserta")
		}
	}
	if IsCode(err, ENOTFOUND) || (err == nil && (!emp.Active || !e.Allows(emp.Category))) {
		return Employee{}, Errorf(ENOTELIGIBLE, "NIP tidak terdaftar sebagai peserta acara ini. Hubungi panitia atau BKPSDM.")
	}
	return emp, err
}

// PersonalToken returns the personal link token of an employee for an
// event at the given generation.
func (s *Service) PersonalToken(e Event, employeeID int64, gen int) string {
	id := strconv.FormatInt(employeeID, 36) + "." + strconv.Itoa(gen)
	mac := hmac.New(sha256.New, s.LinkKey)
	fmt.Fprintf(mac, "ikrar-link/v1|%d|%s", e.ID, id)
	return id + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil)[:16])
}

// IdentifyLink resolves a personal link token to its employee.
func (s *Service) IdentifyLink(ctx context.Context, e Event, token string) (Employee, error) {
	bad := Errorf(ENOTELIGIBLE, "Tautan pribadi tidak valid atau sudah diganti. Minta tautan baru kepada panitia.")
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return Employee{}, bad
	}
	empID, err1 := strconv.ParseInt(parts[0], 36, 64)
	gen, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil || empID <= 0 || gen < 0 {
		return Employee{}, bad
	}
	if !hmac.Equal([]byte(s.PersonalToken(e, empID, gen)), []byte(token)) {
		return Employee{}, bad
	}
	cur, err := s.Store.LinkGeneration(ctx, e.ID, empID)
	if err != nil {
		return Employee{}, err
	}
	if cur != gen {
		return Employee{}, bad
	}
	emp, err := s.IdentifyID(ctx, e, empID)
	if IsCode(err, ENOTELIGIBLE) {
		return Employee{}, bad
	}
	return emp, err
}

// IdentifyID finds an employee already identified for e (by a personal
// link, or a confirmation the web layer issued) and checks again that they
// may sign it.
func (s *Service) IdentifyID(ctx context.Context, e Event, employeeID int64) (Employee, error) {
	return s.eligible(ctx, e, func(scope string) (Employee, error) {
		emp, err := s.Store.Employee(ctx, employeeID)
		if err == nil {
			org, oerr := s.Store.Organization(ctx, emp.OrgID)
			if oerr != nil {
				return Employee{}, oerr
			}
			if !strings.HasPrefix(org.Path, scope) {
				return Employee{}, Errorf(ENOTFOUND, "pegawai di luar acara")
			}
		}
		return emp, err
	})
}

// IdentifyName is Identify for a client that spent its failure budget:
// the signer also gives their own name, and any mismatch — code, NIP or
// name — is the same ENOMATCH, so a correct NIP with a wrong name tells an
// enumerator nothing.
func (s *Service) IdentifyName(ctx context.Context, e Event, nipText, code, name string) (Employee, error) {
	emp, err := s.Identify(ctx, e, nipText, code)
	if err == nil && !emp.NameMatches(name) {
		err = Errorf(ENOTELIGIBLE, "nama tidak cocok")
	}
	if c := ErrorCode(err); c == EWRONGCODE || c == ENOTELIGIBLE || c == EINVALID {
		m := Errorf(ENOMATCH, "NIP, kode, atau nama tidak cocok. Periksa kembali lalu coba lagi.")
		m.Err = err
		return Employee{}, m
	}
	return emp, err
}

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

// Certificate returns the record behind a certificate code.
func (s *Service) Certificate(ctx context.Context, code string) (Signature, error) {
	return s.byCode(ctx, code, s.Store.SignatureByCode)
}

// Lookup is Certificate without the signature ink (Ink holds only its
// Kind): what
// public verification needs, read faster.
func (s *Service) Lookup(ctx context.Context, code string) (Signature, error) {
	return s.byCode(ctx, code, s.Store.SignatureLookup)
}

func (s *Service) byCode(ctx context.Context, code string, read func(context.Context, string) (Signature, error)) (Signature, error) {
	c := NormalizeCode(code, CertificateCodeLen)
	if c == "" {
		return Signature{}, Errorf(ENOTFOUND, "Sertifikat dengan kode tersebut tidak ditemukan.")
	}
	sig, err := read(ctx, c)
	if IsCode(err, ENOTFOUND) {
		return Signature{}, Errorf(ENOTFOUND, "Sertifikat dengan kode tersebut tidak ditemukan.")
	}
	return sig, err
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
	err = s.audited(ctx, a.User, a.IP, "certificate.revoke", org.ID, "certificate:"+sig.Code, reason, func(ctx context.Context, _ *PendingAudit) error {
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

// Erase removes a signer's personal data from a record on a lawful request
// (UU 27/2022). The record, its log leaf and its verification stay: the leaf
// holds only a salted hash, which no longer links to anyone once the salt is
// gone. The record also loses its link to the roster: the employee, if
// still on it, counts as not signed and may sign the event again (a new
// record, with new consent). With person set, the employee is erased too:
// every record of theirs, and their roster row (ErasePerson).
func (s *Service) Erase(ctx context.Context, a Actor, code, reason string, person bool) (Signature, []string, error) {
	sig, org, err := s.recordFor(ctx, a, code)
	if err != nil {
		return Signature{}, nil, err
	}
	reason, err = erasureReason(reason)
	if err != nil {
		return Signature{}, nil, err
	}
	if person {
		if sig.EmployeeID == 0 {
			return Signature{}, nil, Errorf(ECONFLICT, "Sertifikat ini sudah tidak terhubung dengan pegawai mana pun.")
		}
		codes, err := s.erasePerson(ctx, a, sig.EmployeeID, reason)
		if err != nil {
			return Signature{}, nil, err
		}
		sig, err = s.Certificate(ctx, code)
		return sig, codes, err
	}
	if sig.Erased() {
		return Signature{}, nil, Errorf(ECONFLICT, "Data pribadi pada sertifikat ini sudah dihapus.")
	}
	err = s.Store.EraseSignature(ctx, sig.ID, s.now())
	if err != nil && !IsScrubPending(err) {
		return Signature{}, nil, fmt.Errorf("erase %s: %w", sig.Code, err)
	}
	if err := s.audit(ctx, a.User, a.IP, "certificate.erase", org.ID, "certificate:"+sig.Code, reason); err != nil {
		return Signature{}, nil, err
	}
	sig, cerr := s.Certificate(ctx, code)
	if cerr != nil {
		return Signature{}, nil, cerr
	}
	return sig, []string{sig.Code}, err
}

// ErasePerson erases an employee of org's subtree, found by NIP (or
// registry ID), on a lawful request: the personal data of every record of
// theirs (as Erase does) and their roster row. A later roster import that
// lists them again adds them back as a new employee.
func (s *Service) ErasePerson(ctx context.Context, a Actor, orgID int64, nip, reason string) ([]string, error) {
	org, err := s.VisibleOrganization(ctx, a.User, orgID)
	if err != nil {
		return nil, err
	}
	reason, err = erasureReason(reason)
	if err != nil {
		return nil, err
	}
	emp, err := s.Store.EmployeeByNIP(ctx, org.Path, strings.Join(strings.Fields(nip), ""))
	if IsCode(err, ENOTFOUND) {
		return nil, Errorf(ENOTFOUND, "Pegawai tidak ditemukan.")
	}
	if err != nil {
		return nil, err
	}
	return s.erasePerson(ctx, a, emp.ID, reason)
}

func (s *Service) erasePerson(ctx context.Context, a Actor, employeeID int64, reason string) ([]string, error) {
	notFound := Errorf(ENOTFOUND, "Pegawai tidak ditemukan.")
	emp, err := s.Store.Employee(ctx, employeeID)
	if IsCode(err, ENOTFOUND) {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	org, err := s.Store.Organization(ctx, emp.OrgID)
	if err != nil {
		return nil, err
	}
	switch {
	case a.User.Can(ActManageRoster, org.Path) && a.User.Can(ActRevoke, org.Path):
	case a.User.Can(ActView, org.Path):
		return nil, Errorf(EFORBIDDEN, "Peran Anda tidak mengizinkan tindakan ini.")
	default:
		return nil, notFound
	}
	codes, err := s.Store.EraseEmployee(ctx, emp.ID, s.now())
	if err != nil && !IsScrubPending(err) {
		return nil, fmt.Errorf("erase employee %d: %w", emp.ID, err)
	}
	// The trail names the roster row by its ID only, the NIP and name being
	// what was erased, and the certificates by their codes.
	detail := reason
	if len(codes) > 0 {
		detail += " · " + strings.Join(codes, " ")
	}
	if aerr := s.audit(ctx, a.User, a.IP, "employee.erase", org.ID, fmt.Sprintf("employee:%d", emp.ID), detail); aerr != nil {
		return nil, aerr
	}
	return codes, err
}

func erasureReason(reason string) (string, error) {
	reason = strings.Join(strings.Fields(reason), " ")
	if len(reason) < 5 || len(reason) > 500 {
		return "", Errorf(EINVALID, "Dasar permintaan penghapusan wajib diisi (5–500 karakter).")
	}
	return reason, nil
}

// Authenticate checks an admin's email and password.
//
// Sign-ins go to the audit trail: "user.login" as the user, and
// "user.login_failed" against an existing account (its owner's
// organization sees someone tried it). Attempts on emails that have no
// account are not recorded: they would fill the trail with whatever an
// attacker types, and the rate limiter already answers them. Either way the
// password is hashed once, through the Hasher's slots, so an unknown email
// costs the caller what a known one does; when no slot comes free the
// error is EBUSY.
func (s *Service) Authenticate(ctx context.Context, email, password, ip string) (User, error) {
	bad := Errorf(EUNAUTHORIZED, "Email atau kata sandi salah.")
	if len(password) > 4*MaxPasswordLen {
		return User{}, bad
	}
	u, err := s.Store.UserByEmail(ctx, NormalizeEmail(email))
	if IsCode(err, ENOTFOUND) {
		if _, err := s.Hasher.Check(ctx, s.Hasher.dummy, password); err != nil {
			return User{}, err
		}
		return User{}, bad
	}
	if err != nil {
		return User{}, err
	}
	ok, err := s.Hasher.Check(ctx, u.PasswordHash, password)
	if err != nil {
		return User{}, err
	}
	if !ok || !u.Active {
		detail := "kata sandi salah"
		if !u.Active {
			detail = "akun nonaktif"
		}
		if err := s.audit(ctx, notSignedIn, ip, "user.login_failed", u.OrgID, u.Email, detail); err != nil {
			return User{}, err
		}
		return User{}, bad
	}
	return u, s.audit(ctx, u, ip, "user.login", u.OrgID, u.Email, "")
}

// notSignedIn is the actor of a failed sign-in in the audit trail.
var notSignedIn = User{Name: "(belum masuk)"}

// CreateUser adds an admin user (the CLI bootstraps the first superadmin
// with Actor{User: System}).
func (s *Service) CreateUser(ctx context.Context, a Actor, u *User, password string) error {
	if err := u.Validate(); err != nil {
		return err
	}
	if u.Role == RoleSuperadmin && a.User.Role != RoleSuperadmin {
		return Errorf(EFORBIDDEN, "Hanya superadmin yang dapat membuat superadmin.")
	}
	if u.OrgID != 0 {
		if _, err := s.authorize(ctx, a.User, ActManageUsers, u.OrgID); err != nil {
			return err
		}
	}
	if err := CheckPasswordPolicy(password, *u); err != nil {
		return err
	}
	hash, err := s.Hasher.Hash(ctx, password)
	if err != nil {
		return err
	}
	u.PasswordHash = hash
	u.Active = true
	u.CreatedAt = s.now()
	err = s.audited(ctx, a.User, a.IP, "user.create", u.OrgID, u.Email, string(u.Role), func(ctx context.Context, _ *PendingAudit) error {
		return s.Store.CreateUser(ctx, u)
	})
	if err != nil {
		if IsCode(err, ECONFLICT) {
			return Errorf(ECONFLICT, "Email sudah terdaftar.")
		}
		return fmt.Errorf("create user: %w", err)
	}
	return nil
}

// System is the actor of command-line administration.
var System = User{ID: 0, Name: "sistem (CLI)", Role: RoleSuperadmin, Active: true, OrgPath: "/"}

// HashToken is how session and API tokens are stored: only their SHA-256.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// CreateAPIToken issues a bearer token for u with the default name and
// lifetime; see IssueAPIToken.
func (s *Service) CreateAPIToken(ctx context.Context, a Actor, u User) (string, error) {
	token, _, err := s.IssueAPIToken(ctx, a, u, "", DefaultTokenLifetime)
	return token, err
}

// SetOrgLogo stores the letterhead logo of an organization, which only
// its admins (and those above) may change; png must already be checked
// and re-encoded (certificate.NormalizeLogo), or nil to remove the logo.
// Certificates already issued keep the letterhead they were issued with.
func (s *Service) SetOrgLogo(ctx context.Context, a Actor, orgID int64, png []byte) (Organization, error) {
	org, err := s.authorize(ctx, a.User, ActManageOrgs, orgID)
	if err != nil {
		return org, err
	}
	detail := fmt.Sprintf("PNG %d bita", len(png))
	if png == nil {
		detail = "dihapus"
	}
	err = s.audited(ctx, a.User, a.IP, "organization.logo", org.ID, org.Name, detail, func(ctx context.Context, _ *PendingAudit) error {
		return s.Store.SetOrgLogo(ctx, org.ID, png, s.now())
	})
	if err != nil {
		return org, fmt.Errorf("store logo of %d: %w", org.ID, err)
	}
	return org, nil
}
