package ink

import (
	"fmt"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// The stores keep a record's ink in two columns, its kind and a blob: the
// storage form of strokes (EncodeStrokes), the PNG's bytes or the typed
// name's text. Blob and FromBlob are the one place that says which.

// Blob is the stored form of in's content.
func Blob(in registry.Ink) []byte {
	switch in.Kind {
	case registry.InkStrokes:
		return EncodeStrokes(in.Strokes)
	case registry.InkPNG:
		return in.PNG
	}
	return []byte(in.Typed)
}

// FromBlob fills in's content, of in.Kind, from its stored form.
func FromBlob(in *registry.Ink, blob []byte) error {
	switch in.Kind {
	case registry.InkStrokes:
		strokes, err := DecodeStrokes(blob)
		if err != nil {
			return fmt.Errorf("strokes: %w", err)
		}
		in.Strokes = strokes
	case registry.InkPNG:
		in.PNG = blob
	case registry.InkTyped:
		in.Typed = string(blob)
	}
	return nil
}

// WithoutTiming returns the stored strokes blob with the time of every
// point zeroed, and whether any point had a time (if none had, there is
// nothing to rewrite).
func WithoutTiming(blob []byte) (untimed []byte, timed bool, err error) {
	strokes, err := DecodeStrokes(blob)
	if err != nil {
		return nil, false, err
	}
	for _, st := range strokes {
		for j := range st.Points {
			timed = timed || st.Points[j].T != 0
			st.Points[j].T = 0
		}
	}
	if !timed {
		return blob, false, nil
	}
	return EncodeStrokes(strokes), true, nil
}
