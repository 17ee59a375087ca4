package web

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/i18n"
	"github.com/ikrar-id/ikrar/internal/registry"
)

// Closing an event and reissuing a personal link cannot be taken back by
// the click that did them, so they ask first. A form with data-confirm
// asks in the browser (static/js/confirm.js) and then sends confirm=1;
// without JavaScript the handler answers a form without it with
// adminConfirm's page, whose button sends the same form with confirm=1.

// confirmed reports whether the officer confirmed the form.
func confirmed(c *echo.Context) bool { return c.FormValue("confirm") == "1" }

// adminConfirm is the question a handler asks before it acts.
type adminConfirm struct {
	Question string       // the page's title and heading
	Explain  i18n.Message // what the action will do
	Yes      string       // the confirming button
	Action   string       // where the form posts again
	Fields   url.Values   // the form's own fields, sent again
	Back     string       // where "Batal" leads
}

// askConfirm renders the confirmation page of q.
func (s *Server) askConfirm(c *echo.Context, q adminConfirm) error {
	return s.render(c, http.StatusOK, "admin_confirm", map[string]any{"Title": q.Question, "C": q})
}

// confirmClose asks before an open event is closed.
func (s *Server) confirmClose(c *echo.Context, id int64) (asked bool, err error) {
	e, _, err := s.svc.ManagedEvent(c.Request().Context(), s.actor(c).User, id)
	if err != nil || e.Status != registry.StatusOpen {
		return false, err // any other change is refused or allowed as it is
	}
	back := fmt.Sprintf("/admin/events/%d", id)
	return true, s.askConfirm(c, adminConfirm{
		Question: "Tutup acara ini?",
		Explain:  i18n.M("Setelah “%s” ditutup, peserta tidak dapat menandatangani lagi. Membuka kembali acara memerlukan alasan, yang tercatat di jejak audit.", e.Title),
		Yes:      "Ya, tutup acara",
		Action:   back + "/status",
		Fields:   url.Values{"status": {"closed"}},
		Back:     back,
	})
}

// confirmReissue asks before a participant's personal link is replaced.
func (s *Server) confirmReissue(c *echo.Context, id, empID int64) error {
	e, _, emp, err := s.svc.ReissueTarget(c.Request().Context(), s.actor(c).User, id, empID)
	if err != nil {
		return err
	}
	fields := url.Values{}
	back := url.Values{}
	if u := c.FormValue("unit"); u != "" {
		fields.Set("unit", u)
		back.Set("unit", u)
	}
	return s.askConfirm(c, adminConfirm{
		Question: "Ganti tautan pribadi?",
		Explain:  i18n.M("Tautan pribadi %s untuk “%s” akan diganti. Tautan lama, juga yang sudah dicetak atau dibagikan, tidak berlaku lagi.", emp.FullName(), e.Title),
		Yes:      "Ya, ganti tautan",
		Action:   fmt.Sprintf("/admin/events/%d/links/%d/reissue", id, empID),
		Fields:   fields,
		Back:     fmt.Sprintf("/admin/events/%d/followup?%s#p%d", id, back.Encode(), empID),
	})
}
