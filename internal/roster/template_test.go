package roster

import "testing"

// TestTemplateHeaders: the template names every field once, in order.
func TestTemplateHeaders(t *testing.T) {
	h := TemplateHeaders()
	if len(h) != int(numFields) {
		t.Fatalf("%d headers for %d fields", len(h), numFields)
	}
	for i, name := range h {
		if f, ok := headerFields[headerKey(name)]; !ok || f != field(i) {
			t.Errorf("header %q reads as field %d (known %v), want %d", name, f, ok, i)
		}
	}
}
