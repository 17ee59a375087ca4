package registry

import (
	"context"
	"fmt"
	"unicode/utf8"
)

// Longest parts of a pledge version, in characters.
const (
	maxPledgeTitle = 200
	maxPledgeText  = 2000
)

// CreatePledge stores a new pledge version. Versions are never edited: a
// changed text is a new version with its own hash, so a signature always
// points at the exact text that was signed. Only superadmins and admins
// may add one, since every organization can pick it.
func (s *Service) CreatePledge(ctx context.Context, a Actor, p *PledgeVersion) error {
	if err := s.PreviewPledge(a, p); err != nil {
		return err
	}
	p.CreatedAt = s.now()
	// The version belongs to its publisher's organization; a superadmin's
	// is the system's, offered to every government.
	p.OrgID = a.User.OrgID
	if a.User.Role == RoleSuperadmin {
		p.OrgID = 0
	}
	err := s.audited(ctx, a.User, a.IP, "pledge.create", a.User.OrgID, "", "", func(ctx context.Context, audit *PendingAudit) error {
		audit.Finish = func(e *AuditEntry) { e.Target, e.Detail = fmt.Sprintf("pledge:%d", p.ID), p.Title+" · "+p.Hash[:16] }
		return s.Store.CreatePledge(ctx, p)
	})
	if err != nil {
		if IsCode(err, ECONFLICT) {
			return Errorf(ECONFLICT, "Versi ikrar dengan teks yang sama persis sudah ada.")
		}
		return fmt.Errorf("create pledge: %w", err)
	}
	return nil
}

// PreviewPledge checks a pledge version as CreatePledge would and
// normalises it, setting its hash, without storing it: what an officer
// sees before saving a version that can never change.
func (s *Service) PreviewPledge(a Actor, p *PledgeVersion) error {
	if !a.User.Active || (a.User.Role != RoleSuperadmin && a.User.Role != RoleAdmin) {
		return Errorf(EFORBIDDEN, "Hanya superadmin atau admin yang dapat membuat versi ikrar.")
	}
	if err := p.Validate(); err != nil {
		return err
	}
	switch {
	case utf8.RuneCountInString(p.Title) > maxPledgeTitle:
		return Errorf(EINVALID, "Judul ikrar terlalu panjang (maksimal %d karakter).", maxPledgeTitle)
	case p.Opening == "":
		return Errorf(EINVALID, "Kalimat pembuka ikrar wajib diisi.")
	case utf8.RuneCountInString(p.Opening) > maxPledgeText || utf8.RuneCountInString(p.Closing) > maxPledgeText:
		return Errorf(EINVALID, "Kalimat pembuka dan penutup masing-masing paling banyak %d karakter.", maxPledgeText)
	}
	for i, pt := range p.Points {
		if utf8.RuneCountInString(pt) > maxPledgeText {
			return Errorf(EINVALID, "Butir %d terlalu panjang (maksimal %d karakter).", i+1, maxPledgeText)
		}
	}
	return nil
}

// Pledges lists the pledge versions u may see and pick for an event.
func (s *Service) Pledges(ctx context.Context, u User) ([]PledgeVersion, error) {
	if !u.Active {
		return nil, nil
	}
	return s.Store.Pledges(ctx, u.Scope())
}

// usablePledge checks that an event of org may use pledge version id: the
// system's, or one owned by org or an organization above it. Another
// government's version is "not found", as one that does not exist.
func (s *Service) usablePledge(ctx context.Context, org Organization, id int64) error {
	notFound := Errorf(ENOTFOUND, "Versi ikrar tidak ditemukan.")
	p, err := s.Store.Pledge(ctx, id)
	if IsCode(err, ENOTFOUND) {
		return notFound
	}
	if err != nil {
		return err
	}
	if p.OrgID == 0 {
		return nil
	}
	owner, err := s.Store.Organization(ctx, p.OrgID)
	if err != nil {
		return err
	}
	if !owner.Contains(org) {
		return notFound
	}
	return nil
}

// VillageHeadPledge is the five-point pledge of village heads (kepala
// desa) used with Bawaslu in 2024, offered as a template for a new version.
func VillageHeadPledge() PledgeVersion {
	d := DefaultPledge()
	p := PledgeVersion{
		Title:    "Ikrar Netralitas Kepala Desa",
		Language: "id",
		Opening: "Dalam rangka menyukseskan pelaksanaan Pemilihan Serentak Tahun 2024, kami " +
			"Kepala Desa di lingkungan " + InstitutionPlaceholder + " berikrar:",
		Points: []string{
			"Tidak membuat keputusan dan/atau tindakan yang menguntungkan atau merugikan bakal calon, " +
				"calon atau pasangan calon, baik sebelum, selama maupun sesudah pelaksanaan Pemilihan;",
			"Tidak ikut serta dan/atau terlibat dalam kampanye Pemilihan;",
			"Menghindari konflik kepentingan, tidak melakukan praktik-praktik intimidasi dan ancaman " +
				"kepada seluruh elemen masyarakat, serta tidak memihak kepada calon atau pasangan calon tertentu;",
			"Tidak menunjukkan keberpihakan kepada calon atau pasangan calon melalui media sosial " +
				"dan/atau media lainnya;",
			"Menolak praktik politik uang.",
		},
		Closing: d.Closing,
	}
	p.Hash = p.ComputeHash()
	return p
}
