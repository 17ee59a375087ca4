package i18n

// The texts of honest verdicts (issue 11 item 5): pages first, then messages.

var verdictPageTexts = map[string]string{
	"TIDAK SAH": "NOT VALID",
	"Catatan ini tidak dapat dianggap sah sampai registri menjelaskannya.": "This record cannot be taken as valid until the registry explains it.",
}

// verdictMessages name the check a verification page's verdict failed.
var verdictMessages = map[string]string{
	"Checkpoint log tidak bertanda tangan sah dengan kunci registri yang dipublikasikan.": "The log's checkpoint is not validly signed with the registry's published keys.",
	"Catatan ini tidak ada di log transparansi.":                                          "The record is not in the transparency log.",
	"Catatan ini tidak cocok dengan entri log-nya.":                                       "The record differs from its log entry.",
	"Bukti inklusi tidak cocok dengan checkpoint bertanda tangan.":                        "The inclusion proof does not verify against the signed checkpoint.",
	"Catatan ini bertentangan dengan daftar pencabutan yang ditandatangani registri.":     "The record contradicts the revocation list the registry signed.",
	"Pencabutan ini tidak cocok dengan entri log-nya.":                                    "The revocation differs from its log entry.",
	"Klaim bertanda tangan pada kode QR tidak sah atau tidak cocok dengan catatan ini.":   "The signed claim in the QR code is not valid or does not match this record.",
	"Pemeriksaan gagal.": "A check failed.",
}
