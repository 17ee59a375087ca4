package i18n

// The texts of signing again after a revocation (issue 14 item 1).

var resignPageTexts = map[string]string{
	"Sertifikat Anda sebelumnya untuk acara ini telah dicabut pada": "Your earlier certificate for this event was revoked on",
	"Anda dapat menandatangani ikrar ini kembali: tanda tangan baru menghasilkan sertifikat baru, sedangkan sertifikat yang dicabut tetap tercatat sebagai dicabut.": "You may sign this pledge again: the new signature makes a new certificate, and the revoked certificate stays on record as revoked.",
	"Pegawai ini telah menandatangani kembali:": "This employee has signed again:",
	"Setelah dicabut, pegawai tersebut kembali terhitung belum menandatangani dan dapat menandatangani lagi selama acara dibuka; tanda tangan barunya menjadi sertifikat baru.": "Once revoked, the employee counts as not signed again and may sign again while the event is open; the new signature becomes a new certificate.",
}
