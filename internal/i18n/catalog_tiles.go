package i18n

// The texts of the public tiles and entry bundles (issue 12, item 3).

var tilesMessages = map[string]string{
	"Petak log tidak ditemukan: jalurnya tidak sah atau melampaui checkpoint terbaru.":                                                                           "Log tile not found: the path is not valid or lies beyond the latest checkpoint.",
	"Entri log tidak dapat disajikan: catatan di basis data tidak lagi sesuai dengan log transparansi. Pengelola registri harus menjalankan ikrar audit --data.": "The log entries cannot be served: the records in the database no longer match the transparency log. The registry's operator must run ikrar audit --data.",
}
