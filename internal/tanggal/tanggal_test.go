package tanggal

import (
	"testing"
	"time"
)

func TestDateAndTime(t *testing.T) {
	wib := time.FixedZone("WIB", 7*3600)
	wita := time.FixedZone("WITA", 8*3600)
	wit := time.FixedZone("WIT", 9*3600)
	tests := []struct {
		t    time.Time
		zone string
		date string
		time string
	}{
		{time.Date(2024, 10, 23, 9, 0, 0, 0, wib), "WIB", "Rabu, 23 Oktober 2024", "pukul 09.00 WIB"},
		{time.Date(2024, 1, 1, 0, 5, 0, 0, wita), "WITA", "Senin, 1 Januari 2024", "pukul 00.05 WITA"},
		{time.Date(2024, 2, 27, 23, 59, 59, 0, wit), "WIT", "Selasa, 27 Februari 2024", "pukul 23.59 WIT"},
		{time.Date(2024, 3, 28, 12, 0, 0, 0, wib), "WIB", "Kamis, 28 Maret 2024", "pukul 12.00 WIB"},
		{time.Date(2024, 4, 26, 7, 30, 0, 0, wib), "WIB", "Jumat, 26 April 2024", "pukul 07.30 WIB"},
		{time.Date(2024, 5, 25, 7, 30, 0, 0, wib), "WIB", "Sabtu, 25 Mei 2024", "pukul 07.30 WIB"},
		{time.Date(2024, 6, 30, 7, 30, 0, 0, wib), "WIB", "Minggu, 30 Juni 2024", "pukul 07.30 WIB"},
		{time.Date(2024, 7, 17, 0, 0, 0, 0, wib), "WIB", "Rabu, 17 Juli 2024", "pukul 00.00 WIB"},
		{time.Date(1945, 8, 17, 10, 0, 0, 0, wib), "WIB", "Jumat, 17 Agustus 1945", "pukul 10.00 WIB"},
		{time.Date(2024, 9, 1, 10, 0, 0, 0, wib), "WIB", "Minggu, 1 September 2024", "pukul 10.00 WIB"},
		{time.Date(2024, 11, 27, 10, 0, 0, 0, wib), "WIB", "Rabu, 27 November 2024", "pukul 10.00 WIB"},
		{time.Date(2024, 12, 31, 10, 0, 0, 0, wib), "WIB", "Selasa, 31 Desember 2024", "pukul 10.00 WIB"},
		// The location decides the calendar day: 02.00 UTC is still 22 Oct
		// nowhere in Indonesia, but 23.30 UTC on the 22nd is the 23rd in WIB.
		{time.Date(2024, 10, 22, 23, 30, 0, 0, time.UTC).In(wib), "WIB", "Rabu, 23 Oktober 2024", "pukul 06.30 WIB"},
		{time.Date(2024, 10, 23, 9, 0, 0, 0, wib), "", "Rabu, 23 Oktober 2024", "pukul 09.00"},
	}
	for _, tt := range tests {
		if got := Date(tt.t); got != tt.date {
			t.Errorf("Date(%v) = %q, want %q", tt.t, got, tt.date)
		}
		if got := Time(tt.t, tt.zone); got != tt.time {
			t.Errorf("Time(%v, %q) = %q, want %q", tt.t, tt.zone, got, tt.time)
		}
	}
}

func TestNames(t *testing.T) {
	if got := Month(time.December); got != "Desember" {
		t.Errorf("Month(December) = %q", got)
	}
	if got := Day(time.Sunday); got != "Minggu" {
		t.Errorf("Day(Sunday) = %q", got)
	}
}
