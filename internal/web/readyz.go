package web

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// readyStatus is /readyz's answer when the server should not take traffic.
type readyStatus struct {
	Ready  bool   `json:"ready"`
	Code   string `json:"code"`
	Reason string `json:"reason"`
	Detail string `json:"detail,omitempty"`
}

// codeLogInconsistent is /readyz's stable code while the stored tree
// disagrees with the last checkpoint the registry signed.
const codeLogInconsistent = "log_inconsistent"

// readyz is the readiness probe: the database answers and the signer is
// not refusing to sign. /healthz stays the liveness probe, so a refusing
// registry keeps serving pages (verifying against its last good
// checkpoint) but is taken out of rotation and noticed.
func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	lang := s.lang(c)
	if err := s.db.Ping(ctx); err != nil {
		return c.JSON(http.StatusServiceUnavailable, readyStatus{Code: "database_unavailable", Reason: translate(lang, "Basis data tidak menjawab.")})
	}
	if cp := s.tl.Checkpointer; cp != nil {
		if r := cp.Refusal(); r != nil {
			return c.JSON(http.StatusServiceUnavailable, readyStatus{Code: codeLogInconsistent,
				Reason: translate(lang, "Pohon log yang tersimpan tidak lagi sesuai dengan checkpoint terakhir yang ditandatangani registri ini: tidak ada checkpoint baru yang ditandatangani. Jalankan ikrar audit --data."),
				Detail: r.Error()})
		}
	}
	return c.String(http.StatusOK, "ok\n")
}
