package registry

import (
	"regexp"
	"strings"
	"time"
)

// OrgKind is the place of an organization in the government tree.
type OrgKind string

const (
	OrgProvince OrgKind = "province"
	OrgRegency  OrgKind = "regency"
	OrgCity     OrgKind = "city"
	OrgAgency   OrgKind = "agency"
	OrgUnit     OrgKind = "unit"
)

// Valid reports whether k is a known kind.
func (k OrgKind) Valid() bool {
	switch k {
	case OrgProvince, OrgRegency, OrgCity, OrgAgency, OrgUnit:
		return true
	}
	return false
}

// Organization is a government or one of its agencies; organizations form a
// tree through ParentID. Path is the materialized path of IDs from the root
// ("/1/4/9/") so a subtree is a prefix.
type Organization struct {
	ID         int64
	ParentID   int64
	Name       string
	Kind       OrgKind
	RegionCode string
	TimeZone   string
	Path       string
	CreatedAt  time.Time
}

// Location returns the organization's time zone, WIB when unset or unknown.
func (o Organization) Location() *time.Location {
	return LoadLocation(o.TimeZone)
}

// Contains reports whether other lies in o's subtree (o itself included).
func (o Organization) Contains(other Organization) bool {
	return o.Path != "" && strings.HasPrefix(other.Path, o.Path)
}

// The three Indonesian time zones.
var timeZones = map[string]string{
	"Asia/Jakarta":  "WIB",
	"Asia/Makassar": "WITA",
	"Asia/Jayapura": "WIT",
}

// ValidTimeZone reports whether tz is one of Indonesia's three zones.
func ValidTimeZone(tz string) bool { _, ok := timeZones[tz]; return ok }

// ZoneAbbrev returns WIB, WITA or WIT for an Indonesian IANA zone.
func ZoneAbbrev(tz string) string {
	if a, ok := timeZones[tz]; ok {
		return a
	}
	return "WIB"
}

// LoadLocation loads an Indonesian zone, falling back to a fixed UTC+7 when
// the zone database is missing (a scratch container without tzdata).
func LoadLocation(tz string) *time.Location {
	if !ValidTimeZone(tz) {
		tz = "Asia/Jakarta"
	}
	if loc, err := time.LoadLocation(tz); err == nil {
		return loc
	}
	offsets := map[string]int{"Asia/Jakarta": 7, "Asia/Makassar": 8, "Asia/Jayapura": 9}
	return time.FixedZone(ZoneAbbrev(tz), offsets[tz]*3600)
}

var regionCodeRE = regexp.MustCompile(`^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$`)

// Validate checks an organization before it is stored.
func (o *Organization) Validate() error {
	o.Name = strings.TrimSpace(o.Name)
	o.RegionCode = strings.TrimSpace(o.RegionCode)
	if o.Name == "" {
		return Errorf(EINVALID, "Nama organisasi wajib diisi.")
	}
	if len(o.Name) > 200 {
		return Errorf(EINVALID, "Nama organisasi terlalu panjang (maksimal 200 karakter).")
	}
	if !o.Kind.Valid() {
		return Errorf(EINVALID, "Jenis organisasi tidak dikenal: pilih province, regency, city, agency atau unit.")
	}
	if o.RegionCode != "" && !regionCodeRE.MatchString(o.RegionCode) {
		return Errorf(EINVALID, "Kode wilayah Kemendagri tidak valid (contoh: 12 atau 12.10).")
	}
	if o.TimeZone == "" {
		o.TimeZone = "Asia/Jakarta"
	}
	if !ValidTimeZone(o.TimeZone) {
		return Errorf(EINVALID, "Zona waktu harus Asia/Jakarta (WIB), Asia/Makassar (WITA) atau Asia/Jayapura (WIT).")
	}
	return nil
}
