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

// StoredStrokes is a record's stored strokes (Blob) and the organization
// whose setting decides whether their timing is kept.
type StoredStrokes struct {
	ID, Org int64
	Blob    []byte
}

// StripTiming drops the per-point timing of stored strokes whose
// organization does not keep it, and returns how many records it
// rewrote. next reads the records after ID after, a bounded batch at a
// time (none when done), so a registry of millions is rewritten in
// constant memory; keeps reads an organization's setting, once each;
// rewrite stores a record's strokes without timing.
func StripTiming(next func(after int64) ([]StoredStrokes, error), keeps func(org int64) (bool, error), rewrite func(id int64, blob []byte) error) (int, error) {
	kept := map[int64]bool{}
	stripped := 0
	for after := int64(0); ; {
		batch, err := next(after)
		if err != nil || len(batch) == 0 {
			return stripped, err
		}
		after = batch[len(batch)-1].ID
		for _, r := range batch {
			keep, seen := kept[r.Org]
			if !seen {
				if keep, err = keeps(r.Org); err != nil {
					return stripped, err
				}
				kept[r.Org] = keep
			}
			if keep {
				continue
			}
			untimed, timed, err := WithoutTiming(r.Blob)
			if err != nil {
				return stripped, fmt.Errorf("record %d: %w", r.ID, err)
			}
			if !timed {
				continue
			}
			if err := rewrite(r.ID, untimed); err != nil {
				return stripped, fmt.Errorf("record %d: %w", r.ID, err)
			}
			stripped++
		}
	}
}
