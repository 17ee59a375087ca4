// Package web is ikrar's HTTP interface: the server-rendered pages for
// signers, officers and the public, and the JSON API under /api/v1. Handlers
// parse, validate, call one service or store method, then render or
// redirect; the rules live in package registry.
package web

import (
	"context"
	"io/fs"
	"log/slog"
	"net"
	"sync/atomic"
	"time"

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
	// bigBodies names the routes registered by upload ("POST /path").
	bigBodies map[string]bool
	guesses   *guessBudget
	tiles     *tileCache // full tiles and entry bundles, immutable
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
	assets, err := loadAssets(opt.Templates, opt.Static)
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
	s := &Server{opt: opt, svc: svc, db: db, tl: tl, static: assets.static, pages: assets.pages, log: log, now: svc.Now,
		fails: newFailLimiter(opt.RateLimit, svc.Now), guesses: newGuessBudget(opt.RateLimit, svc.Now), heavy: newCPUSlots(), uploads: make(chan struct{}, 1), bigBodies: map[string]bool{}, imports: newImportJobs(svc.Now),
		uploadPace: rate.NewLimiter(uploadsPerSecond, uploadBurst), tiles: newTileCache(tileCacheBytes), witnessPace: newWitnessPace(opt.RateLimit),
		cards: issuance.NewCache(cardCacheBytes), cardPace: newCardPace(opt.RateLimit)}
	s.issuer = issuance.New(issuance.Config{
		Service: svc, Store: svc.Store, Renderer: certs, Keys: tl.Keys, BaseURL: opt.BaseURL,
		CacheBytes: opt.PDFCacheBytes, FreeBytes: s.freeBytes, ReserveBytes: s.pdfReserveBytes(),
		Heavy: s.heavy.do, Metrics: opt.Metrics, Log: log,
	})
	if s.sw.body, err = s.serviceWorker(); err != nil {
		return nil, err
	}
	s.sw.etag = `"` + issuance.Fingerprint(s.sw.body)[:16] + `"`
	return s, nil
}
