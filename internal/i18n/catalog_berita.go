package i18n

// The texts of witnesses and the signed Berita Acara (issue 14 item 9):
// pages first, then messages.

var beritaPageTexts = map[string]string{
	"Saksi (misalnya KPU, Bawaslu, Forkopimda) menandatangani Berita Acara; setiap saksi mendapat blok tanda tangan.": "Witnesses (KPU, Bawaslu, Forkopimda, for example) sign the Berita Acara; each gets a signature block.",
	"Ubah":                     "Edit",
	"Hapus saksi":              "Remove witness",
	"Belum ada saksi.":         "No witnesses yet.",
	"Tambah saksi":             "Add a witness",
	"KPU, Bawaslu, Forkopimda": "KPU, Bawaslu, Forkopimda",
	"PDF ini tidak memuat tanda tangan elektronik. Berkas tetap disimpan dan sidiknya dicatat; jika seharusnya bertanda tangan elektronik, tandatangani melalui layanan tanda tangan elektronik lalu unggah lagi.": "This PDF holds no electronic signature. The file is kept all the same and its fingerprint logged; if it should carry an electronic signature, sign it through the electronic signature service and upload it again.",
	"Berita Acara bertanda tangan disimpan dan sidiknya dicatat di log transparansi.": "The signed Berita Acara is kept and its fingerprint logged in the transparency log.",
	"Berita Acara dibuat sebagai PDF/A agar dapat ditandatangani secara elektronik melalui layanan bersertifikat BSrE (SRIKANDI atau hub daerah). Unggah kembali salinan yang sudah ditandatangani; sidik SHA-256-nya dicatat di log transparansi.": "The Berita Acara is made as PDF/A so that a BSrE-certified service (SRIKANDI or a regional hub) can sign it electronically. Upload the signed copy back; its SHA-256 fingerprint is logged in the transparency log.",
	"Buat Berita Acara (PDF/A)":                                        "Make the Berita Acara (PDF/A)",
	"Berita Acara yang sudah ditandatangani (PDF, paling besar 20 MB)": "The signed Berita Acara (PDF, at most 20 MB)",
	"Unggah":                  "Upload",
	"Diunggah":                "Uploaded",
	"Oleh":                    "By",
	"Tanda tangan elektronik": "Electronic signature",
	"diganti":                 "replaced",
	"ada":                     "present",
	"tidak ada":               "none",
	"Unduh":                   "Download",
	"Belum ada Berita Acara bertanda tangan yang diunggah.": "No signed Berita Acara uploaded yet.",
	"Ditandatangani secara elektronik":                      "Signed electronically",
	"Ditandatangani":                                        "Signed",
	"disimpan":                                              "kept on",

	// Audit trail actions.
	"Menambah saksi acara":                    "Added an event witness",
	"Mengubah saksi acara":                    "Edited an event witness",
	"Menghapus saksi acara":                   "Removed an event witness",
	"Mengunggah Berita Acara bertanda tangan": "Uploaded the signed Berita Acara",
}

var beritaMessages = map[string]string{
	"Nama, jabatan, dan instansi saksi wajib diisi.":                                   "A witness's name, position and institution are required.",
	"Nama, jabatan, atau instansi saksi terlalu panjang (paling banyak 200 karakter).": "A witness's name, position or institution is too long (200 characters at most).",
	"Paling banyak %d saksi per acara.":                                                "At most %d witnesses per event.",
	"Saksi tidak ditemukan.":                                                           "Witness not found.",
	"Dokumen":                                                                          "Document",
	"Dokumen tidak ditemukan.":                                                         "Document not found.",
	"Berkas terlalu besar: paling besar %d MB.":                                        "The file is too large: %d MB at most.",
	"Pilih berkas PDF Berita Acara yang sudah ditandatangani.":                         "Choose the signed Berita Acara's PDF file.",
	"Berkas ini bukan PDF yang dapat dibaca. Unggah PDF Berita Acara yang sudah ditandatangani.": "This file is not a readable PDF. Upload the signed Berita Acara's PDF.",
}
