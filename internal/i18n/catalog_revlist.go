package i18n

// The texts of the signed revocation list (issue 11, item 9).

var revlistMessages = map[string]string{
	"Daftar pencabutan tidak dapat ditandatangani: catatan di basis data tidak lagi sesuai dengan log transparansi. Pengelola registri harus menjalankan ikrar audit --data.": "The revocation list cannot be signed: the records in the database no longer match the transparency log. The registry's operator must run ikrar audit --data.",
}
