package i18n

// The texts of long work shown with its progress (issue 13 item 11): a
// roster import from the admin page runs as a job with a page of its own.
var progressPageTexts = map[string]string{
	"Mengimpor %s":                    "Importing %s",
	"Impor berjalan":                  "Import running",
	"Mengunggah berkas… {p}%":         "Uploading the file… {p}%",
	"Berkas terkirim; impor dimulai…": "File sent; the import is starting…",
	"Unggahan terputus. Periksa sambungan lalu coba lagi.": "The upload was cut off. Check the connection and try again.",
	"Halaman ini diperbarui sendiri dan menampilkan hasilnya begitu impor selesai. Impor tetap berjalan bila halaman ditutup; hasilnya dapat dibuka lagi di alamat ini selama satu jam.": "This page updates itself and shows the result as soon as the import ends. The import goes on if the page is closed; its result can be opened at this address for an hour.",
}

var progressMessages = map[string]string{
	// The command line's progress lines say both languages at once.
	"%s: selesai/done, %s\n":            "%s: selesai/done, %s\n",
	"%s: berjalan/running, %s\n":        "%s: berjalan/running, %s\n",
	", sisa/left ±":                     ", sisa/left ±",
	"Langkah 1 dari 4: membaca berkas…": "Step 1 of 4: reading the file…",
	"Langkah 2 dari 4: mencocokkan %s dari %s baris dengan data pegawai…": "Step 2 of 4: matching %s of %s rows with the employee data…",
	"Langkah 3 dari 4: menulis %s dari %s baris…":                         "Step 3 of 4: writing %s of %s rows…",
	"Langkah 4 dari 4: menyimpan semua baris sekaligus…":                  "Step 4 of 4: saving all rows at once…",
	"Selesai. Memuat hasil…":                                              "Done. Loading the result…",
	"Impor ini tidak ditemukan.":                                          "This import was not found.",
	"Impor ini tidak ditemukan. Hasil impor disimpan satu jam; impor yang terputus karena server dimulai ulang tidak tersimpan sama sekali: periksa daftar pegawai, lalu unggah lagi bila perlu.": "This import was not found. Import results are kept for an hour; an import cut off by a server restart was not saved at all: check the employee list, then upload again if needed.",
	"Impor gagal karena kesalahan server; tidak ada yang tersimpan. Coba lagi, atau hubungi pengelola sistem dengan kode permintaan di bawah.":                                                    "The import failed because of a server error; nothing was saved. Try again, or contact the system administrator quoting the request code below.",
}
