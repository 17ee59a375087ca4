package i18n

// The texts of the signer that never signs a fork and of publication
// (issue 12, items 1 and 5).

var forkPageTexts = map[string]string{
	"Checkpoint yang mencakup catatan acara ini": "The checkpoint that covers this event's records",
	"Ukuran log": "Log size",
	"Akar pohon": "Tree root",
	"Nama log":   "Log name",
	"Saksi":      "Witnesses",
	"tidak ada":  "none",
	"Catatan terakhir acara ini belum dicakup checkpoint yang ditandatangani.":                                               "The event's last record is not yet covered by a signed checkpoint.",
	"Dengan checkpoint ini siapa pun dapat memeriksa bahwa riwayat log yang memuat catatan acara ini tidak diubah kemudian.": "With this checkpoint anyone can check that the history of the log holding this event's records was not changed afterwards.",
}

var forkMessages = map[string]string{
	"Basis data tidak menjawab.": "The database does not answer.",
	"Pohon log yang tersimpan tidak lagi sesuai dengan checkpoint terakhir yang ditandatangani registri ini: tidak ada checkpoint baru yang ditandatangani. Jalankan ikrar audit --data.": "The stored log tree no longer agrees with the last checkpoint this registry signed: no new checkpoint is signed. Run ikrar audit --data.",
	"Server sedang berhenti; coba lagi sebentar lagi.":                                         "The server is stopping; try again shortly.",
	"Server sedang berhenti dan tidak menerima permintaan baru.":                               "The server is stopping and takes no new requests.",
	"Basis data tidak dapat menyimpan: penandatanganan akan gagal.":                            "The database cannot store: signings will fail.",
	"Ruang kosong disk data tidak dapat dibaca.":                                               "The free space of the data disk cannot be read.",
	"Ruang kosong disk data hampir habis: penandatanganan dapat gagal.":                        "The data disk is almost full: signings may fail.",
	"Log transparansi belum memiliki checkpoint yang ditandatangani. Coba lagi sebentar lagi.": "The transparency log has no signed checkpoint yet. Try again shortly.",
}
