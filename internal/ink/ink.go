// Package ink validates and bounds a signer's signature before it is stored:
// pen strokes from signature_pad, a PNG drawn on a canvas, or a typed name.
//
// It sits on the signing path (thousands of signatures a second), so every
// input is bounded by size before it is parsed or decoded, and the work per
// signature is a few tight loops and a handful of allocations.
package ink

import "github.com/ikrar-id/ikrar/internal/registry"

// Messages shared by more than one kind of ink.
const (
	msgBlank      = "Tanda tangan kosong"
	msgTooSimple  = "Tanda tangan terlalu sederhana — silakan gambar tanda tangan Anda"
	msgNotPNG     = "Tanda tangan harus berupa gambar PNG"
	msgImageLarge = "Gambar tanda tangan terlalu besar"
)

// The smallest drawing we accept as a signature, in pixels: a tap, a dot or
// a short scribble is not one.
const (
	minInkWidth  = 20
	minInkHeight = 10
)

// bad returns the domain error every rejection in this package carries.
// It is a constructor of user-facing errors: msg must be a literal (or a
// constant) the catalog has, which the AST test in internal/i18n checks at
// each call.
func bad(msg string, cause error) *registry.Error {
	return registry.Wrap(cause, registry.EBADINK, msg)
}
