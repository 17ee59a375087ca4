package registry

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
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
