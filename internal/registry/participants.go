package registry

import (
	"context"
	"fmt"
	"strings"
)

// Participant is an eligible employee of an event and, if they signed, their
// record.
type Participant struct {
	Employee  Employee
	Signature *Signature
}

// ManagesParticipants reports whether u may hand out and reissue personal
// links of an event of eventOrg: as a manager of its events, or as the
// officer of an organization that joins it, for their own participants.
func ManagesParticipants(u User, eventOrg Organization) bool {
	return u.Can(ActManageEvents, eventOrg.Path) || (u.JoinsEventsOf(eventOrg.Path) && u.Can(ActManageEvents, u.OrgPath))
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
	detail := Detailf("%d peserta, %d NIP tidak dikenal", len(ids), len(res.Unknown))
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
	err = s.audited(ctx, a.User, a.IP, "participants.clear", e.OrgID, fmt.Sprintf("event:%d", e.ID), Detail{}, func(ctx context.Context, _ *PendingAudit) error {
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

// AuthorizeParticipantUpload returns the event and its organization if u
// may replace its participant list.
func (s *Service) AuthorizeParticipantUpload(ctx context.Context, u User, eventID int64) (Event, Organization, error) {
	return s.manageableEvent(ctx, Actor{User: u}, eventID)
}

// Participants are the participants of e inside u's scope.
func (s *Service) Participants(ctx context.Context, u User, e Event) ([]Participant, error) {
	return s.Store.Participants(ctx, e, u.Scope())
}

// ParticipantList is e's whole participant list.
func (s *Service) ParticipantList(ctx context.Context, u User, e Event, org Organization) (ParticipantList, error) {
	if err := seesEvent(u, e, org); err != nil {
		return ParticipantList{}, err
	}
	return s.Store.ParticipantList(ctx, e.ID)
}

// ParticipantList describes an event's uploaded participant list.
type ParticipantList struct {
	Active bool // the event has a list: only listed employees may sign
	Size   int  // employees on the list, eligible or not
}
