package i18n

// The texts of the official look of documents and the complaint channels
// (issue 14 items 10 and 14): pages first, then messages.

var officialPageTexts = map[string]string{
	"Logo kop surat":           "Letterhead logo",
	"Mengganti logo kop surat": "Changed the letterhead logo",
	"Logo dicetak di kop surat sertifikat yang terbit sesudah ini, Berita Acara, dan rekapitulasi, di samping nama organisasi dan organisasi induknya. Sertifikat yang sudah terbit tidak berubah.": "The logo is printed in the letterhead of certificates issued from now on, of the Berita Acara and of the recap, beside the names of the organization and its parent. Certificates already issued do not change.",
	"Logo disimpan.":    "Logo saved.",
	"Logo dihapus.":     "Logo removed.",
	"Logo yang dicetak": "The logo printed",
	"Logo organisasi induk; unggah logo sendiri untuk menggantinya.": "The parent organization's logo; upload your own to replace it.",
	"Berkas logo (PNG)": "Logo file (PNG)",
	"PNG, paling besar 512 KB dan 2000 × 2000 piksel; latar transparan dianjurkan. SVG tidak diterima karena dapat memuat skrip: ekspor dulu sebagai PNG.": "PNG, at most 512 KB and 2000 × 2000 pixels; a transparent background is best. SVG is not accepted because it can carry scripts: export it as PNG first.",
	"Unggah logo":                           "Upload logo",
	"Hapus logo":                            "Remove logo",
	"NIP pejabat":                           "Official's NIP",
	"NIP pejabat %d (opsional)":             "NIP of official %d (optional)",
	"Melaporkan pelanggaran netralitas ASN": "Reporting a breach of civil service neutrality",
	"Melihat ASN tidak netral, misalnya ikut berkampanye atau memihak peserta pemilihan? Laporkan melalui kanal pengaduan resmi:": "Seen a civil servant who is not neutral, for instance campaigning or taking sides in an election? Report it through the official complaint channels:",
	"Tautan ini membuka situs pemerintah tanpa membawa data apa pun dari halaman ini.":                                            "These links open the government sites without carrying any data from this page.",
	"Sistem Berbagi Terintegrasi Badan Kepegawaian Negara, menu Pelaporan Publik, kategori Netralitas":                            "the National Civil Service Agency's Integrated Sharing System, menu Pelaporan Publik (public reports), category Netralitas (neutrality)",
	"Sistem Pengelolaan Pengaduan Pelayanan Publik Nasional":                                                                      "the national public service complaints system",
	"Tidak wajib. Dicetak di bawah nama pejabat pada sertifikat dan Berita Acara.":                                                "Optional. Printed under the official's name on the certificate and the Berita Acara.",
}

var officialMessages = map[string]string{
	"NIP pejabat harus NIP PNS atau NI PPPK 18 digit, bukan nomor registri non-ASN.": "The official's NIP must be an 18-digit PNS NIP or PPPK number, not a non-ASN registry number.",
	"NIP pejabat: %s":                                 "Official's NIP: %s",
	"NIP pejabat pada baris %d: %s":                   "Official's NIP on row %d: %s",
	"Berkas logo terlalu besar: paling besar 512 KB.": "The logo file is too large: at most 512 KB.",
	"Pilih berkas logo (PNG).":                        "Choose a logo file (PNG).",
	"Organisasi ini belum punya logo.":                "This organization has no logo yet.",
	"Logo SVG tidak diterima karena dapat memuat skrip. Simpan logo sebagai PNG (ekspor dari aplikasi gambar), lalu unggah lagi.": "SVG logos are not accepted because they can carry scripts. Save the logo as PNG (export it from a drawing program), then upload it again.",
	"Berkas ini bukan gambar PNG. Unggah logo dalam format PNG.":                                                                  "This file is not a PNG image. Upload the logo as PNG.",
	"Berkas PNG ini rusak atau tidak dapat dibaca.":                                                                               "This PNG file is damaged or cannot be read.",
	"Ukuran logo terlalu besar: paling besar 2000 × 2000 piksel.":                                                                 "The logo is too large: at most 2000 × 2000 pixels.",
	"Logo terlalu kecil untuk dicetak: paling kecil 32 × 32 piksel.":                                                              "The logo is too small to print: at least 32 × 32 pixels.",
}
