package i18n

// The texts of witnessing (issue 12 item 2): pages first, then messages.

var witnessPageTexts = map[string]string{
	"Checkpoint yang memuat catatan ini belum disaksikan oleh cukup banyak saksi.": "The checkpoint holding this record has not been cosigned by enough witnesses.",
	"disaksikan oleh %s": "cosigned by %s",
	"%s dari %s saksi yang disyaratkan menandatangani bersama": "%s of the %s required witnesses cosigned",
}

var witnessMessages = map[string]string{
	"Checkpoint yang memuat catatan ini belum disaksikan oleh cukup banyak saksi.":                    "The checkpoint holding this record has not been cosigned by enough witnesses.",
	"Permintaan add-checkpoint tidak sesuai format c2sp.org/tlog-witness.":                            "The add-checkpoint request does not follow the c2sp.org/tlog-witness format.",
	"Saksi ini tidak menyaksikan log tersebut.":                                                       "This witness does not witness that log.",
	"Checkpoint tidak ditandatangani kunci log yang dipercaya saksi ini.":                             "The checkpoint is not signed by a log key this witness trusts.",
	"Bukti konsistensi tidak sah: checkpoint ini tidak melanjutkan checkpoint yang telah disaksikan.": "The consistency proof does not verify: this checkpoint does not extend the one already witnessed.",
	"Saksi sedang sibuk; coba lagi sebentar lagi.":                                                    "The witness is busy; try again shortly.",
}
