package web

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/i18n"
	"github.com/ikrar-id/ikrar/internal/registry"
)

// LiveTimings are the live dashboard's timings; a zero field takes its
// default (DefaultLiveTimings). Tests shorten them so that nothing waits
// on a real second.
type LiveTimings struct {
	// MinInterval spaces the computations of one event's progress for
	// one scope: during a burst, a second's signings make one update.
	MinInterval time.Duration
	// Refresh re-reads what no commit signals (a roster import, the
	// curve's window moving on) and Heartbeat keeps proxies from closing
	// a quiet stream.
	Refresh   time.Duration
	Heartbeat time.Duration
	// Lifetime ends a stream so the browser reconnects: a fresh request,
	// whatever the session checks below miss.
	Lifetime time.Duration
	// SessionCheck is how often a stream checks that its session still
	// lives and still sees the event: one indexed read per open dashboard
	// every few seconds; logging out, a deactivation or a password change
	// ends the stream within that.
	SessionCheck time.Duration
	// Spread staggers the streams of one board: each sends its updates at
	// its own fixed offset within this window after they are computed, so
	// 500 open dashboards write evenly over the second rather than in the
	// same few milliseconds, ahead of the signers waiting for the CPU.
	// Measured with ikrar-bench's dashboards phase at 2,500 signings/s:
	// signing p99 18 → 32 ms with 500 dashboards and a 250 ms window; no
	// difference beyond the noise with a full second. A dashboard's
	// numbers are at most about two seconds old.
	Spread time.Duration
}

// DefaultLiveTimings are the timings a server runs with.
func DefaultLiveTimings() LiveTimings {
	return LiveTimings{MinInterval: time.Second, Refresh: 15 * time.Second, Heartbeat: 15 * time.Second,
		Lifetime: 10 * time.Minute, SessionCheck: 5 * time.Second, Spread: time.Second}
}

// orDefaults fills t's zero fields from DefaultLiveTimings.
func (t LiveTimings) orDefaults() LiveTimings {
	d := DefaultLiveTimings()
	return LiveTimings{MinInterval: cmp.Or(t.MinInterval, d.MinInterval), Refresh: cmp.Or(t.Refresh, d.Refresh),
		Heartbeat: cmp.Or(t.Heartbeat, d.Heartbeat), Lifetime: cmp.Or(t.Lifetime, d.Lifetime),
		SessionCheck: cmp.Or(t.SessionCheck, d.SessionCheck), Spread: cmp.Or(t.Spread, d.Spread)}
}

// The signing curve is drawn as bars in an SVG of viewBox 0 0 600 140
// (templates/dashboard.html), one every curveStep: they stand on
// y = curveBase and are at most curveHeight tall. live.js reads the base
// and height from the SVG's data attributes.
const (
	curveStep   = 600 / registry.CurveMinutes
	curveBase   = 120
	curveHeight = 110
)

// liveTotals are the numbers the projector shows.
type liveTotals struct {
	Eligible int    `json:"eligible"`
	Signed   int    `json:"signed"`
	Pending  int    `json:"pending"`
	Percent  string `json:"percent"`
}

// liveStats is what the dashboard shows and its stream sends.
type liveStats struct {
	liveTotals
	Units  []liveUnit   `json:"units"`
	Curve  liveCurve    `json:"curve"`
	Latest []liveSigner `json:"latest"`
}

type liveUnit struct {
	Unit     string `json:"unit"`
	Signed   int    `json:"signed"`
	Eligible int    `json:"eligible"`
	Percent  string `json:"percent"`
}

// liveCurve is the signing curve, oldest minute first.
type liveCurve []liveMinute

// Last is the newest minute.
func (c liveCurve) Last() liveMinute { return c[len(c)-1] }

type liveMinute struct {
	Minute  string `json:"minute"`
	Count   int    `json:"count"`
	X, Y, H int    `json:"-"` // the bar, for the page's first paint
}

type liveSigner struct {
	Name string `json:"name"`
	Unit string `json:"unit"`
	Time string `json:"time"`
}

// liveView formats p in language l, times in loc.
func liveView(p registry.Progress, l i18n.Lang, loc *time.Location) liveStats {
	v := liveStats{liveTotals: liveTotals{Eligible: p.Eligible(), Signed: p.Signed(), Pending: p.Pending(),
		Percent: l.Decimal(100 * p.Completion())}}
	many := p.ManyOrgs()
	v.Units = make([]liveUnit, len(p.Units))
	for i, u := range p.Units {
		v.Units[i] = liveUnit{Unit: u.Label(many), Signed: u.Signed, Eligible: u.Eligible, Percent: l.Decimal(100 * u.Completion())}
	}
	top := 1
	for _, m := range p.Curve {
		top = max(top, m.Count)
	}
	v.Curve = make(liveCurve, len(p.Curve))
	for i, m := range p.Curve {
		h := int(math.Ceil(float64(curveHeight*m.Count) / float64(top)))
		v.Curve[i] = liveMinute{Minute: clock(l, m.Minute.In(loc)), Count: m.Count, X: curveStep*i + 1, Y: curveBase - h, H: h}
	}
	v.Latest = make([]liveSigner, len(p.Latest))
	for i, s := range p.Latest {
		v.Latest[i] = liveSigner{Name: s.Name, Unit: s.Unit, Time: clock(l, s.SignedAt.In(loc))}
	}
	return v
}

// clock is a time of day as l writes it: "09.01" or "09:01".
func clock(l i18n.Lang, t time.Time) string {
	if l == i18n.English {
		return t.Format("15:04")
	}
	return t.Format("15.04")
}

// liveStream sends an event's progress as server-sent events: "stats"
// with liveStats as JSON (liveTotals only when public, for the projector)
// whenever it changes, and a comment every Heartbeat.
func (s *Server) liveStream(hub *liveHub, public bool) echo.HandlerFunc {
	return func(c *echo.Context) error {
		id, err := idParam(c)
		if err != nil {
			return err
		}
		req := c.Request()
		u := s.actor(c).User
		e, org, err := s.svc.VisibleEvent(req.Context(), u, id)
		if err != nil {
			return err
		}
		hub.closeOnShutdown(req)
		// Counted before the headers go out: a client that sees them sees
		// itself counted.
		s.opt.Metrics.StreamOpened()
		defer s.opt.Metrics.StreamClosed()
		w := c.Response()
		h := w.Header()
		h.Set(echo.HeaderContentType, "text/event-stream; charset=utf-8")
		h.Set(echo.HeaderCacheControl, "no-store")
		h.Set("X-Accel-Buffering", "no")
		w.WriteHeader(http.StatusOK)
		rc := http.NewResponseController(w)
		// A server write timeout, if one is ever set, must not cut streams.
		_ = rc.SetWriteDeadline(time.Time{})
		if err := rc.Flush(); err != nil {
			return nil
		}
		sub := hub.subscribe(e, org.Location(), u.Scope(), s.lang(c), public)
		defer hub.unsubscribe(sub)
		heartbeat := time.NewTicker(hub.timing.Heartbeat)
		defer heartbeat.Stop()
		offset := rand.N(hub.timing.Spread)
		first := true
		lifetime := time.NewTimer(hub.timing.Lifetime)
		defer lifetime.Stop()
		check := time.NewTicker(hub.timing.SessionCheck)
		defer check.Stop()
		for {
			var err error
			select {
			case msg := <-sub.ch:
				if !first && !sleepCtx(req.Context(), offset) {
					return nil
				}
				first = false
				select { // a newer payload came in while waiting
				case msg = <-sub.ch:
				default:
				}
				_, err = fmt.Fprintf(w, "event: stats\ndata: %s\n\n", msg)
			case <-heartbeat.C:
				_, err = w.Write([]byte(": ping\n\n"))
			case <-req.Context().Done():
				return nil
			case <-lifetime.C:
				return nil
			case <-check.C:
				if !s.streamAllowed(c, u) {
					return nil
				}
				continue
			case <-hub.closing:
				return nil
			}
			if err == nil {
				err = rc.Flush()
			}
			if err != nil {
				return nil // the client is gone
			}
		}
	}
}

// streamAllowed reports whether a stream opened by u may go on: its
// session still lives (no logout, expiry, password change or deactivation
// since) and its user's role and scope are those the stream was opened
// with. One indexed read: what a user may see of an event changes only
// with their role or scope, and 500 open dashboards check every few
// seconds.
func (s *Server) streamAllowed(c *echo.Context, u registry.User) bool {
	now, err := s.sessionUser(c)
	if err != nil {
		if !registry.IsCode(err, registry.ENOTFOUND) && c.Request().Context().Err() == nil {
			s.log.Error("live stream: session check", "err", err)
		}
		return false
	}
	return now.Role == u.Role && now.Scope() == u.Scope()
}

// sleepCtx waits d, or less if ctx ends first; it reports whether the
// full wait passed.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// liveHub computes each watched event's progress once per scope and fans
// it out to every stream watching it, so the cost of open dashboards does
// not grow with their number.
type liveHub struct {
	svc    *registry.Service
	log    *slog.Logger
	timing LiveTimings

	mu     sync.Mutex
	boards map[boardKey]*liveBoard

	closing   chan struct{}
	closeOnce sync.Once
	register  sync.Once
}

type boardKey struct {
	event int64
	scope string
}

// liveBoard is one event seen from one scope, and the streams watching it.
type liveBoard struct {
	key   boardKey
	event registry.Event
	loc   *time.Location
	stop  chan struct{}
	done  chan struct{}

	mu       sync.Mutex
	subs     map[*liveSub]struct{}
	progress *registry.Progress // nil until first computed
}

// liveSub is one stream.
type liveSub struct {
	board  *liveBoard
	lang   i18n.Lang
	public bool
	ch     chan []byte // holds the newest payload the stream has not sent
	last   []byte      // the payload last handed over; guarded by board.mu
}

func newLiveHub(svc *registry.Service, log *slog.Logger, timing LiveTimings) *liveHub {
	return &liveHub{svc: svc, log: log, timing: timing.orDefaults(), boards: map[boardKey]*liveBoard{}, closing: make(chan struct{})}
}

// closeOnShutdown ends every stream when the server shuts down: an open
// stream never goes idle, so http.Server.Shutdown would otherwise wait
// for it until its deadline. ikrar runs one http.Server.
func (h *liveHub) closeOnShutdown(r *http.Request) {
	srv, ok := r.Context().Value(http.ServerContextKey).(*http.Server)
	if !ok {
		return
	}
	h.register.Do(func() {
		srv.RegisterOnShutdown(func() { h.closeOnce.Do(func() { close(h.closing) }) })
	})
}

func (h *liveHub) subscribe(e registry.Event, loc *time.Location, scope string, l i18n.Lang, public bool) *liveSub {
	h.mu.Lock()
	defer h.mu.Unlock()
	key := boardKey{e.ID, scope}
	b := h.boards[key]
	if b == nil {
		b = &liveBoard{key: key, event: e, loc: loc, stop: make(chan struct{}), done: make(chan struct{}),
			subs: map[*liveSub]struct{}{}}
		h.boards[key] = b
		go h.run(b)
	}
	sub := &liveSub{board: b, lang: l, public: public, ch: make(chan []byte, 1)}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.subs[sub] = struct{}{}
	if b.progress != nil {
		b.send(sub, map[viewKey][]byte{}, h.log)
	}
	return sub
}

// unsubscribe removes a stream; the last one out stops its board and
// waits for it, so no computation outlives the streams.
func (h *liveHub) unsubscribe(sub *liveSub) {
	b := sub.board
	h.mu.Lock()
	b.mu.Lock()
	delete(b.subs, sub)
	last := len(b.subs) == 0
	b.mu.Unlock()
	if last {
		delete(h.boards, b.key)
	}
	h.mu.Unlock()
	if last {
		close(b.stop)
		<-b.done
	}
}

// run computes b's progress, then again after each change the store
// signals (or Refresh without one), never more often than once per
// MinInterval.
func (h *liveHub) run(b *liveBoard) {
	defer close(b.done)
	for {
		changed := h.svc.Store.ProgressChanged(b.key.event)
		start := time.Now()
		h.refresh(b)
		refresh := time.NewTimer(h.timing.Refresh)
		select {
		case <-changed:
		case <-refresh.C:
		case <-b.stop:
			refresh.Stop()
			return
		}
		refresh.Stop()
		pause := time.NewTimer(h.timing.MinInterval - time.Since(start))
		select {
		case <-pause.C:
		case <-b.stop:
			pause.Stop()
			return
		}
	}
}

func (h *liveHub) refresh(b *liveBoard) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	p, err := h.svc.Progress(ctx, b.event, b.key.scope)
	if err != nil {
		h.log.Error("live progress", "event", b.key.event, "err", err)
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.progress = &p
	views := map[viewKey][]byte{}
	for sub := range b.subs {
		b.send(sub, views, h.log)
	}
}

type viewKey struct {
	lang   i18n.Lang
	public bool
}

// send hands sub the current payload in its language and kind, encoded
// once per refresh for all streams alike, unless it already has it. A
// payload the stream has not written yet is replaced: a slow client gets
// the newest numbers, never a queue. b.mu is held.
func (b *liveBoard) send(sub *liveSub, views map[viewKey][]byte, log *slog.Logger) {
	k := viewKey{sub.lang, sub.public}
	msg, ok := views[k]
	if !ok {
		v := liveView(*b.progress, sub.lang, b.loc)
		var err error
		if sub.public {
			msg, err = json.Marshal(v.liveTotals)
		} else {
			msg, err = json.Marshal(v)
		}
		if err != nil {
			log.Error("live progress: encode", "event", b.key.event, "err", err)
			return
		}
		views[k] = msg
	}
	if bytes.Equal(msg, sub.last) {
		return
	}
	sub.last = msg
	select {
	case <-sub.ch:
	default:
	}
	sub.ch <- msg
}
