package issuance

import (
	"bytes"
	"testing"
)

// TestCacheBoundAndErasure: the cache keeps at most its bytes, dropping the
// least recently used, and never takes back a certificate whose personal
// data was erased, even from a download that began before the erasure.
func TestCacheBoundAndErasure(t *testing.T) {
	c := NewCache(10)
	c.Put("A", bytes.Repeat([]byte("a"), 4), "ha")
	c.Put("B", bytes.Repeat([]byte("b"), 4), "hb")
	if _, _, ok := c.Get("A"); !ok { // A is now the most recently used
		t.Fatal("A not kept")
	}
	c.Put("C", bytes.Repeat([]byte("c"), 4), "hc")
	if _, _, ok := c.Get("B"); ok {
		t.Error("B, the least recently used, still kept past the bound")
	}
	if n, size := c.Stats(); n != 2 || size != 8 {
		t.Errorf("stats = %d entries, %d bytes; want 2, 8", n, size)
	}
	c.Put("big", make([]byte, 11), "h")
	if _, _, ok := c.Get("big"); ok {
		t.Error("an entry larger than the cache was kept")
	}
	c.Drop("A")
	c.Put("A", []byte("a"), "ha")
	if _, _, ok := c.Get("A"); ok {
		t.Error("an erased certificate was cached again")
	}
	if pdf, hash, ok := c.Get("C"); !ok || string(pdf) != "cccc" || hash != "hc" {
		t.Errorf("C = %q, %q, %v", pdf, hash, ok)
	}
}

// TestCacheClear: after erasures that may have gone unheard, the cache
// holds nothing, and takes certificates again (each read afresh from the
// store, which keeps none of an erased record).
func TestCacheClear(t *testing.T) {
	c := NewCache(10)
	c.Put("A", []byte("aaaa"), "ha")
	c.Put("B", []byte("bbbb"), "hb")
	c.Clear()
	if n, size := c.Stats(); n != 0 || size != 0 {
		t.Errorf("after Clear: %d entries, %d bytes", n, size)
	}
	for _, code := range []string{"A", "B"} {
		if _, _, ok := c.Get(code); ok {
			t.Errorf("%s still served after Clear", code)
		}
	}
	c.Put("C", []byte("cccc"), "hc")
	if _, _, ok := c.Get("C"); !ok {
		t.Error("the cache takes nothing after Clear")
	}
}
