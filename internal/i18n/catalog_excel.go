package i18n

// The texts of exports for Indonesian Excel (issue 14, item 6).

var excelPageTexts = map[string]string{
	"pemisah koma": "comma-separated",
	"koma":         "comma",
	"CSV memakai pemisah titik koma (;) agar kolomnya terpisah di Excel dengan pengaturan wilayah Indonesia; pilih “pemisah koma” untuk Excel berpengaturan Inggris atau program lain.": "CSV files use a semicolon (;) as separator so that Excel with Indonesian regional settings splits the columns; choose “comma-separated” for Excel with English settings or other programs.",
}

var excelMessages = map[string]string{
	"Pemisah CSV tidak dikenal: gunakan sep=semicolon (titik koma, bawaan) atau sep=comma (koma).": "Unknown CSV separator: use sep=semicolon (the default) or sep=comma.",
}
