package i18n

// The texts of leaf version 2 (issue 11 item 2): what the log commits to.

var leafPageTexts = map[string]string{
	"Pangkat/golongan": "Rank/grade",
	"Waktu acara":      "Event time",
}

var leafMessages = map[string]string{
	"Teks ikrar yang tersimpan tidak cocok dengan sidik ikrar pada catatan ini.":        "The stored pledge text does not match the pledge fingerprint of this record.",
	"Sidik PDF sertifikat yang diterbitkan tidak cocok dengan entri log penerbitannya.": "The fingerprint of the issued certificate PDF does not match its issuance log entry.",
	"Sidik ikrar harus berupa 64 digit heksadesimal huruf kecil (SHA-256).":             "A pledge fingerprint is 64 lower-case hexadecimal digits (SHA-256).",
	"Ikrar dengan sidik tersebut tidak ditemukan.":                                      "No pledge with that fingerprint was found.",
	"Catatan tidak dapat dicatat di log: %v":                                            "The record cannot be logged: %v",
}
