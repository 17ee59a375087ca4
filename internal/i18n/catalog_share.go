package i18n

// The texts of sharing a certificate and of the officers' conveniences
// (issue 14 items 11 and 12).
var sharePageTexts = map[string]string{
	"Bagikan atau cetak": "Share or print",
	"Tautan yang dibagikan membuka halaman verifikasi publik, bukan halaman ini: orang lain dapat memeriksa sertifikat Anda tetapi tidak dapat mengunduhnya.": "The link you share opens the public verification page, not this page: others can check your certificate but cannot download it.",
	"Bagikan ke WhatsApp": "Share on WhatsApp",
	"Tautan verifikasi":   "Verification link",
	"Tautan disalin.":     "Link copied.",
	"Tidak dapat menyalin; tekan lama tautannya lalu salin.": "Could not copy; press and hold the link, then copy it.",
	"Salin tautan": "Copy link",
	"Cetak":        "Print",
}

var shareMessages = map[string]string{
	"Sertifikat ikrar netralitas saya untuk %s dapat diperiksa di %s": "My neutrality pledge certificate for %s can be checked at %s",
	"Server sedang sibuk. Coba lagi sebentar lagi.":                   "The server is busy. Try again in a moment.",
}
