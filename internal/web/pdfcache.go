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
}

type pdfEntry struct {
	code string
	pdf  []byte
}

func newPDFCache(maxBytes int64, disk *pdfDisk) *pdfCache {
	return &pdfCache{disk: disk, max: maxBytes, order: list.New(), byKey: map[string]*list.Element{}}
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
	c.remember(code, pdf)
	if c.disk != nil {
		c.disk.put(code, pdf)
	}
}

func (c *pdfCache) remember(code string, pdf []byte) {
	if int64(len(pdf)) > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byKey[code]; ok {
		return
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
}

// drop forgets a certificate everywhere: its record's personal data was
// erased.
func (c *pdfCache) drop(code string) {
	c.mu.Lock()
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
