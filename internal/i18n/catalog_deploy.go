package i18n

// The texts of running the service (issue 13, items 8 and 10).

var deployPageTexts = map[string]string{
	"Kode permintaan": "Request ID",
	"Sebutkan kode ini bila melapor ke pengelola layanan.": "Quote this ID when you report the problem to the service's operator.",
}
