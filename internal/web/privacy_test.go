package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestPrivacyNotice: the event page and the confirm page carry a short
// privacy notice naming the organizing organization as controller, in
// Indonesian and in English, with a link to the full notice (legal basis,
// retention, rights, contact). Stroke timing is mentioned only once the
// organization turned it on, and the contact it sets is the one shown.
func TestPrivacyNotice(t *testing.T) {
	f := newSigningFixture(t, siti)
	org := f.regency.Name
	slug := strings.TrimPrefix(f.e.URL, f.a.URL)
	const timing = "waktu setiap titik goresan"
	phone := f.a.browser(t)

	event := phone.get(slug)
	wantPage(t, event, http.StatusOK, `id="privacy-notice"`, "Pemberitahuan privasi",
		org+" selaku pengendali data pribadi mencatat ikrar Anda",
		"Yang dicatat: waktu, kanal, alamat jaringan, dan gambar tanda tangan Anda.", `href="`+slug+`/privasi"`)
	wantAbsent(t, "the notice with timing off", event.Body, timing)
	confirm := phone.submit(event, slug, url.Values{"nip": {siti.NIP}, "code": {f.e.EventCode}})
	wantPage(t, confirm, http.StatusOK, "Apakah ini Anda?", `id="privacy-notice"`,
		org+" selaku pengendali data pribadi", `href="`+slug+`/privasi"`)
	wantAbsent(t, "the confirm page with timing off", confirm.Body, timing)

	en := f.a.browser(t)
	event = en.get(slug + "?lang=en")
	wantPage(t, event, http.StatusOK, "Privacy notice", org+", as the controller of personal data, records your pledge",
		"Recorded: the time, the channel, your network address and the drawing of your signature.")
	confirm = en.submit(event, slug, url.Values{"nip": {siti.NIP}, "code": {f.e.EventCode}})
	wantPage(t, confirm, http.StatusOK, "Is this you?", "Privacy notice", org+", as the controller of personal data")

	full := phone.get(slug + "/privasi")
	wantPage(t, full, http.StatusOK, "Pengendali data pribadi", org, "Dasar pemrosesan", "Pasal 20 ayat (2) UU 27/2022",
		"netralitas Aparatur Sipil Negara", "Masa simpan", "kebijakan retensi arsip "+org, "Hak Anda",
		"hanya memuat komitmen kriptografis", "Panitia acara atau pengelola kepegawaian "+org)
	wantAbsent(t, "the full notice with timing off", full.Body, "data biometrik perilaku")
	wantPage(t, en.get(slug+"/privasi"), http.StatusOK, "Controller of personal data", "Legal basis", "Your rights")

	// The organization's admin names a contact and turns timing on.
	admin := f.a.browser(t)
	admin.login(f.officer)
	orgPage := admin.get(fmt.Sprintf("/admin/orgs/%d", f.regency.ID))
	saved := admin.submit(orgPage, fmt.Sprintf("/admin/orgs/%d/privacy", f.regency.ID),
		url.Values{"contact": {"PPID BKPSDM, ppid@deliserdang.test"}, "stroke_timing": {"1"}})
	wantPage(t, saved, http.StatusOK, "Pengaturan data pribadi disimpan.", `value="PPID BKPSDM, ppid@deliserdang.test"`)

	event = phone.get(slug)
	wantPage(t, event, http.StatusOK, "gambar tanda tangan Anda, termasuk waktu setiap titik goresannya.")
	wantPage(t, phone.get(slug+"/privasi"), http.StatusOK, "PPID BKPSDM, ppid@deliserdang.test", "data biometrik perilaku")
	wantPage(t, en.get(slug), http.StatusOK, "including the timing of each point of its strokes")
}
