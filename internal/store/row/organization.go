package row

import "github.com/ikrar-id/ikrar/internal/registry"

// OrgColumns are the columns Org reads, of the organizations table.
const OrgColumns = `id, COALESCE(parent_id, 0), name, kind, region_code, timezone, path, created_at`

// Org reads OrgColumns.
func Org(s Scanner) (registry.Organization, error) {
	var o registry.Organization
	var created int64
	err := s.Scan(&o.ID, &o.ParentID, &o.Name, &o.Kind, &o.RegionCode, &o.TimeZone, &o.Path, &created)
	o.CreatedAt = Time(created)
	return o, err
}
