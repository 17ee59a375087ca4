package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
)

// Every paginated page answers a page number it cannot use with a 400,
// never a 500 or an overflowed offset, and a page past the end with an
// empty list.
func TestPagingParameter(t *testing.T) {
	a := newTestApp(t)
	org, officer := a.mustOfficer(t)
	token := a.mustToken(t, officer)
	a.mustImport(t, token, org.ID, rosterCSV(staff(0, 3, "Bagian Umum")...))
	e := a.mustEvent(t, token, org.ID, "Deklarasi Netralitas ASN", nil)
	b := a.browser(t)
	b.login(officer)
	routes := map[string]string{
		"employees of an organization": fmt.Sprintf("/admin/orgs/%d", org.ID),
		"participants of an event":     fmt.Sprintf("/admin/events/%d", e.ID),
		"participants, signed only":    fmt.Sprintf("/admin/events/%d?status=signed", e.ID),
		"audit trail":                  "/admin/audit",
	}
	cases := []struct {
		page   string
		status int
	}{
		{"", http.StatusOK},
		{"1", http.StatusOK},
		{"2", http.StatusOK},
		{"1000000", http.StatusOK},
		{"1000001", http.StatusBadRequest},
		{"9223372036854775807", http.StatusBadRequest},
		{"4611686018427387904", http.StatusBadRequest}, // (2^62-1)*perPage overflows
		{"99999999999999999999", http.StatusBadRequest},
		{"-1", http.StatusBadRequest},
		{"-9223372036854775808", http.StatusBadRequest},
		{"0", http.StatusBadRequest},
		{"abc", http.StatusBadRequest},
		{"1e3", http.StatusBadRequest},
		{"2.5", http.StatusBadRequest},
	}
	for name, path := range routes {
		for _, tc := range cases {
			u, err := url.Parse(path)
			if err != nil {
				t.Fatal(err)
			}
			q := u.Query()
			q.Set("page", tc.page)
			u.RawQuery = q.Encode()
			if p := b.get(u.String()); p.Status != tc.status {
				t.Errorf("%s, page %q: status %d, want %d", name, tc.page, p.Status, tc.status)
			}
		}
	}
}
