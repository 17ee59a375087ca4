package main

import (
	"bytes"
	"fmt"
	"time"
)

// birthDays is how many distinct birth dates the generator uses: every day
// from 1 January 1965 to 31 December 1999.
var (
	firstBirth = time.Date(1965, 1, 1, 0, 0, 0, 0, time.UTC)
	birthDays  = int(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).Sub(firstBirth).Hours() / 24)
)

// maxEmployees is how many distinct NIPs employeeNIP can make: one per
// birth date and sequence number 001–999.
var maxEmployees = birthDays * 999

// employeeNIP returns the i-th synthetic PNS NIP: birth date YYYYMMDD, CPNS
// start YYYYMM 20–29 years later, gender 1 or 2, sequence 001–999. Birth
// dates cycle through every day first, so consecutive employees differ in
// date; (date, sequence) is unique for i < maxEmployees.
func employeeNIP(i int) string {
	day, seq := i%birthDays, i/birthDays%999+1
	birth := firstBirth.AddDate(0, 0, day)
	start := birth.Year() + 20 + i%10
	month := 1 + i%12
	gender := 1 + i/7%2
	return fmt.Sprintf("%s%04d%02d%d%03d", birth.Format("20060102"), start, month, gender, seq)
}

var (
	givenNames = []string{"Siti", "Ahmad", "Dewi", "Budi", "Rina", "Agus", "Nur", "Hendra", "Putu", "Made", "Yohana", "André",
		"Fransiska", "Muhammad", "Sri", "Rizky", "Ni Luh", "Teuku", "Cut", "Wayan"}
	familyNames = []string{"Rahmawati", "Santoso", "Lestari", "Hutagalung", "Siregar", "Nasution", "Wijaya", "Saragih",
		"Pangaribuan", "Harahap", "Simanjuntak", "Kurniawan", "Purba", "Lubis", "Sembiring", "Ginting"}
	positions = []string{"Analis Kebijakan Ahli Muda", "Pranata Komputer Ahli Pertama", "Guru Ahli Pertama",
		"Perawat Terampil", "Penyuluh Pertanian", "Pengadministrasi Perkantoran", "Kepala Seksi Pelayanan"}
	units = []string{"Dinas Pendidikan", "Dinas Kesehatan", "Badan Kepegawaian dan Pengembangan SDM",
		"Dinas Pekerjaan Umum dan Penataan Ruang", "Sekretariat Daerah", "Kecamatan Medan Kota", "RSUD dr. Pirngadi"}
	ranks = []string{"III/a", "III/b", "III/c", "III/d", "IV/a", "II/c"}
)

// employeeName is a plausible Indonesian name for employee i.
func employeeName(i int) string {
	return givenNames[i%len(givenNames)] + " " + familyNames[i/len(givenNames)%len(familyNames)]
}

// rosterCSV writes employees [from, to) as a roster CSV the way HR exports
// it from SIASN.
func rosterCSV(from, to int) []byte {
	var b bytes.Buffer
	b.Grow((to - from) * 110)
	b.WriteString("nip,nama,jabatan,golongan,unit_kerja,kategori\n")
	for i := from; i < to; i++ {
		fmt.Fprintf(&b, "%s,%s,%s,%s,%s,PNS\n", employeeNIP(i), employeeName(i),
			positions[i%len(positions)], ranks[i%len(ranks)], units[i/3%len(units)])
	}
	return b.Bytes()
}
