package i18n

// The texts of a full disk (issue 13, item 5).

var diskMessages = map[string]string{
	"Penyimpanan server penuh: permintaan ini belum tersimpan (bila Anda sedang menandatangani, tanda tangan Anda belum tersimpan). Coba lagi dalam beberapa menit.": "The server's storage is full: this request was not saved (if you were signing, your signature has not been saved). Please try again in a few minutes.",
}
