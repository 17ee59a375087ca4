package i18n

// The texts of personal data by UU PDP (issue 14 item 13): the privacy
// notice, the organization's privacy settings, the signer's export and
// event retention. Pages first, then messages.

var pdpPageTexts = map[string]string{
	"Pemberitahuan privasi": "Privacy notice",
	"%s selaku pengendali data pribadi mencatat ikrar Anda untuk membuktikan pernyataan netralitas ASN dan menerbitkan sertifikat yang dapat diverifikasi.": "%s, as the controller of personal data, records your pledge to evidence the civil service (ASN) neutrality declaration and to issue a verifiable certificate.",
	"Yang dicatat: waktu, kanal, alamat jaringan, dan gambar tanda tangan Anda, termasuk waktu setiap titik goresannya.":                                    "Recorded: the time, the channel, your network address and the drawing of your signature, including the timing of each point of its strokes.",
	"Yang dicatat: waktu, kanal, alamat jaringan, dan gambar tanda tangan Anda.":                                                                            "Recorded: the time, the channel, your network address and the drawing of your signature.",
	"Data pribadi Anda ditampilkan tersamar pada halaman publik.":                                                                                           "Your personal data is shown masked on public pages.",
	"Selengkapnya: dasar hukum, masa simpan, hak Anda, dan kontak":                                                                                          "More: legal basis, retention, your rights and whom to contact",
	"Sesuai Undang-Undang Nomor 27 Tahun 2022 tentang Pelindungan Data Pribadi.":                                                                            "Under Law No. 27 of 2022 on Personal Data Protection.",
	"Pengendali data pribadi": "Controller of personal data",
	"Tujuan":                  "Purpose",
	"Mencatat ikrar netralitas ASN yang Anda tandatangani dan menerbitkan sertifikat yang dapat diverifikasi oleh siapa pun.": "Recording the ASN neutrality pledge you sign and issuing a certificate anyone can verify.",
	"Dasar pemrosesan": "Legal basis",
	"Pemenuhan kewajiban hukum dan pelaksanaan tugas dalam rangka kepentingan umum atau kewenangan pengendali berdasarkan peraturan perundang-undangan (Pasal 20 ayat (2) UU 27/2022), yaitu ketentuan tentang netralitas Aparatur Sipil Negara.": "Compliance with a legal obligation and the performance of a task in the public interest or of the controller's authority under the law (Article 20(2) of Law 27/2022), namely the rules on the neutrality of the civil service (ASN).",
	"Data yang dicatat": "What is recorded",
	"NIP, nama, jabatan, pangkat/golongan, dan unit kerja Anda dari daftar pegawai; waktu penandatanganan; kanal (kode acara atau tautan pribadi); alamat jaringan (IP) dan jenis peramban; gambar tanda tangan Anda atau nama yang Anda ketik.": "Your NIP, name, position, rank/grade and unit from the staff roster; the time of signing; the channel (event code or personal link); your network (IP) address and browser type; the drawing of your signature or the name you typed.",
	"Organisasi ini juga mencatat waktu setiap titik goresan tanda tangan Anda, yang merupakan data biometrik perilaku.":                                                                                                                         "This organization also records the timing of each point of your signature's strokes, which is behavioural biometric data.",
	"Masa simpan": "Retention",
	"Data pribadi pada catatan acara ini disimpan sampai %s, lalu dihapus.": "The personal data in this event's records is kept until %s, then erased.",
	"Data pribadi disimpan sesuai kebijakan retensi arsip %s.":              "Personal data is kept according to the records retention policy of %s.",
	"Hak Anda": "Your rights",
	"Anda berhak mendapat informasi dan mengakses data Anda (unduh dari halaman sertifikat Anda), memperbaiki data yang keliru, dan meminta penghapusan sejauh diizinkan undang-undang.": "You have the right to be informed and to access your data (download it from your certificate page), to have wrong data corrected, and to request erasure where the law allows.",
	"Log transparansi": "Transparency log",
	"Log transparansi hanya memuat komitmen kriptografis, bukan data pribadi Anda; penghapusan data tidak membatalkan bukti ikrar.": "The transparency log holds only cryptographic commitments, not your personal data; erasing the data does not invalidate the proof of the pledge.",
	"Kontak": "Contact",
	"Panitia acara atau pengelola kepegawaian %s.": "The event's organizers or the staff administration of %s.",
	"Kembali ke halaman acara":                     "Back to the event page",
	"Data pribadi penanda tangan":                  "Signers' personal data",
	"Pengaturan data pribadi disimpan.":            "Personal data settings saved.",
	"Pemberitahuan privasi pada halaman penandatanganan acara organisasi ini menyebut organisasi ini sebagai pengendali data pribadi dan kontak di bawah ini.": "The privacy notice on the signing pages of this organization's events names this organization as the controller of personal data, and the contact below.",
	"Kontak untuk urusan data pribadi":                 "Contact for personal data matters",
	"contoh: PPID BKPSDM, ppid@kabupaten.go.id, 0812…": "e.g. PPID BKPSDM, ppid@kabupaten.go.id, 0812…",
	"Simpan waktu setiap titik goresan tanda tangan":   "Keep the timing of each point of signature strokes",
	"Waktu goresan adalah data biometrik perilaku (UU 27/2022). Bila tidak dicentang, waktu dibuang sebelum disimpan dan hanya bentuk tanda tangan yang dicatat; pemberitahuan privasi menyebutkannya bila dicentang.": "Stroke timing is behavioural biometric data (Law 27/2022). Unchecked, the times are dropped before storage and only the signature's shape is recorded; when checked, the privacy notice says so.",
	"Simpan pengaturan":                           "Save settings",
	"Mengubah pengaturan data pribadi organisasi": "Changed the organization's personal data settings",
	"Mengubah tanggal retensi data acara":         "Changed the event's data retention date",
}

var pdpMessages = map[string]string{
	"Kontak data pribadi paling panjang %d karakter.":    "The personal data contact is at most %d characters.",
	"Tanggal retensi tidak boleh sebelum acara dimulai.": "The retention date may not be before the event starts.",
	"tanpa waktu goresan":                                "without stroke timing",
	"dengan waktu goresan":                               "with stroke timing",
	"tanpa tanggal retensi":                              "no retention date",
}
