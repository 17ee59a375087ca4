package registry

import (
	"context"
	"fmt"
	"strings"
)

// ExportKind names an export; the audit trail records it as "export.KIND".
type ExportKind string

const (
	ExportRecap        ExportKind = "recap"
	ExportSignatures   ExportKind = "signatures"
	ExportBeritaAcara  ExportKind = "berita_acara"
	ExportCertificates ExportKind = "certificates"
	ExportFollowUp     ExportKind = "followup"
	// ExportLinks hands out personal links, with which anyone may sign as
	// their owner: it needs the right to manage the participants.
	ExportLinks ExportKind = "links"
)

// ExportKinds lists every export.
var ExportKinds = []ExportKind{ExportRecap, ExportSignatures, ExportBeritaAcara, ExportCertificates, ExportFollowUp, ExportLinks}

// Export checks that the actor may take an export of an event and records
// it in the audit trail with detail (format and filters). It returns the
// event and its organization; the caller shows only what lies inside the
// actor's scope.
func (s *Service) Export(ctx context.Context, a Actor, eventID int64, kind ExportKind, detail string) (Event, Organization, error) {
	e, org, err := s.VisibleEvent(ctx, a.User, eventID)
	if err != nil {
		return Event{}, Organization{}, err
	}
	if kind == ExportLinks && !ViewsLinks(a.User, org) {
		return Event{}, Organization{}, Errorf(EFORBIDDEN, "Peran Anda tidak mengizinkan mengunduh tautan pribadi peserta.")
	}
	err = s.audit(ctx, a.User, a.IP, "export."+string(kind), auditOrg(a.User, org), fmt.Sprintf("event:%d", e.ID), detail)
	return e, org, err
}

// ManagesParticipants reports whether u may hand out and reissue personal
// links of an event of eventOrg: as a manager of its events, or as the
// officer of an organization that joins it, for their own participants.
func ManagesParticipants(u User, eventOrg Organization) bool {
	return u.Can(ActManageEvents, eventOrg.Path) || (u.JoinsEventsOf(eventOrg.Path) && u.Can(ActManageEvents, u.OrgPath))
}

// ViewsLinks reports whether u may see and hand out the personal links of
// an event of eventOrg (ActViewLinks): on its organization, or, in an
// event their organization joins, on their own participants.
func ViewsLinks(u User, eventOrg Organization) bool {
	return u.Can(ActViewLinks, eventOrg.Path) || (u.JoinsEventsOf(eventOrg.Path) && u.Can(ActViewLinks, u.OrgPath))
}

// DiscloseLinks checks that the actor may see the personal links of event
// e and records in the audit trail that n of them were shown to them on a
// page ("links.view") or handed out in a file ("export.links"); where is
// the page or file with its selection, as the request named it. Whoever
// holds a personal link may sign as its owner, so every disclosure is
// traced.
func (s *Service) DiscloseLinks(ctx context.Context, a Actor, e Event, org Organization, export bool, where string, n int) error {
	if !ViewsLinks(a.User, org) {
		return Errorf(EFORBIDDEN, "Peran Anda tidak mengizinkan melihat atau mengunduh tautan pribadi peserta.")
	}
	if n == 0 {
		return nil
	}
	action := "links.view"
	if export {
		action = "export.links"
	}
	detail := strings.TrimSpace(fmt.Sprintf("%s: %d tautan", where, n))
	return s.audit(ctx, a.User, a.IP, action, auditOrg(a.User, org), fmt.Sprintf("event:%d", e.ID), detail)
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

// ReissueTarget checks that u may reissue the personal link of an
// employee for an event, and returns the event, its organization and the
// employee: the officer confirms a reissue before it happens.
func (s *Service) ReissueTarget(ctx context.Context, u User, eventID, employeeID int64) (Event, Organization, Employee, error) {
	e, org, err := s.VisibleEvent(ctx, u, eventID)
	if err != nil {
		return Event{}, Organization{}, Employee{}, err
	}
	notFound := Errorf(ENOTFOUND, "Peserta tidak ditemukan.")
	emp, err := s.Store.Employee(ctx, employeeID)
	if IsCode(err, ENOTFOUND) {
		return Event{}, Organization{}, Employee{}, notFound
	}
	if err != nil {
		return Event{}, Organization{}, Employee{}, err
	}
	empOrg, err := s.Store.Organization(ctx, emp.OrgID)
	if err != nil {
		return Event{}, Organization{}, Employee{}, err
	}
	if !org.Contains(empOrg) || !u.Can(ActView, empOrg.Path) {
		return Event{}, Organization{}, Employee{}, notFound
	}
	if !ManagesParticipants(u, org) || !u.Can(ActManageEvents, empOrg.Path) {
		return Event{}, Organization{}, Employee{}, Errorf(EFORBIDDEN, "Peran Anda tidak mengizinkan mengganti tautan pribadi.")
	}
	return e, org, emp, nil
}

// ReissueLink gives an employee a new personal link for an event: the link
// generation goes up by one, so the old link stops working. It returns the
// employee and the new token.
func (s *Service) ReissueLink(ctx context.Context, a Actor, eventID, employeeID int64) (Employee, string, error) {
	e, org, emp, err := s.ReissueTarget(ctx, a.User, eventID, employeeID)
	if err != nil {
		return Employee{}, "", err
	}
	gen, err := s.Store.NextLinkGeneration(ctx, e.ID, emp.ID)
	if err != nil {
		return Employee{}, "", fmt.Errorf("reissue link of employee %d for event %d: %w", emp.ID, e.ID, err)
	}
	detail := fmt.Sprintf("employee:%d generasi %d", emp.ID, gen)
	if err := s.audit(ctx, a.User, a.IP, "link.reissue", auditOrg(a.User, org), fmt.Sprintf("event:%d", e.ID), detail); err != nil {
		return Employee{}, "", err
	}
	return emp, s.PersonalToken(e, emp.ID, gen), nil
}

// ListResult is what uploading a participant list did.
type ListResult struct {
	Listed  int      // employees now on the list
	Unknown []string // NIPs not on the roster of the event's subtree
}

// SetParticipantList makes the employees with the given NIPs (found in the
// event organization's roster) the only ones who may sign the event, within
// its categories. NIPs not on the roster are reported and left out; a file
// none of whose NIPs are known is refused rather than closing the event to
// everyone.
func (s *Service) SetParticipantList(ctx context.Context, a Actor, eventID int64, nips []string) (ListResult, error) {
	e, org, err := s.manageableEvent(ctx, a, eventID)
	if err != nil {
		return ListResult{}, err
	}
	seen := make(map[string]bool, len(nips))
	var uniq []string
	for _, n := range nips {
		if n = strings.ToUpper(strings.TrimSpace(n)); n != "" && !seen[n] {
			seen[n] = true
			uniq = append(uniq, n)
		}
	}
	if len(uniq) == 0 {
		return ListResult{}, Errorf(EBADROSTER, "Berkas tidak berisi NIP peserta.")
	}
	found, err := s.Store.EmployeeIDsByNIP(ctx, org.Path, uniq)
	if err != nil {
		return ListResult{}, fmt.Errorf("participant list of event %d: %w", e.ID, err)
	}
	var res ListResult
	ids := make([]int64, 0, len(found))
	for _, n := range uniq {
		if id, ok := found[n]; ok {
			ids = append(ids, id)
		} else {
			res.Unknown = append(res.Unknown, n)
		}
	}
	if len(ids) == 0 {
		return res, Errorf(EBADROSTER, "Tidak satu pun NIP dalam berkas terdaftar pada data pegawai %s. Impor data pegawai terlebih dahulu.", org.Name)
	}
	detail := fmt.Sprintf("%d peserta, %d NIP tidak dikenal", len(ids), len(res.Unknown))
	err = s.audited(ctx, a.User, a.IP, "participants.upload", e.OrgID, fmt.Sprintf("event:%d", e.ID), detail, func(ctx context.Context, _ *PendingAudit) error {
		return s.Store.SetEventParticipants(ctx, e.ID, ids)
	})
	if err != nil {
		return ListResult{}, fmt.Errorf("participant list of event %d: %w", e.ID, err)
	}
	res.Listed = len(ids)
	return res, nil
}

// ClearParticipantList removes an event's uploaded list: the event's
// subtree and categories alone decide again who may sign.
func (s *Service) ClearParticipantList(ctx context.Context, a Actor, eventID int64) error {
	e, _, err := s.manageableEvent(ctx, a, eventID)
	if err != nil {
		return err
	}
	err = s.audited(ctx, a.User, a.IP, "participants.clear", e.OrgID, fmt.Sprintf("event:%d", e.ID), "", func(ctx context.Context, _ *PendingAudit) error {
		return s.Store.ClearEventParticipants(ctx, e.ID)
	})
	if err != nil {
		return fmt.Errorf("clear participant list of event %d: %w", e.ID, err)
	}
	return nil
}

// manageableEvent loads an event whose participants the actor may choose:
// its list is the whole event's, so only its organization's managers may,
// and not once it is closed.
func (s *Service) manageableEvent(ctx context.Context, a Actor, eventID int64) (Event, Organization, error) {
	e, org, err := s.VisibleEvent(ctx, a.User, eventID)
	if err != nil {
		return Event{}, Organization{}, err
	}
	if !a.User.Can(ActManageEvents, org.Path) {
		return Event{}, Organization{}, Errorf(EFORBIDDEN, "Peran Anda tidak mengizinkan mengubah peserta acara ini.")
	}
	if e.Status == StatusClosed {
		return Event{}, Organization{}, Errorf(ECONFLICT, "Peserta acara yang sudah ditutup tidak dapat diubah.")
	}
	return e, org, nil
}
