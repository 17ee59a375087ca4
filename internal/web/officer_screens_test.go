package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestEventFormLabels: the new-event form names categories as HR staff
// do, not by their codes, and marks its required fields with a visible
// "*" that it explains, in both languages (issue 14 item 5).
func TestEventFormLabels(t *testing.T) {
	f := newExportFixture(t)
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"", []string{"PNS", "PPPK", "Non-ASN", "Perangkat desa", "Kolom bertanda * wajib diisi."}},
		{"?lang=en", []string{"Non-ASN", "Village officials", "Fields marked * are required."}},
	} {
		p := f.admin.get("/admin/events/new" + c.query)
		wantPage(t, p, http.StatusOK, c.want...)
		for _, code := range []string{"> NON_ASN<", "> VILLAGE<"} {
			if strings.Contains(p.Body, code) {
				t.Errorf("new event form%s shows the category code %q", c.query, code)
			}
		}
		// Each required field's label carries the marker.
		for _, id := range []string{"organization_id", "title", "starts_at", "official_name", "official_position"} {
			label := find(t, `(?s)<label for="`+id+`">(.*?)</label>`, p.Body)
			if !strings.Contains(label, `<span class="req" aria-hidden="true">*</span>`) {
				t.Errorf("new event form%s: the label of required field %s is %q, without the marker", c.query, id, label)
			}
			if !strings.Contains(find(t, `<(?:input|select) id="`+id+`"([^>]*)>`, p.Body), " required") {
				t.Errorf("new event form%s: field %s is not required", c.query, id)
			}
		}
		if n := strings.Count(p.Body, `class="req"`); n != 6 {
			t.Errorf("new event form%s has %d markers, want 5 fields and the note", c.query, n)
		}
	}
}

// TestAuditTrailLabelsExports: an export reaches the audit trail under a
// label, not as "export.recap".
func TestAuditTrailLabelsExports(t *testing.T) {
	f := newExportFixture(t)
	wantDownload(t, f.admin.get(f.path("/export/recap.csv")), "text/csv; charset=utf-8", "rekap-")
	p := f.admin.get("/admin/audit?action=export.recap")
	wantPage(t, p, http.StatusOK, "<td>Mengunduh rekap acara</td>", `<td class="mono small nowrap">`)
	wantAbsent(t, "the audit trail", p.Body, "<td>export.recap</td>")
	p = f.admin.get("/admin/audit?action=export.recap&lang=en")
	wantPage(t, p, http.StatusOK, "<td>Downloaded an event&#39;s recap</td>")
}
