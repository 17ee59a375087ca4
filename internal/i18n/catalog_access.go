package i18n

// The texts of the access hardening (issue 10): pages first, then messages.

var accessPageTexts = map[string]string{
	"Minimal 12 karakter; bukan kata sandi yang umum dipakai, dan tidak memuat nama atau alamat email Anda.": "At least 12 characters; not a commonly used password, and not containing your name or email address.",
}

var accessMessages = map[string]string{
	// Passwords.
	"Kata sandi maksimal %d karakter.": "The password must be at most %d characters long.",
	"Kata sandi ini termasuk yang paling umum dipakai dan mudah ditebak. Pilih kata sandi lain.": "This password is among the most commonly used and easy to guess. Choose another one.",
	"Kata sandi tidak boleh memuat nama atau alamat email Anda.":                                 "The password must not contain your name or email address.",
	"Server sedang sibuk memeriksa kata sandi. Tunggu sebentar lalu coba lagi.":                  "The server is busy checking passwords. Wait a moment and try again.",

	// API tokens.
	"Akun nonaktif tidak dapat memakai token API.":          "A deactivated account cannot use API tokens.",
	"Nama token maksimal %d karakter.":                      "A token name may be at most %d characters long.",
	"Masa berlaku token harus antara 1 dan %d hari.":        "A token's lifetime must be between 1 and %d days.",
	"Token API hanya dapat dibuat untuk akun Anda sendiri.": "API tokens can only be created for your own account.",
	"Token tidak ditemukan.":                                "Token not found.",
	"Token API sudah kedaluwarsa. Buat token baru.":         "The API token has expired. Create a new one.",
}
