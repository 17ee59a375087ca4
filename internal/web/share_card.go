package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v5"
	"golang.org/x/time/rate"

	"github.com/ikrar-id/ikrar/internal/certificate"
	"github.com/ikrar-id/ikrar/internal/i18n"
	"github.com/ikrar-id/ikrar/internal/registry"
)

// Preview cards are rendered for anonymous clients (the apps that unfurl
// a shared link): a few per second at most, each in a CPU slot, and kept
// so that a link shared in a group of hundreds is drawn once.
const (
	cardsPerSecond = 5
	cardBurst      = 20
	cardCacheBytes = 2 << 20
)

func newCardPace(on bool) *rate.Limiter {
	if !on {
		return rate.NewLimiter(rate.Inf, 0)
	}
	return rate.NewLimiter(cardsPerSecond, cardBurst)
}

// cardPath is where a verification page's preview card is served, in the
// page's language: the language is in the address, never a cookie, since
// the card is cached publicly.
func cardPath(code string, l i18n.Lang) string {
	if l != i18n.Default {
		return "/v/" + code + "/kartu.png?" + langParam + "=" + string(l)
	}
	return "/v/" + code + "/kartu.png"
}

// openGraph is what a verification page tells the apps that unfurl its
// link: the verdict, the event and the organization, and a masked name
// only (docs/TRUST.md, "Sharing a certificate").
type openGraph struct {
	Title, Description, URL, Image, ImageAlt string
	Width, Height                            int
}

// verdictWord is a record's verdict as the verification page headlines
// it (in Indonesian, translated by callers), and the card's tone.
func verdictWord(r record, v verdict) (string, certificate.Tone) {
	switch {
	case v.Failed() != nil:
		return "TIDAK SAH", certificate.ToneInvalid
	case r.Sig.Revoked():
		return "DICABUT", certificate.ToneRevoked
	}
	return "SAH", certificate.ToneValid
}

// holderLine is the masked holder a card and a description name, or ""
// once the holder's personal data was erased.
func holderLine(r record) string {
	if r.Sig.Erased() {
		return ""
	}
	return maskName(r.Sig.Name)
}

func (s *Server) openGraph(l i18n.Lang, r record, v verdict) openGraph {
	word, _ := verdictWord(r, v)
	tz := registry.LoadLocation(r.Org.TimeZone)
	desc := []string{r.Event.Title, r.Sig.OrgName, l.Date(r.Event.StartsAt.In(tz))}
	if h := holderLine(r); h != "" {
		desc = append(desc, h)
	}
	og := openGraph{
		Title:       translate(l, word) + " — " + r.Event.Title,
		Description: strings.Join(desc, " · "),
		URL:         s.verifyURL(r.Sig.Code),
		Image:       s.opt.BaseURL + cardPath(r.Sig.Code, l),
		ImageAlt:    translate(l, word) + ": " + r.Event.Title,
		Width:       certificate.CardWidth, Height: certificate.CardHeight,
	}
	if f := v.Failed(); f != nil && f.Name == checkClaim {
		// The card is the record's verdict without a QR claim; a link
		// whose claim fails must not unfurl with a card that says SAH.
		og.Image = ""
	}
	return og
}

// verifyCard serves a verification page's preview card: the same verdict
// as the page opened without a QR claim.
func (s *Server) verifyCard(c *echo.Context) error {
	ctx := c.Request().Context()
	sig, err := s.svc.Lookup(ctx, c.Param("code"))
	if err != nil {
		return err
	}
	r, err := s.issuer.Record(ctx, sig)
	if err != nil {
		return err
	}
	_, v, err := s.judge(ctx, r.Sig, r.Pledge, nil)
	if err != nil {
		return err
	}
	l := i18n.Default
	if q, ok := i18n.Parse(c.QueryParam(langParam)); ok {
		l = q
	}
	word, tone := verdictWord(r, v)
	key := sig.Code + "/" + word + "/" + holderLine(r) + "/" + string(l)
	png, _, ok := s.cards.Get(key)
	if !ok {
		if !s.cardPace.Allow() {
			s.opt.Metrics.RateLimited("card")
			c.Response().Header().Set("Retry-After", "1")
			return registry.Errorf(registry.EBUSY, "Server sedang sibuk. Coba lagi sebentar lagi.")
		}
		host := s.opt.BaseURL
		if u, err := url.Parse(s.opt.BaseURL); err == nil && u.Host != "" {
			host = u.Host
		}
		card := certificate.Card{Tone: tone, Verdict: translate(l, word), Event: r.Event.Title, Org: r.Sig.OrgName,
			Name: holderLine(r), Date: l.Date(r.Event.StartsAt.In(registry.LoadLocation(r.Org.TimeZone))),
			Site: host, Code: registry.GroupCode(sig.Code), CheckAt: translate(l, "Periksa di %s/v · kode %s")}
		err := s.heavy.do(ctx, func() (err error) {
			png, err = certificate.RenderCard(card)
			return err
		})
		if err != nil {
			return err
		}
		s.cards.Put(key, png, "")
	}
	h := c.Response().Header()
	h.Set(echo.HeaderCacheControl, "public, max-age=300")
	return c.Blob(http.StatusOK, "image/png", png)
}
