package row

import (
	"strings"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// EventColumns are the columns Event reads, of the events table.
const EventColumns = `id, org_id, slug, code, title, place, mode, meeting_url, starts_at, signing_opens_at, signing_closes_at,
	pledge_id, categories, official_name, official_position, official_signature, status, created_at, opened_at, closed_at, official_nip`

// Event reads EventColumns.
func Event(s Scanner) (registry.Event, error) {
	var e registry.Event
	var starts, opens, closes, created, opened, closed int64
	var cats string
	err := s.Scan(&e.ID, &e.OrgID, &e.Slug, &e.Code, &e.Title, &e.Place, &e.Mode, &e.MeetingURL, &starts, &opens, &closes,
		&e.PledgeID, &cats, &e.OfficialName, &e.OfficialPosition, &e.OfficialSignature, &e.Status, &created, &opened, &closed, &e.OfficialNIP)
	e.StartsAt, e.SigningOpensAt, e.SigningClosesAt = Time(starts), Time(opens), Time(closes)
	e.CreatedAt, e.OpenedAt, e.ClosedAt = Time(created), Time(opened), Time(closed)
	if cats != "" {
		for _, c := range strings.Split(cats, ",") {
			e.Categories = append(e.Categories, registry.Category(c))
		}
	}
	return e, err
}

// Categories is the stored form of an event's categories, which Event
// reads back: their names, comma-separated.
func Categories(cs []registry.Category) string {
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = string(c)
	}
	return strings.Join(s, ",")
}
