package i18n

// The texts of paper and witnessed signatures (issue 14 item 8).

var paperPageTexts = map[string]string{
	"Tanda tangan di atas kertas": "Signatures on paper",
	"Catat pakta yang ditandatangani di atas kertas (pada upacara, atau oleh pegawai tanpa ponsel): pilih peserta, unggah pindaiannya, dan tulis nama saksinya. Catatan ini dihitung seperti tanda tangan lain dan dicatat di log transparansi bersama sidik pindaiannya.": "Record a pakta signed on paper (at the ceremony, or by staff without a phone): choose the participant, upload its scan and write the witness's name. The record counts like any other signature and is logged in the transparency log with its scan's fingerprint.",
	"Tanda tangan %s di atas kertas tercatat.":                                            "%s's signature on paper is recorded.",
	"Acara ini masih draf: buka acara dulu sebelum mencatat tanda tangan di atas kertas.": "This event is still a draft: open it before recording signatures on paper.",
	"Penandatanganan di ponsel sudah ditutup. Pakta yang ditandatangani di atas kertas selama acara masih dapat dicatat; sertifikatnya menyebut waktu pencatatan, dan jejak audit mencatat bahwa pencatatan dilakukan setelah penutupan.": "Signing on phones is closed. A pakta signed on paper during the event can still be recorded; its certificate gives the time it was recorded, and the audit trail notes it was recorded after closing.",
	"; dicatat setelah penandatanganan ditutup":               "; recorded after signing closed",
	"scan sha256 %s; dicatat setelah penandatanganan ditutup": "scan sha256 %s; recorded after signing closed",
	"1. Cari peserta":                      "1. Find the participant",
	"Nama atau NIP":                        "Name or NIP",
	"%s peserta belum menandatangani.":     "%s participants have not signed.",
	"2. Catat tanda tangan":                "2. Record the signature",
	"Pindaian pakta (PDF, PNG, atau JPEG)": "Scan of the pakta (PDF, PNG or JPEG)",
	"Paling besar %d MB.":                  "At most %d MB.",
	"Pilih peserta":                        "Choose the participant",
	"Nama saksi":                           "Witness's name",
	"Catat tanda tangan kertas":            "Record the paper signature",
	"Tidak ada peserta yang belum menandatangani dengan nama atau NIP itu.": "No participant who has not signed has that name or NIP.",
	"Semua peserta sudah menandatangani.":                                   "Every participant has signed.",
	"Sidik pindaian (SHA-256)":                                              "Scan fingerprint (SHA-256)",
	"Mencatat tanda tangan di atas kertas":                                  "Recorded a signature on paper",
	"Unduh pindaian":                                                        "Download the scan",
	"Di atas kertas (disaksikan)":                                           "On paper (witnessed)",
}

var paperMessages = map[string]string{
	"Berkas pindaian terlalu besar (paling besar %d MB).":                                                    "The scan file is too large (at most %d MB).",
	"Unggah pindaian pakta yang ditandatangani (PDF, PNG, atau JPEG).":                                       "Upload the scan of the signed pakta (PDF, PNG or JPEG).",
	"Berkas PDF pindaian rusak atau tidak lengkap. Pindai ulang lalu unggah kembali.":                        "The scan's PDF file is damaged or incomplete. Scan it again and upload it again.",
	"Gambar pindaian rusak dan tidak dapat dibaca. Pindai ulang lalu unggah kembali.":                        "The scan image is damaged and cannot be read. Scan it again and upload it again.",
	"Ukuran gambar pindaian %d×%d piksel di luar batas (paling besar %d piksel per sisi dan %d megapiksel).": "The scan image's size of %d×%d pixels is out of bounds (at most %d pixels a side and %d megapixels).",
	"Pindaian harus berupa PDF, PNG, atau JPEG.":                                                             "The scan must be a PDF, PNG or JPEG.",
	"Peran Anda tidak mengizinkan mencatat tanda tangan di atas kertas.":                                     "Your role does not allow recording signatures on paper.",
	"Catatan ini tidak ditandatangani di atas kertas.":                                                       "This record was not signed on paper.",
	"Pindaian tidak tersimpan lagi (data pribadi catatan ini sudah dihapus).":                                "The scan is no longer stored (this record's personal data was erased).",
	"Nama saksi wajib diisi.":                                                        "The witness's name is required.",
	"Nama saksi terlalu panjang (paling banyak %d karakter).":                        "The witness's name is too long (at most %d characters).",
	"Pilih peserta yang menandatangani.":                                             "Choose the participant who signed.",
	"NIP %s bukan peserta acara ini.":                                                "NIP %s is not a participant of this event.",
	"%s sudah menandatangani ikrar acara ini.":                                       "%s has already signed this event's pledge.",
	"Tanda tangan di atas kertas dicatat oleh petugas.":                              "Signatures on paper are recorded by an officer.",
	"Kirim formulir sebagai multipart/form-data dengan nip, scan, dan witness_name.": "Send the form as multipart/form-data with nip, scan and witness_name.",
	"Pindaian": "Scan",
}
