package i18n

// The texts of issued certificates kept as records (issue 11, item 1).

var pdfrecPageTexts = map[string]string{
	"TERBITAN LAMA": "EARLIER ISSUE",
	"%s sama persis dengan PDF yang dahulu diterbitkan registri untuk kode ini (sidik jarinya tercatat saat itu), tetapi sertifikat ini telah diterbitkan ulang sejak registri menyimpan setiap PDF. Salinan yang berlaku dapat diunduh ulang dari tautan pemiliknya (SHA-256 %s).": "%s is byte for byte the PDF this registry issued for this code earlier (its fingerprint was recorded then), but the certificate has been re-issued since the registry began storing every PDF. The current copy can be downloaded again from its owner's link (SHA-256 %s).",
}
