package registry

import (
	"context"
	"fmt"
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
	err := s.audited(ctx, a.User, a.IP, "organization.create", 0, o.Name, Plain(o.Kind.Label()), func(ctx context.Context, audit *PendingAudit) error {
		audit.Finish = func(e *AuditEntry) { e.OrgID = o.ID }
		return s.Store.CreateOrganization(ctx, o)
	})
	if err != nil {
		return fmt.Errorf("create organization: %w", err)
	}
	return nil
}

// VisibleOrganization returns an organization the actor may see.
func (s *Service) VisibleOrganization(ctx context.Context, u User, id int64) (Organization, error) {
	return s.authorize(ctx, u, ActView, id)
}

// Organizations lists the organizations u may see.
func (s *Service) Organizations(ctx context.Context, u User) ([]Organization, error) {
	return s.Store.Organizations(ctx, u.Scope())
}

// OwnOrganization is the organization u belongs to.
func (s *Service) OwnOrganization(ctx context.Context, u User) (Organization, error) {
	return s.Store.Organization(ctx, u.OrgID)
}

// seesOrganization checks that u may see org.
func seesOrganization(u User, org Organization) error {
	if !u.Can(ActView, org.Path) {
		return Errorf(ENOTFOUND, "Organisasi tidak ditemukan.")
	}
	return nil
}

// OrgLogo is the logo org's documents print (its own or its nearest
// ancestor's, whose ID is owner).
func (s *Service) OrgLogo(ctx context.Context, u User, org Organization) (logo []byte, owner int64, err error) {
	if err := seesOrganization(u, org); err != nil {
		return nil, 0, err
	}
	return s.Store.OrgLogo(ctx, org.Path)
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
	detail := Detailf("PNG %d bita", len(png))
	if png == nil {
		detail = Detailf("dihapus")
	}
	err = s.audited(ctx, a.User, a.IP, "organization.logo", org.ID, org.Name, detail, func(ctx context.Context, _ *PendingAudit) error {
		return s.Store.SetOrgLogo(ctx, org.ID, png, s.now())
	})
	if err != nil {
		return org, fmt.Errorf("store logo of %d: %w", org.ID, err)
	}
	return org, nil
}

// PublicOrganization is an organization as public pages and certificates
// name it.
func (s *Service) PublicOrganization(ctx context.Context, id int64) (Organization, error) {
	return s.Store.Organization(ctx, id)
}

// OrganizationStore keeps the organization tree.
type OrganizationStore interface {
	CreateOrganization(ctx context.Context, o *Organization) error
	Organization(ctx context.Context, id int64) (Organization, error)
	Organizations(ctx context.Context, scope string) ([]Organization, error)
	// SetOrgLogo stores an organization's letterhead logo, replacing
	// any; nil removes it.
	SetOrgLogo(ctx context.Context, orgID int64, png []byte, at time.Time) error
	// OrgLogo is the logo of the organization with the given path or,
	// without one, of its nearest ancestor that has one; nil if none.
	OrgLogo(ctx context.Context, path string) (logo []byte, ownerID int64, err error)
}
