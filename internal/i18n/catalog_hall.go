package i18n

// The texts of the screens in the hall (issue 14 items 3 and 4): the
// projector with its short address, and signing on a phone.
var hallPageTexts = map[string]string{
	"Pindai kode QR atau ketik alamat": "Scan the QR code or type the address",
	"18 digit, boleh ditulis seperti tercetak (dengan spasi, titik, atau tanda hubung). Pegawai non-ASN memakai nomor registri dari panitia (diawali R).": "18 digits, as printed (spaces, dots or dashes are fine). Non-ASN staff use the registry number from the organizers (starting with R).",
}

var hallMessages = map[string]string{
	"NIP harus 18 digit; yang Anda ketik kurang dari 18 digit. Contoh: 19860926 201505 1 001.": "The NIP has 18 digits; what you typed has fewer. Example: 19860926 201505 1 001.",
	"NIP harus 18 digit; yang Anda ketik lebih dari 18 digit. Contoh: 19860926 201505 1 001.":  "The NIP has 18 digits; what you typed has more. Example: 19860926 201505 1 001.",
	"NIP hanya berisi angka. Nomor registri pegawai non-ASN diawali huruf R lalu 17 digit.":    "An NIP has digits only. The registry number of non-ASN staff is the letter R and 17 digits.",
	"Nomor registri non-ASN terdiri dari huruf R lalu 17 digit.":                               "A non-ASN registry number is the letter R and 17 digits.",
	"Kode acara wajib diisi.": "Enter the event code.",
	"Terlalu banyak alamat acara yang salah dari jaringan ini. Coba lagi beberapa menit lagi, atau pindai kode QR.": "Too many wrong event addresses from this network. Try again in a few minutes, or scan the QR code.",
	"Alamat acara tidak ditemukan. Periksa kembali huruf dan angkanya, atau pindai kode QR di layar.":               "Event address not found. Check its letters and digits, or scan the QR code on the screen.",
}
