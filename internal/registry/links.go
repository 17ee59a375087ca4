package registry

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
)

// PersonalToken returns the personal link token of an employee for an
// event at the given generation.
func (s *Service) PersonalToken(e Event, employeeID int64, gen int) string {
	id := strconv.FormatInt(employeeID, 36) + "." + strconv.Itoa(gen)
	mac := hmac.New(sha256.New, s.LinkKey)
	fmt.Fprintf(mac, "ikrar-link/v1|%d|%s", e.ID, id)
	return id + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil)[:16])
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
	return s.audit(ctx, a.User, a.IP, action, auditOrg(a.User, org), fmt.Sprintf("event:%d", e.ID), Detailf("%s: %d tautan", where, n))
}

// seesLinks checks that u may see e's personal links.
func seesLinks(u User, e Event, org Organization) error {
	if err := seesEvent(u, e, org); err != nil {
		return err
	}
	if !ViewsLinks(u, org) {
		return Errorf(EFORBIDDEN, "Peran Anda tidak mengizinkan melihat atau mengunduh tautan pribadi peserta.")
	}
	return nil
}

// LinkGeneration is how often employee's personal link to e was reissued.
func (s *Service) LinkGeneration(ctx context.Context, u User, e Event, org Organization, employeeID int64) (int, error) {
	if err := seesLinks(u, e, org); err != nil {
		return 0, err
	}
	return s.Store.LinkGeneration(ctx, e.ID, employeeID)
}

// LinkGenerations are the reissued generations of e's personal links, by
// employee.
func (s *Service) LinkGenerations(ctx context.Context, u User, e Event, org Organization) (map[int64]int, error) {
	if err := seesLinks(u, e, org); err != nil {
		return nil, err
	}
	return s.Store.LinkGenerations(ctx, e.ID)
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
	var gen int
	err = s.audited(ctx, a.User, a.IP, "link.reissue", auditOrg(a.User, org), fmt.Sprintf("event:%d", e.ID), Detail{}, func(ctx context.Context, audit *PendingAudit) error {
		audit.Finish = func(entry *AuditEntry) {
			entry.SetDetail(Detailf("employee:%d generasi %d", emp.ID, audit.Outcome.Count))
		}
		var err error
		gen, err = s.Store.NextLinkGeneration(ctx, e.ID, emp.ID)
		return err
	})
	if err != nil {
		return Employee{}, "", fmt.Errorf("reissue link of employee %d for event %d: %w", emp.ID, e.ID, err)
	}
	return emp, s.PersonalToken(e, emp.ID, gen), nil
}
