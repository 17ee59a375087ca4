package i18n

// The texts of the live dashboard and the projector.

var opsPageTexts = map[string]string{
	"Layar proyektor":                                        "Projector screen",
	"Dasbor langsung":                                        "Live dashboard",
	"Tampilan proyektor":                                     "Projector view",
	"Menghubungkan…":                                         "Connecting…",
	"Terhubung, diperbarui otomatis":                         "Connected, updating automatically",
	"Koneksi terputus, menyambung ulang…":                    "Connection lost, reconnecting…",
	"Kemajuan per unit":                                      "Progress per unit",
	"Diurutkan dari yang paling lengkap.":                    "Most complete first.",
	"Belum ada peserta.":                                     "No participants yet.",
	"Tanda tangan per menit":                                 "Signatures per minute",
	"60 menit terakhir":                                      "last 60 minutes",
	"Jumlah tanda tangan per menit selama 60 menit terakhir": "Number of signatures per minute over the last 60 minutes",
	"Tanda tangan terbaru":                                   "Latest signatures",
	"Pindai kode QR atau buka":                               "Scan the QR code or open",
	"dari":                                                   "of",
}

var opsMessages = map[string]string{}
