package i18n

// The texts of issued certificates kept as records (issue 11, item 1).

var pdfrecPageTexts = map[string]string{
	"TERBITAN LAMA": "EARLIER ISSUE",
	"%s adalah terbitan lama sertifikat ini: sidik jarinya tercatat sebelum registri menyimpan setiap PDF yang diterbitkan, tetapi isinya tidak tersimpan sehingga tidak dapat dibandingkan. Unduh ulang sertifikat dari tautan pemiliknya untuk salinan yang tersimpan (SHA-256 %s).": "%s is an earlier issue of this certificate: its fingerprint was recorded before the registry stored every PDF it issues, but its content was not kept, so it cannot be compared. Download the certificate again from its owner's link for the stored copy (SHA-256 %s).",
}
