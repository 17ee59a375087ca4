package i18n

// The texts of the roster hardening (issue 10): pages first, then messages.

var rosterPageTexts = map[string]string{}

var rosterMessages = map[string]string{
	// Employees are unique per government and NIP; imports stay in the
	// importer's subtree.
	"NIP sudah terdaftar pada organisasi lain dalam pemerintah daerah ini, di luar kewenangan Anda; pemindahan pegawai diproses oleh admin yang membawahi kedua organisasi": "The NIP is already registered to another organization of this government, outside your authority; a transfer is made by an admin over both organizations",
	"Data pegawai berubah selama impor berlangsung. Ulangi impor.": "The roster changed while the import ran. Import again.",
	"Impor data pegawai tidak dapat disimpan.":                     "The roster import could not be stored.",
	"%d baru, %d diperbarui, %d ditolak":                           "%d new, %d updated, %d refused",

	// Bounds on uploaded files.
	"Berkas terlalu besar (maksimal %d MB).":                                                                     "The file is too large (at most %d MB).",
	"Baris %d berisi terlalu banyak kolom (maksimal %d).":                                                        "Row %d has too many columns (at most %d).",
	"Sel pada baris %d terlalu panjang (maksimal 32 KB).":                                                        "A cell in row %d is too long (at most 32 KB).",
	"Baris judul dengan kolom NIP dan nama tidak ditemukan pada %d baris pertama.":                               "No header row with NIP and name columns in the first %d rows.",
	"Isi berkas XLSX terlalu besar setelah dibuka (maksimal %d MB). Simpan data pegawai saja, atau gunakan CSV.": "The XLSX file is too large once unpacked (at most %d MB). Keep only the roster in it, or use CSV.",
	"Berkas XLSX tidak wajar: isinya memampat lebih dari %d kali. Simpan ulang berkas dari Excel.":               "The XLSX file is abnormal: its content is compressed more than %d times. Save it again from Excel.",
	"Impor lain sedang diproses. Tunggu sebentar lalu unggah lagi.":                                              "Another import is being processed. Wait a moment, then upload again.",
}
