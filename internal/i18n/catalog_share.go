package i18n

// The texts of sharing a certificate and of the officers' conveniences
// (issue 14 items 11 and 12).
var sharePageTexts = map[string]string{
	"Periksa di %s/v · kode %s": "Check at %s/v · code %s",
	"Bagikan atau cetak":        "Share or print",
	"Tautan yang dibagikan membuka halaman verifikasi publik, bukan halaman ini: orang lain dapat memeriksa sertifikat Anda tetapi tidak dapat mengunduhnya.": "The link you share opens the public verification page, not this page: others can check your certificate but cannot download it.",
	"Bagikan ke WhatsApp": "Share on WhatsApp",
	"Tautan verifikasi":   "Verification link",
	"Tautan disalin.":     "Link copied.",
	"Tidak dapat menyalin; tekan lama tautannya lalu salin.": "Could not copy; press and hold the link, then copy it.",
	"Salin tautan": "Copy link",
	"Cetak":        "Print",
	"Templat kosong dengan judul kolom yang diterima:": "Empty template with the accepted column headers:",
	"Pratinjau": "Preview",
	"Beginilah penanda tangan membaca versi ini. Belum disimpan: periksa, ubah di bawah bila perlu, lalu simpan.": "This is how signers will read this version. It is not saved yet: check it, change it below if needed, then save.",
	"Teks kanonik yang ditandatangani": "The canonical text that is signed",
	"Impor baris yang valid saja":      "Import the valid rows only",
	"%s baris lain valid. Impor baris itu dari berkas yang sama, tanpa mengunggah lagi; baris yang salah dilewati.": "%s other rows are valid. Import them from the same file, without uploading it again; the wrong rows are skipped.",
}

var shareMessages = map[string]string{
	"Berkas impor ini tidak lagi disimpan (sudah dipakai atau kedaluwarsa). Unggah berkasnya lagi dengan centang “impor baris yang valid saja”.": "This import's file is no longer kept (already used, or expired). Upload the file again with “import the valid rows only” ticked.",
	"Sertifikat ikrar netralitas saya untuk %s dapat diperiksa di %s":                                                                            "My neutrality pledge certificate for %s can be checked at %s",
	"Server sedang sibuk. Coba lagi sebentar lagi.":                                                                                              "The server is busy. Try again in a moment.",
}
