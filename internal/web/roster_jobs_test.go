package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/web"
)

// importStatus is what an import's page polls.
type importStatus struct {
	Finished bool   `json:"finished"`
	Step     string `json:"step"`
	Done     int    `json:"done"`
	Total    int    `json:"total"`
	Percent  int    `json:"percent"`
	Text     string `json:"text"`
}

func (b *browser) importStatus(t *testing.T, jobPath string) importStatus {
	t.Helper()
	p := b.get(jobPath + "/status")
	var st importStatus
	if p.Status != http.StatusOK || json.Unmarshal([]byte(p.Body), &st) != nil {
		t.Fatalf("status of %s: %d %s", jobPath, p.Status, p.Body)
	}
	return st
}

// TestRosterImportShowsProgress: an import that takes a while answers the
// upload with its own page, which says which step runs and how far it has
// got, and shows the result once it ends; only its importer sees it, and
// it goes on whether or not anyone watches.
func TestRosterImportShowsProgress(t *testing.T) {
	a := newTestApp(t, func(o *web.Options) { o.ImportWait = -1 })
	regency, officer := a.mustOfficer(t)
	other := a.mustUser(t, "kedua@deliserdang.go.id", registry.RoleAdmin, regency.ID)
	reached, release := make(chan struct{}), make(chan struct{})
	var held bool
	web.GateImports(a.srv, func(step registry.ImportStep, done, total int) {
		if step == registry.ImportWriting && !held {
			held = true
			close(reached)
			<-release
		}
	})
	b := a.browser(t)
	b.login(officer)
	orgPath := fmt.Sprintf("/admin/orgs/%d", regency.ID)
	p := b.get(orgPath)
	wantPage(t, p, http.StatusOK, "data-upload", "js/import.js", `data-upload="bar"`)

	people := staff(0, 50, "Bagian Umum")
	noFollow := *b.c
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	nb := &browser{t: t, c: &noFollow, app: b.app}
	r := nb.upload(p, orgPath+"/import", nil, "file", "pegawai.csv", "text/csv", []byte(rosterCSV(people...)))
	jobPath := r.Header.Get("Location")
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(jobPath, "/admin/imports/") {
		t.Fatalf("upload answered %d, Location %q; want 303 to the import's page", r.Status, jobPath)
	}
	select {
	case <-reached:
	case <-time.After(30 * time.Second):
		t.Fatal("the import never reached its writing step")
	}

	// Mid-way: the page shows the step and a bar, and refreshes itself
	// without a script.
	p = b.get(jobPath)
	wantPage(t, p, http.StatusOK, "Mengimpor pegawai.csv", "Langkah 3 dari 4: menulis 50 dari 50 baris", `<progress data-import="bar" value="50" max="50">`,
		`<noscript><meta http-equiv="refresh" content="2"></noscript>`, "js/import.js")
	st := b.importStatus(t, jobPath)
	if st.Finished || st.Step != "write" || st.Done != 50 || st.Total != 50 || st.Percent != 100 {
		t.Fatalf("status mid-way: %+v", st)
	}
	// In English too.
	if p := b.get(jobPath + "?lang=en"); !strings.Contains(p.Body, "Step 3 of 4: writing 50 of 50 rows") {
		t.Errorf("the English page lacks its step:\n%s", p.Body)
	}
	b.get(jobPath + "?lang=id")
	if n := a.employeeCount(t, regency); n != 0 {
		t.Fatalf("%d employees before the merge, want 0: an import is all or nothing", n)
	}

	// Another officer of the same organization does not see it.
	ob := a.browser(t)
	ob.login(other)
	if p := ob.get(jobPath); p.Status != http.StatusNotFound {
		t.Errorf("another officer opened the import's page: %d", p.Status)
	}
	if p := ob.get(jobPath + "/status"); p.Status != http.StatusNotFound {
		t.Errorf("another officer read the import's status: %d", p.Status)
	}

	close(release)
	deadline := time.Now().Add(30 * time.Second)
	for !b.importStatus(t, jobPath).Finished {
		if time.Now().After(deadline) {
			t.Fatal("the import did not finish in 30 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	p = b.get(jobPath)
	wantPage(t, p, http.StatusOK, "50 pegawai baru, 0 diperbarui")
	wantAbsent(t, "the finished import's page", p.Body, "http-equiv=\"refresh\"")
	if n := a.employeeCount(t, regency); n != 50 {
		t.Fatalf("%d employees after the import, want 50", n)
	}

	// An unknown import, such as one cut off by a restart.
	p = b.get("/admin/imports/" + url.PathEscape("tidak-ada"))
	wantPage(t, p, http.StatusNotFound, "Impor ini tidak ditemukan", "server dimulai ulang")
}
