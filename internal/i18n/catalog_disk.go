package i18n

// The texts of a full disk (issue 13, item 5).

var diskMessages = map[string]string{
	"Penyimpanan server penuh: permintaan ini belum tersimpan (bila Anda sedang menandatangani, tanda tangan Anda belum tersimpan). Coba lagi dalam beberapa menit.":                                                    "The server's storage is full: this request was not saved (if you were signing, your signature has not been saved). Please try again in a few minutes.",
	"Ruang disk server hampir penuh: sertifikat PDF ini belum dapat diterbitkan, agar ruang yang tersisa cukup untuk menyimpan tanda tangan. Catatan ikrar Anda tetap tersimpan; coba unduh lagi dalam beberapa menit.": "The server's disk is nearly full: this certificate PDF cannot be issued yet, so that the space left is kept for saving signatures. Your pledge record is saved; please try the download again in a few minutes.",
	"Penyimpanan penuh: penandatanganan terakhir gagal karena basis data tidak dapat bertambah besar.":                                                                                                                  "Storage full: the last signing failed because the database cannot grow.",
}
