package i18n

// The texts of the officer screens (issue 14 items 2 and 5): audit
// labels, category labels, required fields and confirmations.

var officerPageTexts = map[string]string{
	"Menyimpan versi teks ikrar":                 "Saved a pledge version",
	"Mengunggah daftar peserta acara":            "Uploaded an event's participant list",
	"Mengosongkan daftar peserta acara":          "Cleared an event's participant list",
	"Menghapus data pribadi pegawai":             "Erased an employee's personal data",
	"Mengganti tautan pribadi peserta":           "Reissued a participant's personal link",
	"Mengunduh rekap acara":                      "Downloaded an event's recap",
	"Mengunduh daftar tanda tangan":              "Downloaded the list of signatures",
	"Mengunduh berita acara":                     "Downloaded the Berita Acara",
	"Mengunduh sertifikat peserta":               "Downloaded participants' certificates",
	"Mengunduh daftar yang belum menandatangani": "Downloaded the list of those who have not signed",

	"Batal":                         "Cancel",
	"Perangkat desa":                "Village officials",
	"Kolom bertanda * wajib diisi.": "Fields marked * are required.",
	"Tutup acara ini?":              "Close this event?",
	"Ya, tutup acara":               "Yes, close the event",
	"Setelah “%s” ditutup, peserta tidak dapat menandatangani lagi. Membuka kembali acara memerlukan alasan, yang tercatat di jejak audit.": "Once “%s” is closed, participants can no longer sign. Reopening the event needs a reason, which is recorded in the audit trail.",
	"Tutup acara ini? Peserta tidak dapat menandatangani lagi sampai acara dibuka kembali.":                                                 "Close this event? Participants cannot sign until it is opened again.",
	"Ganti tautan pribadi?": "Reissue the personal link?",
	"Ya, ganti tautan":      "Yes, reissue the link",
	"Ganti tautan pribadi %s? Tautan lama tidak berlaku lagi.":                                                            "Reissue %s's personal link? The old link will stop working.",
	"Tautan pribadi %s untuk “%s” akan diganti. Tautan lama, juga yang sudah dicetak atau dibagikan, tidak berlaku lagi.": "%s's personal link for “%s” will be replaced. The old link, including any printed or shared copies, will stop working.",
}
