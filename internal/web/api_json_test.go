package web_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestJSONBodyErrors: what is wrong with a JSON body is told from the
// decoder's typed errors, in the caller's language, under the stable
// invalid_input code; an empty body where one is optional is no body, but
// a body cut short is an error, not an empty one.
func TestJSONBodyErrors(t *testing.T) {
	f := newSigningFixture(t, siti)
	a := f.a
	send := func(path, body, lang string) response {
		t.Helper()
		// A reader without a length: the body goes chunked, as from a
		// client that streams it, so the handler cannot tell it is empty
		// before decoding.
		req := httptest.NewRequest("POST", path, io.MultiReader(strings.NewReader(body)))
		req.ContentLength = -1
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+f.token)
		if lang != "" {
			req.Header.Set("Accept-Language", lang)
		}
		return a.serve(req)
	}
	message := func(r response) string {
		t.Helper()
		var e struct {
			Error struct{ Message string } `json:"error"`
		}
		r.decode(t, &e)
		return e.Error.Message
	}

	cases := []struct {
		name, body string
		id, en     string
	}{
		{"type", `{"name": 5}`, `Badan permintaan tidak sesuai: kolom "name" harus bertipe JSON string.`, `The request body does not fit: field "name" must be a JSON string.`},
		{"top-level type", `[1]`, `Badan permintaan tidak sesuai: harus bertipe JSON object.`, `The request body does not fit: it must be a JSON object.`},
		{"syntax", `{"name" 5}`, `Badan permintaan bukan JSON yang valid: sintaks salah pada bita ke-9.`, `The request body is not valid JSON: syntax error at byte 9.`},
		{"cut short", `{"name": "Kab`, `Badan permintaan bukan JSON yang valid: JSON terpotong.`, `The request body is not valid JSON: it is cut short.`},
		{"unknown field", `{"nama": "Kabupaten"}`, `Badan permintaan memuat kolom yang tidak dikenal.`, `The request body has a field that is not known.`},
		{"empty", ``, `Badan permintaan kosong: kirim satu objek JSON.`, `The request body is empty: send one JSON object.`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := send("/api/v1/organizations", c.body, "")
			r.wantError(t, http.StatusBadRequest, "invalid_input")
			if got := message(r); got != c.id {
				t.Errorf("message %q, want %q", got, c.id)
			}
			r = send("/api/v1/organizations", c.body, "en-GB,en;q=0.8")
			r.wantError(t, http.StatusBadRequest, "invalid_input")
			if got := message(r); got != c.en {
				t.Errorf("English message %q, want %q", got, c.en)
			}
		})
	}

	// Closing takes an optional reason: an empty body is none, a body
	// cut short is refused and leaves the event open.
	path := fmt.Sprintf("/api/v1/events/%d/close", f.e.ID)
	send(path, `{"reason": "rapat`, "").wantError(t, http.StatusBadRequest, "invalid_input")
	if r := send(path, ``, ""); r.Status != http.StatusOK || !strings.Contains(string(r.Body), `"status":"closed"`) {
		t.Errorf("close with an empty body: %d %s", r.Status, r.Body)
	}
}
