package web_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/ikrar-id/ikrar/internal/web"
)

var ownRequestID = regexp.MustCompile(`^[A-Z2-7]{16}$`)

// serve sends req through the router a runs, from remote.
func serve(a *testApp, req *http.Request, remote string) *httptest.ResponseRecorder {
	req.RemoteAddr = remote
	w := httptest.NewRecorder()
	a.h.ServeHTTP(w, req)
	return w
}

// TestRequestIDOnErrors: every answer carries an X-Request-ID, and an
// error page or JSON error shows it so that an officer can quote it.
func TestRequestIDOnErrors(t *testing.T) {
	a := newTestApp(t)
	seen := map[string]bool{}
	for _, tc := range []struct {
		path, lang, want string
	}{
		{"/tidak-ada", "", "Kode permintaan"},
		{"/tidak-ada?lang=en", "", "Request ID"},
		{"/c/BUKAN-KODE", "", "Kode permintaan"},
	} {
		w := serve(a, httptest.NewRequest("GET", tc.path, nil), "192.0.2.7:5000")
		id := w.Header().Get("X-Request-ID")
		if !ownRequestID.MatchString(id) {
			t.Fatalf("GET %s: X-Request-ID %q", tc.path, id)
		}
		if seen[id] {
			t.Errorf("GET %s: request ID %s given twice", tc.path, id)
		}
		seen[id] = true
		if w.Code < 400 || !strings.Contains(w.Body.String(), tc.want+`: <code class="request-id">`+id+`</code>`) {
			t.Errorf("GET %s: %d, the error page does not show %q with the ID %s:\n%s", tc.path, w.Code, tc.want, id, w.Body)
		}
	}

	w := serve(a, httptest.NewRequest("GET", "/api/v1/tidak-ada", nil), "192.0.2.7:5000")
	var body struct {
		Error struct {
			Code      string `json:"code"`
			RequestID string `json:"request_id"`
		} `json:"error"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	if id := w.Header().Get("X-Request-ID"); w.Code != http.StatusNotFound || body.Error.Code != "not_found" || body.Error.RequestID != id || id == "" {
		t.Errorf("unknown API path: %d %s, request_id %q, header %q", w.Code, w.Body, body.Error.RequestID, id)
	}

	// A page that works carries one too, but shows none.
	w = serve(a, httptest.NewRequest("GET", "/v", nil), "192.0.2.7:5000")
	if w.Code != http.StatusOK || !ownRequestID.MatchString(w.Header().Get("X-Request-ID")) || strings.Contains(w.Body.String(), "request-id") {
		t.Errorf("GET /v: %d, X-Request-ID %q", w.Code, w.Header().Get("X-Request-ID"))
	}
}

// TestRequestIDFromTrustedProxy: the proxy's X-Request-ID is kept, so that
// its log and ikrar's name the same request, when it comes from a trusted
// proxy and is well formed; anyone else's, or a malformed one, is replaced.
func TestRequestIDFromTrustedProxy(t *testing.T) {
	_, proxies, _ := net.ParseCIDR("10.0.0.0/8")
	a := newTestApp(t, func(o *web.Options) { o.TrustedProxies = []*net.IPNet{proxies} })
	nginxID := "4f0c2d1e9a7b3c5d6e8f0a1b2c3d4e5f"
	for _, tc := range []struct {
		name, remote, sent string
		kept               bool
	}{
		{"nginx $request_id from the proxy", "10.0.0.2:5000", nginxID, true},
		{"UUID from the proxy", "10.0.0.2:5000", "0b6a3c1e-7f42-4d55-9a0e-2b7c9d1e4f60", true},
		{"same header from a client", "203.0.113.9:5000", nginxID, false},
		{"too long", "10.0.0.2:5000", strings.Repeat("a", 65), false},
		{"a forged log line", "10.0.0.2:5000", "abc status=200 ip=1.2.3.4", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", "/tidak-ada", nil)
			req.Header.Set("X-Request-ID", tc.sent)
			w := serve(a, req, tc.remote)
			id := w.Header().Get("X-Request-ID")
			if tc.kept && id != tc.sent {
				t.Errorf("X-Request-ID %q, want the proxy's %q", id, tc.sent)
			}
			if !tc.kept && (id == tc.sent || !ownRequestID.MatchString(id)) {
				t.Errorf("X-Request-ID %q, want one of ikrar's own", id)
			}
			if !strings.Contains(w.Body.String(), `<code class="request-id">`+id+`</code>`) {
				t.Errorf("error page does not show %q", id)
			}
		})
	}
}

// syncBuffer is a log destination safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestAccessLog: --access-log logs each request at info level with its
// request ID and route, and nothing personal: no query string (NIPs,
// download keys), no personal link token, no NIP typed into a path, no
// client address. Off, nothing is logged for requests that succeed.
func TestAccessLog(t *testing.T) {
	var on, off syncBuffer
	a := newTestAppLogging(t, slog.NewTextHandler(&on, &slog.HandlerOptions{Level: slog.LevelInfo}), func(o *web.Options) { o.AccessLog = true })
	quiet := newTestAppLogging(t, slog.NewTextHandler(&off, &slog.HandlerOptions{Level: slog.LevelInfo}))
	const nip = "198201132007041013"
	requests := []string{
		"/v?code=" + nip,
		"/e/acara-uji/p/RahasiaTautanPribadi123?nip=" + nip,
		"/v/" + nip,
		"/c/AB12CD34/sertifikat.pdf?k=kunci-unduhan-rahasia",
	}
	ids := map[string]string{}
	for _, p := range requests {
		for _, app := range []*testApp{a, quiet} {
			w := serve(app, httptest.NewRequest("GET", p, nil), "198.51.100.23:5000")
			if app == a {
				ids[p] = w.Header().Get("X-Request-ID")
			}
		}
	}
	log := on.String()
	for _, secret := range []string{nip, "RahasiaTautanPribadi123", "kunci-unduhan-rahasia", "198.51.100.23", "code=", "nip="} {
		if strings.Contains(log, secret) {
			t.Errorf("access log holds %q:\n%s", secret, log)
		}
	}
	for _, want := range []string{
		"level=INFO msg=access request_id=" + ids[requests[0]] + " method=GET route=/v path=/v status=200",
		"request_id=" + ids[requests[1]] + " method=GET route=/e/:slug/p/:token path=/e/acara-uji/p/- status=",
		"request_id=" + ids[requests[2]] + " method=GET route=/v/:code path=/v/- status=",
		"request_id=" + ids[requests[3]] + " method=GET route=/c/:code/sertifikat.pdf path=/c/AB12CD34/sertifikat.pdf status=",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("access log lacks %q:\n%s", want, log)
		}
	}
	if strings.Contains(off.String(), "msg=access") {
		t.Errorf("access log written although off:\n%s", off.String())
	}
}

// requestIDIn matches a request ID in a JSON error or on an error page.
var requestIDIn = regexp.MustCompile(`"request_id":"[^"]*"|<code class="request-id">[^<]*</code>`)

// withoutRequestID is an answer without its request ID, for tests that
// two refusals read alike: every request has its own.
func withoutRequestID(body string) string {
	return requestIDIn.ReplaceAllString(body, "ID")
}
