package web_test

import (
	"fmt"
	"strings"
	"testing"
)

// The admin event page shows a hundred participants at a time, with a
// search over names and NIPs, so a province-wide event stays usable.
func TestEventPageSearchAndPaging(t *testing.T) {
	app := newTestApp(t)
	regency, officer := app.mustOfficer(t)
	token := app.mustToken(t, officer)
	people := staff(0, 150, "Bagian Umum")
	app.mustImport(t, token, regency.ID, rosterCSV(people...))
	e := app.mustEvent(t, token, regency.ID, "Deklarasi", nil)
	b := app.browser(t)
	b.login(officer)

	base := fmt.Sprintf("/admin/events/%d", e.ID)
	first := b.get(base)
	if first.Status != 200 || strings.Count(first.Body, `<td class="mono nowrap">`) != 100 {
		t.Fatalf("first page: status %d, %d rows; want 100", first.Status, strings.Count(first.Body, `<td class="mono nowrap">`))
	}
	if !strings.Contains(first.Body, "page=2") {
		t.Error("first page has no link to the next one")
	}
	second := b.get(base + "?page=2")
	if n := strings.Count(second.Body, `<td class="mono nowrap">`); n != 50 || strings.Contains(second.Body, "page=3") {
		t.Fatalf("second page: %d rows (want 50), next link %v", n, strings.Contains(second.Body, "page=3"))
	}
	// Search by part of a name, and by the start of a grouped NIP.
	byName := b.get(base + "?q=Nomor+149")
	if n := strings.Count(byName.Body, `<td class="mono nowrap">`); n != 1 || !strings.Contains(byName.Body, "Pegawai Nomor 149") {
		t.Fatalf("search by name: %d rows", n)
	}
	byNIP := b.get(base + "?q=" + strings.ReplaceAll(people[42].grouped(), " ", "+"))
	if n := strings.Count(byNIP.Body, `<td class="mono nowrap">`); n != 1 || !strings.Contains(byNIP.Body, people[42].Name) {
		t.Fatalf("search by grouped NIP: %d rows", n)
	}
}
