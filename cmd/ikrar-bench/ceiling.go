package main

import (
	"encoding/base64"
	"encoding/json"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/api"
)

// Sizes of the ceiling's answers, close to what ikrar sends before gzip
// (measured: docs/PERFORMANCE.md).
const (
	ceilingPDFBytes  = 38 << 10
	ceilingJSONBytes = 2000
	ceilingHTMLBytes = 4600
	ceilingPageBytes = 3500
)

// ceilingHandler answers ikrar's hot routes the cheapest honest way: it
// reads and parses each request body as ikrar must (form parse; JSON
// decode and base64 decode of the PNG, but no image decode) and answers
// with the same status and a body of similar size, doing none of the
// work — no validation, no database, no rendering.
func ceilingHandler() http.Handler {
	e := echo.New()
	r := rand.New(rand.NewPCG(1, 2))
	pdf := make([]byte, ceilingPDFBytes)
	for i := range pdf {
		pdf[i] = byte(r.UintN(256)) // PDF streams are deflated: incompressible
	}
	copy(pdf, "%PDF-1.3\n")
	certJSON := []byte(`{"status":"valid","padding":"` + strings.Repeat("x", ceilingJSONBytes-32) + `"}`)
	verifyHTML := []byte("<!doctype html><title>ok</title>" + strings.Repeat("<p>ikrar</p>", (ceilingHTMLBytes-32)/12))
	pageHead := "<!doctype html><title>ikrar</title><form method=post><input type=\"hidden\" name=\"_csrf\" value=\""
	pageTail := "\"></form>" + strings.Repeat("<p>ikrar</p>", (ceilingPageBytes-len(pageHead)-40)/12)

	e.GET("/healthz", func(c *echo.Context) error { return c.String(http.StatusOK, "ok\n") })
	e.GET("/e/:slug", func(c *echo.Context) error {
		token := randomToken(32)
		c.SetCookie(&http.Cookie{Name: "ikrar_csrf", Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
		return c.HTMLBlob(http.StatusOK, []byte(pageHead+token+pageTail))
	})
	e.POST("/e/:slug/sign", func(c *echo.Context) error {
		if err := c.Request().ParseForm(); err != nil {
			return c.String(http.StatusBadRequest, "bad form")
		}
		f := c.Request().PostForm
		ck, err := c.Cookie("ikrar_csrf")
		if err != nil || ck.Value != f.Get("_csrf") {
			return c.String(http.StatusForbidden, "csrf")
		}
		if f.Get("nip") == "" || f.Get("code") == "" || f.Get("signature_strokes") == "" || f.Get("consent") == "" {
			return c.String(http.StatusUnprocessableEntity, "missing field")
		}
		return c.Redirect(http.StatusSeeOther, "/c/"+randomCode()+"?k=AAAAAAAAAAAAAAAA")
	})
	e.POST("/api/v1/events/:id/signatures", func(c *echo.Context) error {
		var in api.Signing
		dec := json.NewDecoder(c.Request().Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in); err != nil {
			return c.String(http.StatusBadRequest, "bad json")
		}
		if _, err := base64.StdEncoding.DecodeString(in.SignaturePNG); err != nil || in.NIP == "" {
			return c.String(http.StatusUnprocessableEntity, "bad signature")
		}
		code := randomCode()
		return c.JSON(http.StatusCreated, api.Signed{Certificate: &api.CertificateRef{
			Code: code, Serial: "IKR/2024/E1/000001", VerifyURL: "http://127.0.0.1/v/" + code,
			PDFURL: "http://127.0.0.1/c/" + code + "/sertifikat.pdf?k=AAAAAAAAAAAAAAAA"}})
	})
	e.GET("/c/:code/sertifikat.pdf", func(c *echo.Context) error {
		c.Response().Header().Set("Content-Disposition", `inline; filename="sertifikat.pdf"`)
		return c.Blob(http.StatusOK, "application/pdf", pdf)
	})
	e.GET("/api/v1/certificates/:code", func(c *echo.Context) error { return c.JSONBlob(http.StatusOK, certJSON) })
	e.GET("/v/:code", func(c *echo.Context) error { return c.HTMLBlob(http.StatusOK, verifyHTML) })
	return e
}

// serveCeiling runs the ceiling server with the same server timeouts as
// ikrar serve until the process is stopped.
func serveCeiling(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: ceilingHandler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10}
	return hs.Serve(ln)
}

const codeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

func randomCode() string {
	var b [12]byte
	for i := range b {
		b[i] = codeAlphabet[rand.IntN(len(codeAlphabet))]
	}
	return string(b[:])
}

func randomToken(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = codeAlphabet[rand.IntN(len(codeAlphabet))]
	}
	return string(b)
}
