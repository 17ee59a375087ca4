package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// bindJSON decodes a JSON body strictly: unknown fields are errors, so a
// typo in a field name is not silently ignored.
// Only application/json is accepted: a browser sends a cross-site form
// (text/plain, urlencoded) without a preflight, JSON never.
func bindJSON(c *echo.Context, v any) error {
	if mt, _, err := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType)); err != nil || mt != echo.MIMEApplicationJSON {
		return registry.Errorf(registry.EMEDIATYPE, "Badan permintaan harus berupa JSON (Content-Type: application/json).")
	}
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	return nil
}

// jsonError says what is wrong with a JSON body from the decoder's typed
// errors, never from their wording, and keeps the cause for the log (and
// for errors.Is(err, io.EOF) on an empty body).
func jsonError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooLarge *http.MaxBytesError
	switch {
	case errors.Is(err, io.EOF):
		return registry.Wrapf(err, registry.EINVALID, "Badan permintaan kosong: kirim satu objek JSON.")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return registry.Wrapf(err, registry.EINVALID, "Badan permintaan bukan JSON yang valid: JSON terpotong.")
	case errors.As(err, &syntax):
		return registry.Wrapf(err, registry.EINVALID, "Badan permintaan bukan JSON yang valid: sintaks salah pada bita ke-%d.", syntax.Offset)
	case errors.As(err, &typ) && typ.Field != "":
		return registry.Wrapf(err, registry.EINVALID, "Badan permintaan tidak sesuai: kolom %q harus bertipe JSON %s.", typ.Field, jsonKind(typ.Type))
	case errors.As(err, &typ):
		return registry.Wrapf(err, registry.EINVALID, "Badan permintaan tidak sesuai: harus bertipe JSON %s.", jsonKind(typ.Type))
	case errors.As(err, &tooLarge):
		return registry.Wrapf(err, registry.ETOOLARGE, "Data yang dikirim terlalu besar.")
	}
	// With valid syntax and types, what the decoder still refuses is a
	// field the request type does not have (DisallowUnknownFields), whose
	// error has no type of its own.
	return registry.Wrapf(err, registry.EINVALID, "Badan permintaan memuat kolom yang tidak dikenal.")
}

// jsonKind names the JSON type a Go type is decoded from.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return "object"
}

// apiRecordAction runs an admin action that takes a certificate code and a
// reason, and answers with the record's public view.
func (s *Server) apiRecordAction(c *echo.Context, act func(context.Context, registry.Actor, string, string) (registry.Signature, error)) error {
	var in struct {
		Reason string `json:"reason"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	sig, err := act(c.Request().Context(), s.actor(c), c.Param("code"), in.Reason)
	if err != nil {
		return err
	}
	return s.recordJSON(c, sig)
}

// recordJSON answers with a record's public view.
func (s *Server) recordJSON(c *echo.Context, sig registry.Signature) error {
	r, err := s.issuer.Record(c.Request().Context(), sig)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.certificateView(r))
}
