// Package tanggal formats dates and times the Indonesian way ("Rabu,
// 23 Oktober 2024", "pukul 09.00 WIB"); Go's time package knows only English
// names.
package tanggal

import (
	"fmt"
	"time"
)

var months = [...]string{
	"Januari", "Februari", "Maret", "April", "Mei", "Juni",
	"Juli", "Agustus", "September", "Oktober", "November", "Desember",
}

// Indexed by time.Weekday, which starts on Sunday (Minggu).
var days = [...]string{"Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"}

// Month returns the Indonesian name of m, e.g. "Oktober".
func Month(m time.Month) string { return months[m-1] }

// Day returns the Indonesian name of d, e.g. "Rabu".
func Day(d time.Weekday) string { return days[d] }

// Date formats t in its own location as "Rabu, 23 Oktober 2024".
func Date(t time.Time) string {
	return fmt.Sprintf("%s, %d %s %d", days[t.Weekday()], t.Day(), months[t.Month()-1], t.Year())
}

// Time formats t's clock time in its own location as "pukul 09.00 WIB";
// Indonesian writes a dot between hours and minutes. The zone abbreviation
// is given because Go's names for Indonesian zones are offsets ("+07").
func Time(t time.Time, zoneAbbrev string) string {
	s := fmt.Sprintf("pukul %02d.%02d", t.Hour(), t.Minute())
	if zoneAbbrev != "" {
		s += " " + zoneAbbrev
	}
	return s
}
