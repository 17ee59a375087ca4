package web

import (
	"crypto/hmac"
	"encoding/base32"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// The hall's short address, /a/ALIAS, is for people who cannot scan the
// QR code and must type the address from the screen. The alias is the
// event's ID and a 35-bit MAC under the server's key, in the alphabet of
// event codes (no I, L, O or U; typed I, L and O are read as 1 and 0), so
// it needs no storage and leads only where the QR code already does: it
// never tells the event code. Misses spend the address's failure budget
// (guessBudget), and an address that spent it gets 429 without any check.
const (
	shortPath   = "/a/"
	shortMACLen = 7
	// shortMaxLen bounds what is decoded: 12 ID digits are 60 bits.
	shortMaxLen = 12 + shortMACLen
)

var shortMAC = base32.NewEncoding(registry.CodeAlphabet).WithPadding(base32.NoPadding)

// shortAlias is event id's alias.
func (s *Server) shortAlias(id int64) string {
	var digits []byte
	for n := uint64(id); n > 0 || len(digits) == 0; n /= 32 {
		digits = append([]byte{registry.CodeAlphabet[n%32]}, digits...)
	}
	return string(digits) + s.shortMACOf(id)
}

func (s *Server) shortMACOf(id int64) string {
	return shortMAC.EncodeToString(s.mac("ikrar-short/v1", strconv.FormatInt(id, 10))[:5])[:shortMACLen]
}

// shortAliasID returns the event ID of an alias as typed, if it is one this
// server made.
func (s *Server) shortAliasID(typed string) (int64, bool) {
	n := strings.ToUpper(strings.NewReplacer("-", "", " ", "", ".", "").Replace(typed))
	if len(n) <= shortMACLen || len(n) > shortMaxLen {
		return 0, false
	}
	n = registry.NormalizeCode(n, len(n))
	if n == "" {
		return 0, false
	}
	var id uint64
	for _, r := range n[:len(n)-shortMACLen] {
		id = id*32 + uint64(strings.IndexRune(registry.CodeAlphabet, r))
	}
	if id == 0 || id > 1<<62 {
		return 0, false
	}
	want := s.shortMACOf(int64(id))
	return int64(id), hmac.Equal([]byte(want), []byte(n[len(n)-shortMACLen:]))
}

// shortLink sends a typed short address on to the event's page.
func (s *Server) shortLink(c *echo.Context) error {
	ip := c.RealIP()
	if s.guesses.NeedsName(ip, 0) {
		return registry.Errorf(registry.ETOOMANY, "Terlalu banyak alamat acara yang salah dari jaringan ini. Coba lagi beberapa menit lagi, atau pindai kode QR.")
	}
	if id, ok := s.shortAliasID(c.Param("alias")); ok {
		e, err := s.svc.PublicEvent(c.Request().Context(), id)
		if err == nil {
			return c.Redirect(http.StatusSeeOther, "/e/"+e.Slug)
		}
		if !registry.IsCode(err, registry.ENOTFOUND) {
			return err
		}
	}
	s.guesses.Guessed(ip, 0)
	return registry.Errorf(registry.ENOTFOUND, "Alamat acara tidak ditemukan. Periksa kembali huruf dan angkanya, atau pindai kode QR di layar.")
}
