package row

import (
	"fmt"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// PersonalData counts, per table, what personal data the registry holds,
// each with count (a store's query of one number). blobLength is the
// dialect's length of a blob in bytes (length, octet_length).
func PersonalData(blobLength string, count func(query string) (int, error)) ([]registry.PersonalDataCount, error) {
	queries := []struct{ table, kind, query string }{
		{"employees", "Pegawai di daftar (NIP, nama, jabatan, unit kerja)", `SELECT COUNT(*) FROM employees`},
		{"signatures", "Catatan ikrar dengan data pribadi (identitas, tanda tangan, alamat jaringan)", `SELECT COUNT(*) FROM signatures WHERE erased_at = 0`},
		{"signatures", "Catatan ikrar yang data pribadinya sudah dihapus", `SELECT COUNT(*) FROM signatures WHERE erased_at <> 0`},
		{"signatures", "Tanda tangan berupa gambar goresan", `SELECT COUNT(*) FROM signatures WHERE erased_at = 0 AND ink_kind = 'strokes'`},
		{"certificate_pdfs", "Sertifikat PDF tersimpan (nama, NIP, tanda tangan)", `SELECT COUNT(*) FROM certificate_pdfs`},
		{"event_participants", "Daftar peserta acara (pegawai per acara)", `SELECT COUNT(*) FROM event_participants`},
		{"link_generations", "Tautan pribadi yang diterbitkan ulang", `SELECT COUNT(*) FROM link_generations`},
		{"events", "Tanda tangan pejabat pada acara", `SELECT COUNT(*) FROM events WHERE ` + blobLength + `(official_signature) > 0`},
		{"users", "Akun petugas (nama, surel)", `SELECT COUNT(*) FROM users`},
		{"sessions", "Sesi masuk petugas", `SELECT COUNT(*) FROM sessions`},
		{"audit", "Jejak audit dengan alamat jaringan petugas", `SELECT COUNT(*) FROM audit WHERE ip <> ''`},
		{"roster_staging", "Baris impor yang belum selesai", `SELECT COUNT(*) FROM roster_staging`},
	}
	out := make([]registry.PersonalDataCount, 0, len(queries))
	for _, q := range queries {
		n, err := count(q.query)
		if err != nil {
			return nil, fmt.Errorf("personal data report, %s: %w", q.table, err)
		}
		out = append(out, registry.PersonalDataCount{Table: q.table, Kind: q.kind, Count: n})
	}
	return out, nil
}
