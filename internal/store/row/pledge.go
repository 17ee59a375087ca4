package row

import (
	"encoding/json"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// PledgeColumns are the columns Pledge reads, of pledges p.
const PledgeColumns = `p.id, p.title, p.language, p.opening, p.points, p.closing, p.hash, p.created_at, COALESCE(p.org_id, 0)`

// Pledge reads PledgeColumns.
func Pledge(s Scanner) (registry.PledgeVersion, error) {
	var p registry.PledgeVersion
	var points string
	var created int64
	if err := s.Scan(&p.ID, &p.Title, &p.Language, &p.Opening, &points, &p.Closing, &p.Hash, &created, &p.OrgID); err != nil {
		return p, err
	}
	p.CreatedAt = Time(created)
	return p, json.Unmarshal([]byte(points), &p.Points)
}

// PledgePoints is the stored form of a pledge's points, which Pledge
// reads back: a JSON array.
func PledgePoints(p registry.PledgeVersion) (string, error) {
	b, err := json.Marshal(p.Points)
	return string(b), err
}
