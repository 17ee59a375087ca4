package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
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
	wantAbsent(t, "the confirm page with timing off", confirm.Body, timing, "data-timing")

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
	// The signing form now asks sign.js for a time per point.
	confirm = phone.submit(event, slug, url.Values{"nip": {siti.NIP}, "code": {f.e.EventCode}})
	wantPage(t, confirm, http.StatusOK, "Apakah ini Anda?", `id="sign-form" class="card" novalidate data-timing`)
	wantPage(t, phone.get(slug+"/privasi"), http.StatusOK, "PPID BKPSDM, ppid@deliserdang.test", "data biometrik perilaku")
	wantPage(t, en.get(slug), http.StatusOK, "including the timing of each point of its strokes")
}

// TestSignerDataExport: from her certificate page a signer opens and
// downloads everything the registry holds about her — roster entry and
// records, with time, channel, address, drawing, code and log leaf — and
// neither another person's code with her key nor her code with a wrong key
// (on another device) gives anything.
func TestSignerDataExport(t *testing.T) {
	f := newSigningFixture(t, siti, andre)
	slug := strings.TrimPrefix(f.e.URL, f.a.URL)
	signAs := func(p person) page {
		phone := f.a.browser(t)
		confirm := phone.submit(phone.get(slug), slug, url.Values{"nip": {p.NIP}, "code": {f.e.EventCode}})
		cert := phone.submit(confirm, slug+"/sign", url.Values{"signature_strokes": {strokesJSON()}, "consent": {"1"}})
		wantPage(t, cert, http.StatusOK, "Ikrar Anda tercatat")
		return cert
	}
	cert := signAs(siti)
	other := signAs(andre)
	code := strings.TrimPrefix(cert.URL.Path, "/c/")
	key := cert.URL.Query().Get("k")
	otherCode := strings.TrimPrefix(other.URL.Path, "/c/")
	if key == "" {
		t.Fatalf("the certificate page %s has no key", cert.URL)
	}
	dataLink := find(t, `href="(/c/`+code+`/data\?k=[^"]+)" id="signer-data"`, cert.Body)

	elsewhere := f.a.browser(t) // another device: only the key opens it
	view := elsewhere.get(strings.ReplaceAll(dataLink, "&amp;", "&"))
	wantPage(t, view, http.StatusOK, "Data saya", f.regency.Name, siti.Name, code[:4], siti.Unit, "gambar goresan", `id="signer-data-json"`)
	jsonLink := strings.ReplaceAll(find(t, `href="([^"]+)" download`, view.Body), "&amp;", "&")
	raw := elsewhere.get(jsonLink)
	if raw.Status != http.StatusOK {
		t.Fatalf("JSON export: status %d", raw.Status)
	}
	var d struct {
		Controller string `json:"controller"`
		Employee   *struct {
			NIP  string `json:"nip"`
			Name string `json:"name"`
			Unit string `json:"unit"`
		} `json:"employee"`
		Records []struct {
			Code      string                 `json:"code"`
			NIP       string                 `json:"nip"`
			Channel   string                 `json:"channel"`
			ClientIP  string                 `json:"client_ip"`
			SignedAt  string                 `json:"signed_at"`
			Event     struct{ Title string } `json:"event"`
			Signature struct {
				Kind    string            `json:"kind"`
				Strokes []json.RawMessage `json:"strokes"`
			} `json:"signature"`
			Log struct {
				LeafIndex    *int64 `json:"leaf_index"`
				IdentityHash string `json:"identity_hash"`
			} `json:"log"`
		} `json:"records"`
	}
	if err := json.Unmarshal([]byte(raw.Body), &d); err != nil {
		t.Fatalf("JSON export: %v\n%s", err, raw.Body)
	}
	if d.Controller != f.regency.Name || d.Employee == nil || d.Employee.NIP != siti.NIP || d.Employee.Unit != siti.Unit || len(d.Records) != 1 {
		t.Fatalf("JSON export: %s", raw.Body)
	}
	r := d.Records[0]
	if r.Code != code || r.NIP != siti.NIP || r.Channel == "" || r.ClientIP == "" || r.SignedAt == "" || r.Event.Title != eventTitle ||
		r.Signature.Kind != "strokes" || len(r.Signature.Strokes) == 0 || r.Log.LeafIndex == nil || r.Log.IdentityHash == "" {
		t.Errorf("JSON export record: %s", raw.Body)
	}
	wantAbsent(t, "her export", raw.Body, andre.NIP, andre.Name, otherCode)

	// Another person's code with her key, her code with a wrong key, or
	// no key: nothing, on a device that signed neither.
	for _, path := range []string{"/c/" + otherCode + "/data.json?k=" + key, "/c/" + otherCode + "/data?k=" + key,
		"/c/" + code + "/data.json?k=" + strings.Repeat("A", len(key)), "/c/" + code + "/data.json"} {
		p := f.a.browser(t).get(path)
		if p.Status != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, p.Status)
		}
		wantAbsent(t, path, p.Body, siti.NIP, andre.NIP, siti.Name, andre.Name, "client_ip")
	}

	// Her record revoked (someone signed in her name) and signed again:
	// her new export lists the revoked record, without the address,
	// browser and drawing its maker gave.
	if r := f.a.api(t, "POST", "/api/v1/certificates/"+code+"/revoke", f.token, map[string]any{"reason": "Ditandatangani orang lain"}); r.Status != http.StatusOK {
		t.Fatalf("revoke: %d %s", r.Status, r.Body)
	}
	again := signAs(siti)
	newCode, newKey := strings.TrimPrefix(again.URL.Path, "/c/"), again.URL.Query().Get("k")
	raw = f.a.browser(t).get("/c/" + newCode + "/data.json?k=" + newKey)
	var both struct {
		Records []struct {
			Code      string `json:"code"`
			ClientIP  string `json:"client_ip"`
			UserAgent string `json:"user_agent"`
			Withheld  bool   `json:"withheld"`
			Signature struct {
				Strokes []json.RawMessage `json:"strokes"`
			} `json:"signature"`
		} `json:"records"`
	}
	if err := json.Unmarshal([]byte(raw.Body), &both); err != nil || len(both.Records) != 2 {
		t.Fatalf("export after signing again: %v\n%s", err, raw.Body)
	}
	for _, r := range both.Records {
		revoked := r.Code == code
		if revoked != r.Withheld || revoked != (r.ClientIP == "") || revoked != (r.UserAgent == "") || revoked != (len(r.Signature.Strokes) == 0) {
			t.Errorf("record %s (revoked %v): withheld %v, address %q, browser %q, %d strokes", r.Code, revoked, r.Withheld, r.ClientIP, r.UserAgent, len(r.Signature.Strokes))
		}
	}
	view = f.a.browser(t).get("/c/" + newCode + "/data?k=" + newKey)
	wantPage(t, view, http.StatusOK, "Catatan yang dicabut mungkin dibuat orang lain atas nama Anda")
}

// TestEventRetention: an officer sets an event's retention date on its
// page; once the date has passed, the superadmin's personal data page
// counts the event as due and erases its records' personal data in bulk,
// reporting what remains; the records of another event are untouched and
// the erased record still verifies.
func TestEventRetention(t *testing.T) {
	f := newSigningFixture(t, siti, andre)
	gone := f.a.mustSign(t, f.e, siti)
	other := f.a.mustEvent(t, f.token, f.regency.ID, "Apel Pagi", nil)
	f.a.mustOpen(t, f.token, other.ID)
	kept := f.a.mustSign(t, other, andre)
	e, err := f.a.db.Event(t.Context(), f.e.ID)
	if err != nil {
		t.Fatal(err)
	}
	day := e.StartsAt.In(e.StartsAt.Location()).AddDate(0, 0, 1)

	officer := f.a.browser(t)
	officer.login(f.officer)
	path := fmt.Sprintf("/admin/events/%d", f.e.ID)
	p := officer.get(path)
	wantPage(t, p, http.StatusOK, "Masa simpan data pribadi", "Belum ada tanggal retensi")
	p = officer.submit(p, path+"/retention", url.Values{"until": {day.Format(time.DateOnly)}})
	wantPage(t, p, http.StatusOK, "disimpan sampai", `value="`+day.Format(time.DateOnly)+`"`)
	if page := officer.get("/admin/data-pribadi"); page.Status != http.StatusForbidden {
		t.Errorf("a regency admin opens the registry's personal data page: status %d", page.Status)
	}

	root := f.a.mustSuperadmin(t)
	super := f.a.browser(t)
	super.login(root)
	report := super.get("/admin/data-pribadi")
	wantPage(t, report, http.StatusOK, "Data pribadi di registri", "0 acara telah melewati tanggal retensinya",
		"Catatan ikrar dengan data pribadi (identitas, tanda tangan, alamat jaringan)")

	f.a.clock.Add(72 * time.Hour)
	super = f.a.browser(t) // the session has ended meanwhile
	super.login(root)
	report = super.get("/admin/data-pribadi")
	wantPage(t, report, http.StatusOK, "1 acara telah melewati tanggal retensinya")
	done := super.submit(report, "/admin/data-pribadi", url.Values{})
	wantPage(t, done, http.StatusOK, "1 acara melewati tanggal retensi; data pribadi 1 catatan dihapus.", "0 acara telah melewati")
	row := find(t, `(?s)Catatan ikrar dengan data pribadi \(identitas, tanda tangan, alamat jaringan\)</td><td class="mono">signatures</td><td>(\d+)</td>`, done.Body)
	if row != "1" {
		t.Errorf("the report counts %s records with personal data, want 1 (the other event's)", row)
	}

	erased, err := f.a.db.SignatureByCode(t.Context(), gone.Certificate.Code)
	if err != nil || !erased.Erased() || erased.NIP != "" || erased.Name != "" || erased.ClientIP != "" {
		t.Errorf("the expired event's record: erased %v, NIP %q, name %q (%v)", erased.Erased(), erased.NIP, erased.Name, err)
	}
	still, err := f.a.db.SignatureByCode(t.Context(), kept.Certificate.Code)
	if err != nil || still.Erased() || still.NIP != andre.NIP {
		t.Errorf("the other event's record was touched: erased %v, NIP %q (%v)", still.Erased(), still.NIP, err)
	}
	v := f.a.browser(t).get("/v/" + gone.Certificate.Code)
	wantPage(t, v, http.StatusOK, "SAH")
	wantAbsent(t, "the erased record's verification page", v.Body, siti.Name, siti.NIP)
}
