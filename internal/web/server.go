// Package web is ikrar's HTTP interface: the server-rendered pages for
// signers, officers and the public, and the JSON API under /api/v1. Handlers
// parse, validate, call one service or store method, then render or
// redirect; the rules live in package registry.
package web

import (
	"context"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v5"
	"github.com/labstack/echo/v5/middleware"
	"golang.org/x/time/rate"

	"github.com/ikrar-id/ikrar/internal/certificate"
	"github.com/ikrar-id/ikrar/internal/issuance"
	"github.com/ikrar-id/ikrar/internal/leaf"
	"github.com/ikrar-id/ikrar/internal/metrics"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// Options configure the web server.
type Options struct {
	BaseURL        string
	SecureCookies  bool
	RateLimit      bool
	TrustedProxies []*net.IPNet
	Templates      fs.FS // holds templates/*.html
	Static         fs.FS // holds static/...
	// DownloadKey authenticates certificate download links, which carry
	// unmasked personal data and so are not derivable from the public code;
	// under labels of their own it also signs the confirm page's ticket
	// and the cookie listing the certificates a device signed.
	DownloadKey []byte
	// PDFCacheBytes bounds the memory kept for recently issued PDFs
	// (default 16 MB, about 400 certificates); every issued PDF is in the
	// store.
	PDFCacheBytes int64
	// AccessLog logs every request at info level, without personal data
	// (accessLog); off, only failures are logged.
	AccessLog bool
	// Live are the live dashboard's timings (zero: DefaultLiveTimings).
	Live LiveTimings
	// DataDir is the directory holding the database: /readyz checks the
	// free space of its file system.
	DataDir string
	// MinFreeBytes is the free space below which /readyz answers 503
	// (default DefaultMinFreeBytes).
	MinFreeBytes int64
	// PDFReserveBytes is the free space below which no new certificate is
	// stored, so signings keep room to commit (default twice MinFreeBytes).
	PDFReserveBytes int64
	// FreeBytes replaces statfs on DataDir (tests simulate a full disk).
	FreeBytes func(dir string) (uint64, error)
	// Metrics counts signings, identification failures, limit hits, PDF
	// renders and live streams; nil counts nothing.
	Metrics *metrics.Metrics
	// ImportWait is how long the answer to a roster upload waits for the
	// import to end before it shows the import's progress page instead
	// (0: DefaultImportWait; negative: not at all).
	ImportWait time.Duration
	// CheckpointWait bounds a look-up's wait for a checkpoint covering a
	// fresh record (0: checkpointWait).
	CheckpointWait time.Duration
}

// Pinger reports whether the database answers.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Server holds the dependencies of every handler; there are no globals.
type Server struct {
	opt Options
	svc *registry.Service
	db  Pinger
	tl  Transparency
	// verifiedCP is the last checkpoint whose signature was checked.
	verifiedCP atomic.Pointer[translog.SignedCheckpoint]
	issuer     *issuance.Issuer
	cards      *issuance.Cache // verification links' preview cards (share_card.go)
	cardPace   *rate.Limiter
	heavy      cpuSlots
	pages      *pages
	static     *staticFiles
	fails      *failLimiter
	shed       shedLog
	uploads    chan struct{} // one roster upload read and parsed at a time
	imports    *importJobs
	importGate registry.ImportProgress // set by tests (export_test.go)
	uploadPace *rate.Limiter
	guesses    *guessBudget
	tiles      *tileCache // full tiles and entry bundles, immutable
	// witnessPace bounds add-checkpoint requests.
	witnessPace *rate.Limiter
	log         *slog.Logger
	now         func() time.Time
	health      health

	// revocations is the latest signed revocation list.
	revocations revocationLists
	// sw is the service worker script, built at start.
	sw struct {
		body []byte
		etag string
	}
}

// New builds the server and checks that every template parses. It has
// svc sign each new record's QR claim with tl.Keys unless svc has a
// ClaimSigner already.
func New(opt Options, svc *registry.Service, db Pinger, certs *certificate.Renderer, tl Transparency, log *slog.Logger) (*Server, error) {
	st, err := loadStatic(opt.Static)
	if err != nil {
		return nil, err
	}
	var host string
	if tl.Keys != nil {
		if host, err = translog.ClaimHost(opt.BaseURL); err != nil {
			return nil, err
		}
	}
	if svc.ClaimSigner == nil && tl.Keys != nil {
		// A record's QR claim is signed when it is made, with the key of
		// that moment, and kept with it.
		keys := tl.Keys
		svc.ClaimSigner = func(sig registry.Signature) (string, error) { return leaf.SignClaim(keys, host, sig) }
	}
	s := &Server{opt: opt, svc: svc, db: db, tl: tl, static: st, log: log, now: svc.Now,
		fails: newFailLimiter(opt.RateLimit, svc.Now), guesses: newGuessBudget(opt.RateLimit, svc.Now), heavy: newCPUSlots(), uploads: make(chan struct{}, 1), imports: newImportJobs(svc.Now),
		uploadPace: rate.NewLimiter(uploadsPerSecond, uploadBurst), tiles: newTileCache(tileCacheBytes), witnessPace: newWitnessPace(opt.RateLimit),
		cards: issuance.NewCache(cardCacheBytes), cardPace: newCardPace(opt.RateLimit)}
	s.issuer = issuance.New(issuance.Config{
		Service: svc, Store: svc.Store, Renderer: certs, Keys: tl.Keys, BaseURL: opt.BaseURL,
		CacheBytes: opt.PDFCacheBytes, FreeBytes: s.freeBytes, ReserveBytes: s.pdfReserveBytes(),
		Heavy: s.heavy.do, Metrics: opt.Metrics, Log: log,
	})
	if s.pages, err = parsePages(opt.Templates, s.funcs, s.constFuncs); err != nil {
		return nil, err
	}
	if s.sw.body, err = s.serviceWorker(); err != nil {
		return nil, err
	}
	s.sw.etag = `"` + issuance.Fingerprint(s.sw.body)[:16] + `"`
	return s, nil
}

// Handler returns the router with every route and middleware.
func (s *Server) Handler() *echo.Echo {
	// Groups add no catch-all routes of their own: with them, a wrong
	// method on a known path ran the group's CSRF or token check and
	// answered 403 or 401, and an unknown path under /api/v1 asked for a
	// token, where 405 and 404 are the truth.
	e := echo.NewWithConfig(echo.Config{Logger: s.log, HTTPErrorHandler: s.handleError, NoGroupAutoRegister404Routes: true})
	if len(s.opt.TrustedProxies) > 0 {
		var opts []echo.TrustOption
		for _, n := range s.opt.TrustedProxies {
			opts = append(opts, echo.TrustIPRange(n))
		}
		e.IPExtractor = echo.ExtractIPFromXFFHeader(append(opts, echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false))...)
	} else {
		// echo's default trusts X-Forwarded-For from anyone, which would let
		// a client pick the address its rate limit is counted on.
		e.IPExtractor = echo.ExtractIPDirect()
	}
	e.Use(s.requestID)
	e.Use(middleware.Recover())
	e.Use(s.requestLog)
	e.Use(s.drainGate)
	e.Use(s.securityHeaders)
	e.Use(s.language)
	e.Use(bodyLimit)

	// Uptime monitors and load balancers probe with HEAD as often as GET;
	// net/http drops the body of a HEAD answer.
	for _, h := range []struct {
		path string
		fn   echo.HandlerFunc
	}{{"/livez", s.livez}, {"/healthz", s.livez}, {"/readyz", s.readyz}} {
		e.GET(h.path, h.fn)
		e.HEAD(h.path, h.fn)
	}
	e.GET("/static/*", s.serveStatic)
	e.GET("/sw.js", s.serveServiceWorker)
	e.GET("/favicon.ico", func(c *echo.Context) error {
		return c.Redirect(http.StatusMovedPermanently, s.staticURL("img/favicon.svg"))
	})

	api := e.Group("/api/v1")
	s.apiRoutes(api)
	s.logRoutes(api)
	s.tileRoutes(e)
	s.witnessRoutes(e)

	// Uploads carry their CSRF token in the query string (or a header), so
	// the check needs no body: echo's form lookup would parse the whole
	// multipart body before the route could refuse an anonymous client.
	pages := e.Group("", s.csrf("form:_csrf", func(c *echo.Context) bool {
		return uploadRoutes[c.Path()]
	}))
	uploadCSRF := s.csrf("query:_csrf,header:X-CSRF-Token", nil)
	pages.GET("/", s.home)
	pages.GET("/e/:slug", s.eventPage)
	pages.GET(shortPath+":alias", s.shortLink)
	pages.POST("/e/:slug", s.eventIdentify)
	pages.GET("/e/:slug/konfirmasi", s.eventConfirm)
	pages.GET("/e/:slug/privasi", s.eventPrivacy)
	pages.GET("/e/:slug/p/:token", s.personalLink)
	pages.POST("/e/:slug/sign", s.eventSign)
	pages.GET("/c/:code", s.certificatePage)
	pages.GET("/c/:code/sertifikat.pdf", s.certificatePDF)
	pages.GET("/c/:code/data", s.signerDataPage)
	pages.GET("/c/:code/data.json", s.signerDataPage)
	pages.GET("/v", s.verifyForm)
	pages.GET(shellPath, s.offlineShell)
	pages.GET("/v/:code", s.verifyPage)
	pages.GET("/v/:code/:claim", s.verifyPage)
	pages.GET("/V/:code/:claim", s.verifyPage)
	pages.GET("/v/:code/kartu.png", s.verifyCard)
	pages.POST("/v/:code/pdf", s.verifyPDF)

	pages.GET("/login", s.loginForm)
	pages.POST("/login", s.login)
	pages.POST("/logout", s.logout)
	admin := pages.Group("/admin", s.requireSession)
	admin.GET("", s.adminHome)
	admin.GET("/orgs/new", s.orgNew)
	admin.POST("/orgs", s.orgCreate)
	admin.GET("/orgs/:id", s.orgShow)
	admin.POST("/orgs/:id/logo", s.orgLogoUpload)
	admin.POST("/orgs/:id/logo/remove", s.orgLogoRemove)
	admin.GET("/orgs/:id/logo.png", s.orgLogoPNG)
	admin.POST("/orgs/:id/import", s.rosterImport, uploadCSRF, s.authorizeRosterUpload, s.largeBody)
	admin.GET("/imports/:job", s.importJobPage)
	admin.GET("/imports/:job/status", s.importJobStatus)
	admin.POST("/imports/:job/skip-invalid", s.importSkipInvalid)
	admin.GET("/roster-template.csv", s.rosterTemplate(tableCSV))
	admin.GET("/roster-template.xlsx", s.rosterTemplate(tableXLSX))
	admin.POST("/orgs/:id/erase", s.adminErasePerson)
	admin.POST("/orgs/:id/privacy", s.adminOrgPrivacy)
	admin.POST("/events/:id/retention", s.adminEventRetention)
	admin.GET("/data-pribadi", s.adminPersonalData)
	admin.POST("/data-pribadi", s.adminPersonalData)
	admin.GET("/events/new", s.eventNew)
	admin.POST("/events", s.eventCreate)
	admin.GET("/events/:id", s.eventShow)
	admin.POST("/events/:id/status", s.eventStatus)
	admin.GET("/events/:id/qr.png", s.eventQR)
	admin.GET("/certificates/:code", s.adminCertificate)
	admin.POST("/certificates/:code/revoke", s.adminRevoke)
	admin.POST("/certificates/:code/erase", s.adminErase)
	admin.GET("/events/:id/paper", s.paperPage)
	admin.POST("/events/:id/paper/upload", s.paperRecord, uploadCSRF, s.authorizePaper, s.paperBody)
	admin.GET("/scans/:paper", s.paperScan)
	s.userRoutes(admin)
	s.opsRoutes(pages, admin)
	s.exportRoutes(admin, uploadCSRF)
	s.beritaRoutes(admin, uploadCSRF)
	return e
}

// csrf is the CSRF check of the pages, reading the token with lookup. Its
// cookie is Secure as secureCookie decides, request by request.
func (s *Server) csrf(lookup string, skip func(*echo.Context) bool) echo.MiddlewareFunc {
	plain := middleware.CSRFWithConfig(s.csrfConfig(lookup, skip, false))
	secure := middleware.CSRFWithConfig(s.csrfConfig(lookup, skip, true))
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		p, sec := plain(next), secure(next)
		return func(c *echo.Context) error {
			if s.secureCookie(c) {
				return sec(c)
			}
			return p(c)
		}
	}
}

func (s *Server) csrfConfig(lookup string, skip func(*echo.Context) bool, secure bool) middleware.CSRFConfig {
	return middleware.CSRFConfig{
		Skipper:        skip,
		TokenLookup:    lookup,
		CookieName:     "ikrar_csrf",
		CookiePath:     "/",
		CookieSecure:   secure,
		CookieHTTPOnly: true,
		CookieSameSite: http.SameSiteLaxMode,
		ErrorHandler: func(c *echo.Context, err error) error {
			return registry.Errorf(registry.EFORBIDDEN, "Formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu coba lagi.")
		},
	}
}

// maxBodyBytes bounds every request body but an authorized upload's: a
// signing with a drawn signature is a few KB, a PNG at most a few hundred.
const maxBodyBytes = 1 << 20

// uploadRoutes are the routes that take a roster-sized file. Each runs,
// before anything reads its body, the sign-in or token check, its CSRF
// check (pages) and the authorization of the user on the organization or
// event in its path; only then does largeBody raise the limit.
var uploadRoutes = map[string]bool{
	"/admin/orgs/:id/import":                     true,
	"/admin/events/:id/participants/import":      true,
	"/admin/events/:id/berita-acara/signed":      true,
	"/api/v1/organizations/:id/employees/import": true,
	"/admin/events/:id/paper/upload":             true,
	"/api/v1/events/:id/paper-signatures":        true,
}

// rawBodyKey holds the request body as the client sent it, for largeBody.
const rawBodyKey = "ikrar.rawbody"

// bodyLimit bounds every request body to maxBodyBytes. An upload route's
// declared length is judged by largeBody, after authorization, so that an
// anonymous client learns nothing from it and is refused without a read.
func bodyLimit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c *echo.Context) error {
		req := c.Request()
		if req.ContentLength > maxBodyBytes && !uploadRoutes[c.Path()] {
			return echo.ErrStatusRequestEntityTooLarge
		}
		c.Set(rawBodyKey, req.Body)
		req.Body = http.MaxBytesReader(c.Response(), req.Body, maxBodyBytes)
		return next(c)
	}
}

// largeBody lets an authorized upload's body grow to a roster's size, one
// upload at a time. It must run before anything read the body under
// bodyLimit.
//
// A roster file is the largest thing the server reads and parses (48 MiB,
// and an XLSX may unpack to 256 MiB): parsed one at a time, imports cannot
// add up in memory or take the processors from the signers, whoever sends
// them. Imports are rare and take a second or two, so the next one waits
// its turn (uploadWait) before the body is read; a flood gets 503.
func (s *Server) largeBody(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c *echo.Context) error {
		req := c.Request()
		raw, ok := c.Get(rawBodyKey).(io.ReadCloser)
		if !ok {
			return next(c)
		}
		if req.ContentLength > maxUploadBytes {
			return echo.ErrStatusRequestEntityTooLarge
		}
		slot, err := s.uploadTurn(c)
		if err != nil {
			return err
		}
		defer slot.done()
		c.Set(uploadSlotKey, slot)
		req.Body = http.MaxBytesReader(c.Response(), raw, maxUploadBytes)
		return next(c)
	}
}

// uploadTurn waits for the one import turn, at the uploads' pace; a
// request that waits longer than uploadWait gets 503. An import that reads
// no upload (one run again from a kept file) takes its turn here too.
func (s *Server) uploadTurn(c *echo.Context) (*uploadSlot, error) {
	ctx, cancel := context.WithTimeout(c.Request().Context(), uploadWait)
	defer cancel()
	busy := func() error {
		c.Response().Header().Set("Retry-After", "10")
		return registry.Errorf(registry.EBUSY, "Impor lain sedang diproses. Tunggu sebentar lalu unggah lagi.")
	}
	if err := s.uploadPace.Wait(ctx); err != nil {
		// Held until the deadline, as if it had waited its turn, so
		// that a script posting in a loop slows to the pace.
		<-ctx.Done()
		return nil, busy()
	}
	select {
	case s.uploads <- struct{}{}:
	case <-ctx.Done():
		return nil, busy()
	}
	return &uploadSlot{release: func() { <-s.uploads }}, nil
}

// uploadSlotKey holds the upload's *uploadSlot.
const uploadSlotKey = "ikrar.uploadslot"

// uploadSlot is an upload's turn. It ends with the request, unless the
// handler keeps it for work that runs on (a roster import job).
type uploadSlot struct {
	release func()
	kept    bool
}

// keep hands the turn over: the request no longer ends it, the returned
// func does, once.
func (u *uploadSlot) keep() func() {
	u.kept = true
	var once sync.Once
	return func() { once.Do(u.release) }
}

func (u *uploadSlot) done() {
	if !u.kept {
		u.release()
	}
}

// uploadWait is how long an upload waits for the one before it; at most
// uploadsPerSecond start a second (uploadBurst at once after a quiet
// spell), which no office imports faster than.
const (
	uploadWait       = 10 * time.Second
	uploadsPerSecond = 2
	uploadBurst      = 4
)

// securityHeaders sets a strict CSP (no inline scripts or styles) and the
// usual hardening headers on every response; HSTS only when the client
// came over https (requestScheme), so that a plain-http laptop never pins itself.
func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c *echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if s.requestScheme(c) == "https" {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		return next(c)
	}
}

// requestLog logs each request without personal data: the path of a
// personal link or certificate is logged, never form values.
func (s *Server) requestLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c *echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			s.handleError(c, err)
		}
		status := responseOf(c).Status
		if status == http.StatusServiceUnavailable && !s.log.Enabled(c.Request().Context(), slog.LevelDebug) {
			// Shed on purpose: under a login flood that is hundreds a
			// second, so they are summed up rather than logged one by one.
			s.shed.note(s.log, c.Path())
			return nil
		}
		if s.opt.AccessLog && status < 500 {
			s.accessLog(c, status, time.Since(start))
			return nil
		}
		if status >= 500 || s.log.Enabled(c.Request().Context(), slog.LevelDebug) {
			s.log.Log(c.Request().Context(), levelFor(status), "request", "request_id", requestIDOf(c),
				"method", c.Request().Method, "route", c.Path(), "status", status,
				"duration_ms", time.Since(start).Milliseconds(), "ip", c.RealIP())
		}
		return nil
	}
}

// responseOf is echo's record of c's response: its status, its size and
// whether it was sent.
func responseOf(c *echo.Context) *echo.Response {
	if r, err := echo.UnwrapResponse(c.Response()); err == nil {
		return r
	}
	// A handler replaced the writer with one that hides echo's: nothing
	// is known of what it sent.
	return &echo.Response{}
}

// shedLog sums up requests refused with 503 (password hashing at its
// bound) in one warning a minute at most, so that a flood cannot fill the
// disk with log lines.
type shedLog struct {
	mu     sync.Mutex
	since  time.Time
	n      int
	routes map[string]int
}

func (l *shedLog) note(log *slog.Logger, route string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if l.routes == nil {
		l.routes = map[string]int{}
	}
	l.n++
	l.routes[route]++
	if l.since.IsZero() {
		l.since = now
	}
	if now.Sub(l.since) < time.Minute && l.n > 1 {
		return
	}
	log.Warn("requests refused at capacity (503)", "count", l.n, "since", l.since.UTC().Format(time.RFC3339), "routes", l.routes)
	l.since, l.n, l.routes = now, 0, nil
}

func levelFor(status int) slog.Level {
	if status == http.StatusServiceUnavailable {
		// Load shed on purpose (password hashing at its bound) or a
		// readiness answer: worth seeing, not a failure.
		return slog.LevelWarn
	}
	if status >= 500 {
		return slog.LevelError
	}
	return slog.LevelDebug
}
