package web

import (
	"container/list"
	"sync"
)

// pdfCache keeps recently rendered certificates in memory, bounded by
// total bytes, in front of an optional larger cache on disk, so a
// re-download costs about what a static file costs. Certificates are
// deterministic, so a cached one is byte-identical to a fresh render.
type pdfCache struct {
	disk *pdfDisk // nil: memory only

	mu    sync.Mutex
	max   int64
	size  int64
	order *list.List // front: most recently used
	byKey map[string]*list.Element
	// erased are the codes dropped because their personal data was
	// erased: a render that began before the erasure must not put its
	// PDF back. Erasures are rare, so the set stays small.
	erased map[string]struct{}
}

type pdfEntry struct {
	code string
	pdf  []byte
}

func newPDFCache(maxBytes int64, disk *pdfDisk) *pdfCache {
	return &pdfCache{disk: disk, max: maxBytes, order: list.New(), byKey: map[string]*list.Element{}, erased: map[string]struct{}{}}
}

// get returns the certificate of code from memory, or from disk if the
// file there has the fingerprint hash.
func (c *pdfCache) get(code, hash string) ([]byte, bool) {
	if pdf, ok := c.memory(code); ok {
		return pdf, true
	}
	if c.disk == nil {
		return nil, false
	}
	pdf, ok := c.disk.get(code, hash)
	if ok {
		c.remember(code, pdf)
	}
	return pdf, ok
}

func (c *pdfCache) memory(code string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[code]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*pdfEntry).pdf, true
}

// put keeps a newly rendered certificate in memory and on disk.
func (c *pdfCache) put(code string, pdf []byte) {
	if !c.remember(code, pdf) {
		return
	}
	if c.disk != nil {
		c.disk.put(code, pdf)
		if c.wasErased(code) { // erased while the file was written
			c.disk.drop(code)
		}
	}
}

func (c *pdfCache) wasErased(code string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, gone := c.erased[code]
	return gone
}

// remember keeps pdf in memory if it fits; it reports false, keeping
// nothing, if the code's personal data was erased.
func (c *pdfCache) remember(code string, pdf []byte) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, gone := c.erased[code]; gone {
		return false
	}
	if _, ok := c.byKey[code]; ok || int64(len(pdf)) > c.max {
		return true
	}
	c.byKey[code] = c.order.PushFront(&pdfEntry{code: code, pdf: pdf})
	c.size += int64(len(pdf))
	for c.size > c.max {
		last := c.order.Back()
		e := last.Value.(*pdfEntry)
		c.order.Remove(last)
		delete(c.byKey, e.code)
		c.size -= int64(len(e.pdf))
	}
	return true
}

// drop forgets a certificate everywhere, for good: its record's personal
// data was erased.
func (c *pdfCache) drop(code string) {
	c.mu.Lock()
	c.erased[code] = struct{}{}
	if el, ok := c.byKey[code]; ok {
		c.order.Remove(el)
		delete(c.byKey, code)
		c.size -= int64(len(el.Value.(*pdfEntry).pdf))
	}
	c.mu.Unlock()
	if c.disk != nil {
		c.disk.drop(code)
	}
}
