package registry

// InkKind says how a signer signed.
type InkKind string

const (
	InkStrokes InkKind = "strokes" // drawn, recorded as pen strokes
	InkPNG     InkKind = "png"     // drawn, sent as an image
	InkTyped   InkKind = "typed"   // the signer typed their name
	InkErased  InkKind = "erased"  // removed on an erasure request
)

// Point is one sample of a drawn stroke, in the canvas's CSS pixels; T is
// milliseconds since the Unix epoch as the browser recorded it (evidence of
// how the signature was drawn).
type Point struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
	T int64   `json:"time,omitempty"`
}

// Stroke is one pen-down to pen-up path.
type Stroke struct {
	Points []Point `json:"points"`
}

// Ink is a validated signature: strokes, a normalised grayscale PNG, or a
// typed name. Exactly one of the three is set, as Kind says.
type Ink struct {
	Kind    InkKind
	Strokes []Stroke
	PNG     []byte
	Typed   string
}
