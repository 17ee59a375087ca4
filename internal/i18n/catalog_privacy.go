package i18n

// The texts of the privacy hardening (issue 10): pages first, then messages.

var privacyPageTexts = map[string]string{
	"Data pegawai telah dihapus, beserta data pribadi pada %d sertifikatnya.": "The employee was erased, with the personal data on %d of their certificates.",
	"Hapus data seorang pegawai": "Erase an employee's data",
	"Atas permintaan yang sah (UU 27/2022): pegawai dihapus dari daftar, dan data pribadinya dihapus dari semua sertifikatnya. Catatan ikrar dan buktinya di log tetap sah. Tindakan ini tidak dapat dibatalkan; impor berikutnya yang memuat NIP-nya menambahkannya lagi sebagai pegawai baru.": "On a lawful request (Law 27/2022): the employee is removed from the roster, and their personal data is erased from all their certificates. The pledge records and their log proofs remain valid. This cannot be undone; a later import that lists their NIP adds them again as a new employee.",
	"Hapus data pegawai": "Erase employee data",
	"Atas permintaan yang sah (UU 27/2022 tentang Pelindungan Data Pribadi): nama, NIP, jabatan, pangkat, unit kerja, tanda tangan, sidik PDF, dan alamat jaringan dihapus dari catatan ini, dan catatan tidak lagi terhubung dengan daftar pegawai. Catatan ikrar dan buktinya di log tetap sah; PDF tidak dapat diunduh lagi. Tindakan ini tidak dapat dibatalkan.": "On a lawful request (Law 27/2022 on Personal Data Protection): the name, NIP, position, rank, unit, signature, PDF fingerprint and network address are erased from this record, and the record no longer links to the roster. The pledge record and its log proof remain valid; the PDF can no longer be downloaded. This cannot be undone.",
	"Hapus juga orang ini: semua sertifikatnya dan datanya di daftar pegawai": "Also erase this person: all their certificates and their roster entry",
	"milik %s": "owned by %s",
	"bawaan sistem, untuk semua pemerintah daerah":                                                              "system default, for every regional government",
	"Versi baru milik organisasi Anda: hanya organisasi Anda dan unit di bawahnya yang melihat dan memakainya.": "A new version belongs to your organization: only your organization and the units below it see and use it.",
}

var privacyMessages = map[string]string{
	"Nomor halaman harus bilangan bulat dari 1 sampai %d.":          "The page number must be a whole number from 1 to %d.",
	"Sertifikat ini sudah tidak terhubung dengan pegawai mana pun.": "This certificate is no longer linked to any employee.",
	"Pegawai tidak ditemukan.":                                      "Employee not found.",
}
