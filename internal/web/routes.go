package web

import (
	"net/http"

	"github.com/labstack/echo/v5"
	"github.com/labstack/echo/v5/middleware"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// Handler returns the router: every route of the service, with the
// middleware each runs, is in this one table.
func (s *Server) Handler() *echo.Echo {
	// Groups add no catch-all routes of their own: with them, a wrong
	// method on a known path ran the group's CSRF or token check and
	// answered 403 or 401, and an unknown path under /api/v1 asked for a
	// token, where 405 and 404 are the truth.
	e := echo.NewWithConfig(echo.Config{Logger: s.log, HTTPErrorHandler: s.handleError, NoGroupAutoRegister404Routes: true})
	e.IPExtractor = s.ipExtractor()
	e.Use(s.requestID)
	e.Use(middleware.Recover())
	e.Use(s.requestLog)
	e.Use(s.drainGate)
	e.Use(s.securityHeaders)
	e.Use(s.language)
	e.Use(s.bodyLimit)

	// Health, for uptime monitors and load balancers, which probe with
	// HEAD as often as GET (net/http drops the body of a HEAD answer).
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

	// The transparency log as tiles (c2sp.org/tlog-tiles), and this
	// registry as a witness of other logs (c2sp.org/tlog-witness): logs,
	// not browsers, call add-checkpoint, with no cookie and no session, so
	// it sits outside the pages' CSRF check; the checkpoint's signature is
	// its only authentication.
	e.GET("/log/checkpoint", s.logCheckpoint)
	e.GET("/log/tile/*", s.logTile)
	if s.tl.Witness != nil {
		e.POST("/log/witness/add-checkpoint", s.witnessAddCheckpoint)
	}

	// The JSON API: public reads and the signing, then what an API token
	// may do.
	api := e.Group("/api/v1")
	api.POST("/events/:id/signatures", s.apiSign)
	api.GET("/certificates/:code", s.apiCertificate)
	api.POST("/certificates/:code/pdf", s.apiCheckPDF)
	api.GET("/pledges/:hash", s.apiPledge)
	api.GET("/events/:id/documents", s.apiEventDocuments)
	api.GET("/log/checkpoint", s.apiCheckpoint)
	api.GET("/log/checkpoint/:size", s.apiCheckpointAt)
	api.GET("/log/proof/inclusion", s.apiInclusionProof)
	api.GET("/log/proof/consistency", s.apiConsistencyProof)
	api.GET("/log/key", s.apiLogKey)
	api.GET("/log/witnesses", s.apiWitnesses)
	api.GET("/log/revocations", s.apiRevocations)
	token := api.Group("", s.requireToken)
	token.POST("/organizations", s.apiCreateOrganization)
	s.upload(token, "/organizations/:id/employees/import", s.apiImport, rosterBody, s.authorizeRosterUpload)
	token.POST("/organizations/:id/employees/erase", s.apiErasePerson)
	token.POST("/events", s.apiCreateEvent)
	token.GET("/events/:id", s.apiEvent)
	token.POST("/events/:id/open", s.apiSetStatus(registry.StatusOpen))
	token.POST("/events/:id/close", s.apiSetStatus(registry.StatusClosed))
	s.upload(token, "/events/:id/paper-signatures", s.apiPaper, scanBody, s.authorizePaper)
	token.POST("/certificates/:code/revoke", s.apiRevoke)
	token.POST("/certificates/:code/erase", s.apiErase)

	// The pages. Uploads carry their CSRF token in the query string (or a
	// header), so the check needs no body: echo's form lookup would parse
	// the whole multipart body before the route could refuse an anonymous
	// client.
	pages := e.Group("", s.csrf("form:_csrf", s.takesUpload))
	uploadCSRF := s.csrf("query:_csrf,header:X-CSRF-Token", nil)

	// Signing, certificates and their verification: anyone.
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

	// Organizations and their rosters.
	admin.GET("/orgs/new", s.orgNew)
	admin.POST("/orgs", s.orgCreate)
	admin.GET("/orgs/:id", s.orgShow)
	admin.POST("/orgs/:id/logo", s.orgLogoUpload)
	admin.POST("/orgs/:id/logo/remove", s.orgLogoRemove)
	admin.GET("/orgs/:id/logo.png", s.orgLogoPNG)
	s.upload(admin, "/orgs/:id/import", s.rosterImport, rosterBody, uploadCSRF, s.authorizeRosterUpload)
	admin.GET("/imports/:job", s.importJobPage)
	admin.GET("/imports/:job/status", s.importJobStatus)
	admin.POST("/imports/:job/skip-invalid", s.importSkipInvalid)
	admin.GET("/roster-template.csv", s.rosterTemplate(tableCSV))
	admin.GET("/roster-template.xlsx", s.rosterTemplate(tableXLSX))

	// Personal data: erasure, retention, the superadmin's report.
	admin.POST("/orgs/:id/erase", s.adminErasePerson)
	admin.POST("/orgs/:id/privacy", s.adminOrgPrivacy)
	admin.POST("/events/:id/retention", s.adminEventRetention)
	admin.GET("/data-pribadi", s.adminPersonalData)
	admin.POST("/data-pribadi", s.adminPersonalData)

	// Events, their participants and personal links.
	admin.GET("/events/new", s.eventNew)
	admin.POST("/events", s.eventCreate)
	admin.GET("/events/:id", s.eventShow)
	admin.POST("/events/:id/status", s.eventStatus)
	admin.GET("/events/:id/qr.png", s.eventQR)
	admin.GET("/events/:id/participants", s.participantsPage)
	s.upload(admin, "/events/:id/participants/import", s.participantsImport, rosterBody, uploadCSRF, s.authorizeParticipantUpload)
	admin.POST("/events/:id/participants/clear", s.participantsClear)
	admin.GET("/events/:id/links.csv", s.linksCSV)
	admin.GET("/events/:id/links.pdf", s.linksPDF)
	admin.POST("/events/:id/links/:employee/reissue", s.linkReissue)

	// Progress: the live dashboard, the projector and the streams they
	// follow, and the follow-up of those who have not signed.
	hub := newLiveHub(s.svc, s.log, s.opt.Live)
	admin.GET("/events/:id/dashboard", s.dashboard)
	admin.GET("/events/:id/projector", s.projector)
	admin.GET("/events/:id/live/events", s.liveStream(hub, false))
	admin.GET("/events/:id/projector/events", s.liveStream(hub, true))
	admin.GET("/events/:id/followup", s.followUp)
	admin.GET("/events/:id/followup.csv", s.followUpCSV)

	// Certificates: revocation, erasure, paper signatures.
	admin.GET("/certificates/:code", s.adminCertificate)
	admin.POST("/certificates/:code/revoke", s.adminRevoke)
	admin.POST("/certificates/:code/erase", s.adminErase)
	admin.GET("/events/:id/paper", s.paperPage)
	s.upload(admin, "/events/:id/paper/upload", s.paperRecord, scanBody, uploadCSRF, s.authorizePaper)
	admin.GET("/scans/:paper", s.paperScan)

	// Exports and the Berita Acara with its witnesses.
	admin.GET("/events/:id/exports", s.exportsPage)
	admin.GET("/events/:id/export/recap.csv", s.recapTable(tableCSV))
	admin.GET("/events/:id/export/recap.xlsx", s.recapTable(tableXLSX))
	admin.GET("/events/:id/export/recap.pdf", s.recapPDF)
	admin.GET("/events/:id/export/signatures.csv", s.signaturesTable(tableCSV))
	admin.GET("/events/:id/export/signatures.xlsx", s.signaturesTable(tableXLSX))
	admin.GET("/events/:id/export/certificates.zip", s.certificatesZIP)
	admin.GET("/events/:id/berita-acara", s.beritaAcaraForm)
	admin.GET("/events/:id/berita-acara.pdf", s.beritaAcaraPDF)
	admin.POST("/events/:id/witnesses", s.witnessSave)
	admin.POST("/events/:id/witnesses/:witness", s.witnessSave)
	admin.POST("/events/:id/witnesses/:witness/delete", s.witnessDelete)
	s.upload(admin, "/events/:id/berita-acara/signed", s.signedBeritaAcaraUpload, beritaAcaraBody, uploadCSRF, s.authorizePaperwork)
	admin.GET("/events/:id/documents/:doc", s.eventDocument)

	// Pledge versions.
	admin.GET("/pledges", s.pledgesPage)
	admin.GET("/pledges/new", s.pledgeNew)
	admin.POST("/pledges", s.pledgeCreate)

	// Users, their tokens and the audit trail.
	admin.GET("/users", s.userList)
	admin.GET("/users/new", s.userNew)
	admin.POST("/users", s.userCreate)
	admin.GET("/users/:id", s.userShow)
	admin.POST("/users/:id/role", s.userRole)
	admin.POST("/users/:id/password", s.userResetPassword)
	admin.POST("/users/:id/deactivate", s.userSetActive(false))
	admin.POST("/users/:id/activate", s.userSetActive(true))
	admin.POST("/users/:id/tokens/:token/revoke", s.userTokenRevoke)
	admin.GET("/account/password", s.accountPassword)
	admin.POST("/account/password", s.accountPasswordChange)
	admin.GET("/account/tokens", s.accountTokens)
	admin.POST("/account/tokens", s.accountTokenCreate)
	admin.POST("/account/tokens/:token/revoke", s.accountTokenRevoke)
	admin.GET("/audit", s.auditTrail)
	return e
}

// ipExtractor is where a request's client address comes from: the
// connection, or X-Forwarded-For as set by a trusted proxy.
func (s *Server) ipExtractor() echo.IPExtractor {
	if len(s.opt.TrustedProxies) == 0 {
		// echo's default trusts X-Forwarded-For from anyone, which would
		// let a client pick the address its rate limit is counted on.
		return echo.ExtractIPDirect()
	}
	var opts []echo.TrustOption
	for _, n := range s.opt.TrustedProxies {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(append(opts, echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false))...)
}
