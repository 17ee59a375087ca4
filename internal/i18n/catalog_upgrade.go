package i18n

// The texts of safe upgrades (issue 13 item 7): what a command says of a
// database of another schema version.
var upgradeMessages = map[string]string{
	"skema basis data versi %d lebih baru daripada yang dikenal ikrar ini (versi %d); jalankan versi ikrar yang menulisnya atau yang lebih baru":         "the database has schema version %d, newer than the %d this ikrar knows: it was written by a newer ikrar; run that release or a later one",
	"skema basis data versi %d lebih lama daripada versi %d ikrar ini; buat cadangan (ikrar backup), lalu jalankan ikrar migrate --data DIR":             "the database has schema version %d, older than the %d this ikrar uses: back it up (ikrar backup), then run ikrar migrate --data DIR",
	"skema basis data versi %d lebih lama daripada versi %d ikrar ini; buat cadangan (pg_dump), lalu jalankan ikrar migrate dengan basis data yang sama": "the database has schema version %d, older than the %d this ikrar uses: back it up (pg_dump), then run ikrar migrate on the same database",
}
