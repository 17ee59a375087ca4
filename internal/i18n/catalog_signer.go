package i18n

// The texts of the signer hardening (issue 10): pages first, then messages.

var signerPageTexts = map[string]string{
	"Anda sudah menandatangani":           "You have already signed",
	"Anda sudah menandatangani ikrar ini": "You have already signed this pledge",
	"Cara mengambil sertifikat Anda":      "How to get your certificate",
	"Di perangkat yang Anda pakai saat menandatangani: buka halaman acara ini lalu masukkan NIP dan kode acara; sertifikat Anda akan terbuka.": "On the device you signed with: open this event's page and enter your NIP and the event code; your certificate opens.",
	"Melalui tautan pribadi Anda dari panitia (misalnya lewat WhatsApp atau surel): tautan itu membuka sertifikat Anda.":                       "Through your personal link from the organizers (for example by WhatsApp or e-mail): it opens your certificate.",
	"Melalui BKPSDM atau pengelola kepegawaian instansi Anda, yang dapat mengunduhkan sertifikat Anda.":                                        "Through BKPSDM or your agency's HR office, who can download your certificate for you.",
	"Untuk melindungi data pribadi, sertifikat tidak dapat dibuka hanya dengan NIP dan kode acara.":                                            "To protect personal data, a certificate cannot be opened with an NIP and the event code alone.",
	"Nama Anda sendiri seperti di atas; gelar boleh ditulis atau tidak.":                                                                       "Your own name as shown above; titles may be written or left out.",
	"Nama Anda sesuai data kepegawaian; gelar boleh ditulis atau tidak.":                                                                       "Your name as in the personnel records; titles may be written or left out.",
	"Masukkan NIP dan kode acara yang sama untuk melihat cara mengambil sertifikat Anda.":                                                      "Enter the same NIP and event code to see how to get your certificate.",
	"Sudah menandatangani? Masukkan NIP dan kode yang sama untuk melihat cara mengambil sertifikat Anda.":                                      "Already signed? Enter the same NIP and code to see how to get your certificate.",
}

var signerMessages = map[string]string{
	"Untuk keamanan, ketik juga nama lengkap Anda sesuai data kepegawaian, lalu tekan Lanjut.": "For security, also type your full name as in the personnel records, then press Continue.",
	"NIP, kode, atau nama tidak cocok. Periksa kembali lalu coba lagi.":                        "NIP, code or name do not match. Check them and try again.",
	"nama tidak cocok": "name does not match",
	"Nama yang Anda ketik bukan nama Anda pada data kepegawaian (%s). Ketik nama Anda sendiri; gelar boleh ditulis atau tidak.": "The name you typed is not your name in the personnel records (%s). Type your own name; titles may be written or left out.",
	"Badan permintaan harus berupa JSON (Content-Type: application/json).":                                                      "The request body must be JSON (Content-Type: application/json).",
	"Halaman konfirmasi sudah kedaluwarsa. Masukkan NIP dan kode acara lagi; tanda tangan Anda tetap tersimpan di formulir.":    "The confirmation page has expired. Enter your NIP and the event code again; your signature is kept in the form.",
}
