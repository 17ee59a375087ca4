package web

import (
	"crypto/hmac"
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// confirmTTL is how long a confirm page may stay open: long enough to read
// the pledge in a slow hall, short enough that a ticket left in a shared
// browser soon dies.
const confirmTTL = 2 * time.Hour

// confirmTicket is what the confirm page's form carries instead of the NIP
// and code: proof that this server identified employeeID for eventID
// through ch, until it expires. So the sign POST identifies nobody again,
// spends no budget, and the page holds no full NIP.
func (s *Server) confirmTicket(eventID, employeeID int64, ch registry.Channel) string {
	body := fmt.Sprintf("%d.%d.%s.%d", eventID, employeeID, ch, s.now().Add(confirmTTL).Unix())
	return body + "." + base64.RawURLEncoding.EncodeToString(s.mac("ikrar-confirm/v1", body)[:16])
}

// checkTicket returns the employee and channel a confirmation ticket was
// issued for, if it is this server's, for this event, and not expired. The
// employee is checked again for eligibility: the roster may have changed.
func (s *Server) checkTicket(c *echo.Context, e registry.Event, ticket string) (registry.Employee, registry.Channel, error) {
	expired := registry.Errorf(registry.EFORBIDDEN, "Halaman konfirmasi sudah kedaluwarsa. Masukkan NIP dan kode acara lagi; tanda tangan Anda tetap tersimpan di formulir.")
	i := strings.LastIndexByte(ticket, '.')
	if i < 0 {
		return registry.Employee{}, "", expired
	}
	body, mac := ticket[:i], ticket[i+1:]
	if !hmac.Equal([]byte(mac), []byte(base64.RawURLEncoding.EncodeToString(s.mac("ikrar-confirm/v1", body)[:16]))) {
		return registry.Employee{}, "", expired
	}
	f := strings.Split(body, ".")
	if len(f) != 4 {
		return registry.Employee{}, "", expired
	}
	eventID, err1 := strconv.ParseInt(f[0], 10, 64)
	empID, err2 := strconv.ParseInt(f[1], 10, 64)
	exp, err3 := strconv.ParseInt(f[3], 10, 64)
	ch := registry.Channel(f[2])
	if err1 != nil || err2 != nil || err3 != nil || eventID != e.ID || !s.now().Before(time.Unix(exp, 0)) ||
		(ch != registry.ChannelEventCode && ch != registry.ChannelPersonalLink) {
		return registry.Employee{}, "", expired
	}
	emp, err := s.svc.IdentifyID(c.Request().Context(), e, empID)
	return emp, ch, err
}

// The device cookie lists the certificates signed on this device (the
// newest signedMax), signed by the server, so the signer can open them
// again there without a link.
const (
	signedCookie = "ikrar_signed"
	signedMax    = 20
	signedMaxAge = 365 * 24 * 60 * 60
)

// deviceCodes returns the certificate codes this device signed; a cookie
// that is not the server's counts as none.
func (s *Server) deviceCodes(c *echo.Context) []string {
	ck, err := c.Cookie(signedCookie)
	if err != nil {
		return nil
	}
	list, mac, ok := strings.Cut(ck.Value, "~")
	if !ok || list == "" || !hmac.Equal([]byte(mac), []byte(s.deviceMAC(list))) {
		return nil
	}
	return strings.Split(list, ".")
}

func (s *Server) deviceMAC(list string) string {
	return base64.RawURLEncoding.EncodeToString(s.mac("ikrar-device/v1", list)[:16])
}

// rememberSigned adds code to the device cookie.
func (s *Server) rememberSigned(c *echo.Context, code string) {
	codes := s.deviceCodes(c)
	if slices.Contains(codes, code) {
		return
	}
	codes = append(codes, code)
	if len(codes) > signedMax {
		codes = codes[len(codes)-signedMax:]
	}
	list := strings.Join(codes, ".")
	c.SetCookie(&http.Cookie{Name: signedCookie, Value: list + "~" + s.deviceMAC(list), Path: "/", MaxAge: signedMaxAge,
		HttpOnly: true, Secure: s.secureCookie(c), SameSite: http.SameSiteLaxMode})
}
