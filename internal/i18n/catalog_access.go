package i18n

// The texts of the access hardening (issue 10): pages first, then messages.

var accessPageTexts = map[string]string{
	// API tokens.
	"Token API": "API tokens",
	"Token API dipakai sistem lain (misalnya SIMPEG) untuk memanggil API ikrar atas nama akun Anda, dengan peran dan cakupan organisasi Anda. Token berakhir pada tanggal kedaluwarsanya, saat dicabut, saat kata sandi Anda diubah atau direset, dan saat akun Anda dinonaktifkan.": "API tokens let other systems (SIMPEG, for example) call ikrar's API on behalf of your account, with your role and organization scope. A token ends on its expiry date, when it is revoked, when your password is changed or reset, and when your account is deactivated.",
	"Token dibuat. Token ini hanya ditampilkan sekali: salin sekarang dan simpan di sistem yang memakainya.": "Token created. It is shown only this once: copy it now and store it in the system that uses it.",
	"Token Anda":       "Your tokens",
	"Kedaluwarsa":      "Expires",
	"kedaluwarsa":      "expired",
	"Terakhir dipakai": "Last used",
	"Cabut":            "Revoke",
	"Belum ada token.": "No tokens yet.",
	"Buat token":       "Create a token",
	"Nama token":       "Token name",
	"Untuk apa token ini, misalnya: sinkronisasi SIMPEG.": "What the token is for, for example: SIMPEG sync.",
	"Berlaku (hari)":                         "Valid for (days)",
	"Pengguna ini tidak memiliki token API.": "This user has no API tokens.",

	// Audit trail actions.
	"Mencabut token API":               "Revoked an API token",
	"Melihat tautan pribadi peserta":   "Viewed participants' personal links",
	"Mengunduh tautan pribadi peserta": "Downloaded participants' personal links",

	"Minimal 12 karakter; bukan kata sandi yang umum dipakai, dan tidak memuat nama atau alamat email Anda.": "At least 12 characters; not a commonly used password, and not containing your name or email address.",
}

var accessMessages = map[string]string{
	// Passwords.
	"Kata sandi maksimal %d karakter.": "The password must be at most %d characters long.",
	"Kata sandi ini termasuk yang paling umum dipakai dan mudah ditebak. Pilih kata sandi lain.": "This password is among the most commonly used and easy to guess. Choose another one.",
	"Kata sandi tidak boleh memuat nama atau alamat email Anda.":                                 "The password must not contain your name or email address.",
	"Server sedang sibuk memeriksa kata sandi. Tunggu sebentar lalu coba lagi.":                  "The server is busy checking passwords. Wait a moment and try again.",

	// Sessions and API tokens.
	"Sesi tidak ditemukan.":                                 "Session not found.",
	"Akun nonaktif tidak dapat memakai token API.":          "A deactivated account cannot use API tokens.",
	"Nama token maksimal %d karakter.":                      "A token name may be at most %d characters long.",
	"Masa berlaku token harus antara 1 dan %d hari.":        "A token's lifetime must be between 1 and %d days.",
	"Token API hanya dapat dibuat untuk akun Anda sendiri.": "API tokens can only be created for your own account.",
	"Token tidak ditemukan.":                                "Token not found.",
	"Token API sudah kedaluwarsa. Buat token baru.":         "The API token has expired. Create a new one.",

	// Personal links.
	"Peran Anda tidak mengizinkan melihat atau mengunduh tautan pribadi peserta.": "Your role does not allow seeing or downloading participants' personal links.",
	"%s: %d tautan": "%s: %d links",
}
