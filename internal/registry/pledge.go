package registry

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// InstitutionPlaceholder stands in a pledge's text for the name of the
// institution running the event; it is part of the hashed text.
const InstitutionPlaceholder = "{{nama instansi}}"

// PledgeVersion is one text of the pledge. It is identified by the SHA-256 of
// its canonical text and is immutable once a signature points at it.
type PledgeVersion struct {
	ID        int64
	Title     string
	Language  string
	Opening   string
	Points    []string
	Closing   string
	Hash      string
	CreatedAt time.Time
	// OrgID owns the version: only its subtree sees and uses it. 0 is the
	// system's default, which every government sees.
	OrgID int64
}

// CanonicalText is the exact text that is hashed: a version marker, the
// title, language, opening, numbered points and closing, each on its own
// line, with whitespace runs folded.
func (p PledgeVersion) CanonicalText() string {
	var b strings.Builder
	b.WriteString("ikrar-pledge/v1\n")
	fmt.Fprintf(&b, "title: %s\n", fold(p.Title))
	fmt.Fprintf(&b, "language: %s\n", fold(p.Language))
	fmt.Fprintf(&b, "opening: %s\n", fold(p.Opening))
	for i, pt := range p.Points {
		fmt.Fprintf(&b, "%d. %s\n", i+1, fold(pt))
	}
	fmt.Fprintf(&b, "closing: %s\n", fold(p.Closing))
	return b.String()
}

// ComputeHash returns the hex SHA-256 of the canonical text.
func (p PledgeVersion) ComputeHash() string {
	sum := sha256.Sum256([]byte(p.CanonicalText()))
	return hex.EncodeToString(sum[:])
}

// OpeningFor returns the opening with the institution's name filled in.
func (p PledgeVersion) OpeningFor(institution string) string {
	return strings.ReplaceAll(fold(p.Opening), InstitutionPlaceholder, institution)
}

// Validate normalises and checks a pledge version and sets its hash.
func (p *PledgeVersion) Validate() error {
	p.Title = fold(p.Title)
	p.Opening = fold(p.Opening)
	p.Closing = fold(p.Closing)
	if p.Language == "" {
		p.Language = "id"
	}
	if p.Title == "" {
		return Errorf(EINVALID, "Judul ikrar wajib diisi.")
	}
	var pts []string
	for _, pt := range p.Points {
		if pt = fold(pt); pt != "" {
			pts = append(pts, pt)
		}
	}
	if len(pts) == 0 {
		return Errorf(EINVALID, "Ikrar harus memiliki paling sedikit satu butir.")
	}
	if len(pts) > 20 {
		return Errorf(EINVALID, "Ikrar paling banyak 20 butir.")
	}
	p.Points = pts
	p.Hash = p.ComputeHash()
	return nil
}

func fold(s string) string { return strings.Join(strings.Fields(s), " ") }

// DefaultPledge is the four-point Ikrar Netralitas ASN read across Indonesia
// for the 2024 simultaneous elections; it is seeded as version 1.
func DefaultPledge() PledgeVersion {
	p := PledgeVersion{
		Title:    "Ikrar Netralitas Aparatur Sipil Negara",
		Language: "id",
		Opening: "Dalam rangka menyukseskan pelaksanaan Pemilihan Serentak Tahun 2024, kami " +
			"Aparatur Sipil Negara di lingkungan " + InstitutionPlaceholder + " berikrar:",
		Points: []string{
			"Menjaga dan menegakkan prinsip netralitas pegawai ASN di instansi masing-masing " +
				"dalam melaksanakan fungsi pelayanan publik, baik sebelum, selama, maupun " +
				"sesudah pelaksanaan Pemilihan Kepala Daerah Tahun 2024;",
			"Menghindari konflik kepentingan, tidak melakukan praktik-praktik intimidasi dan " +
				"ancaman kepada pegawai ASN dan seluruh elemen masyarakat, serta tidak memihak " +
				"kepada pasangan calon tertentu;",
			"Menggunakan media sosial secara bijak dan tidak menyebarkan ujaran kebencian " +
				"serta berita bohong; dan",
			"Menolak politik uang dan segala jenis pemberian dalam bentuk apa pun.",
		},
		Closing: "Demikian ikrar ini kami buat dan laksanakan dengan penuh integritas dan rasa " +
			"tanggung jawab dalam rangka mewujudkan netralitas pegawai ASN yang bermartabat, " +
			"beretika, dan demokratis demi terwujudnya persatuan dan kesatuan NKRI.",
	}
	p.Hash = p.ComputeHash()
	return p
}

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
	err := s.audited(ctx, a.User, a.IP, "pledge.create", a.User.OrgID, "", Detail{}, func(ctx context.Context, audit *PendingAudit) error {
		audit.Finish = func(e *AuditEntry) {
			e.Target = fmt.Sprintf("pledge:%d", p.ID)
			e.SetDetail(Plain(p.Title + " · " + p.Hash[:16]))
		}
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

// PledgeStore keeps pledge versions.
type PledgeStore interface {
	CreatePledge(ctx context.Context, p *PledgeVersion) error
	Pledge(ctx context.Context, id int64) (PledgeVersion, error)
	// PledgesByHash returns the stored versions whose hash column is hash,
	// read afresh (never from a cache): what GET /api/v1/pledges/{hash}
	// serves and the verdict's pledge check reads. Several organizations
	// may hold the same text.
	PledgesByHash(ctx context.Context, hash string) ([]PledgeVersion, error)
	// Pledges lists the versions the users of scope may see: the system's
	// and those owned on scope's path (above or inside it).
	Pledges(ctx context.Context, scope string) ([]PledgeVersion, error)
}

// PublicPledge is a pledge version: every signer reads the one they sign.
func (s *Service) PublicPledge(ctx context.Context, id int64) (PledgeVersion, error) {
	return s.Store.Pledge(ctx, id)
}

// PublicPledgesByHash are the pledge versions whose canonical text hashes
// to hash.
func (s *Service) PublicPledgesByHash(ctx context.Context, hash string) ([]PledgeVersion, error) {
	return s.Store.PledgesByHash(ctx, hash)
}
