package registry

// ComplaintChannel is an official channel where anyone may report a civil
// servant who breaks the neutrality the pledge promises.
type ComplaintChannel struct {
	Name  string
	URL   string
	About string // who handles it, in a phrase
}

// ComplaintChannels are the channels the verification page and the
// certificate point to, as plain links: nothing of the record is put into
// them. Since KASN was dissolved (UU 20/2023), neutrality reports go to
// BKN, whose Sistem Berbagi Terintegrasi takes public reports under
// "Pelaporan Publik" → "Netralitas"; SP4N-LAPOR! takes a report that
// names no NIK or NIP.
var ComplaintChannels = []ComplaintChannel{
	{Name: "SBT BKN", URL: "https://sbt.bkn.go.id", About: "Sistem Berbagi Terintegrasi Badan Kepegawaian Negara, menu Pelaporan Publik, kategori Netralitas"},
	{Name: "SP4N-LAPOR!", URL: "https://www.lapor.go.id", About: "Sistem Pengelolaan Pengaduan Pelayanan Publik Nasional"},
}
