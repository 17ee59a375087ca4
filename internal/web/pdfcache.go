package web

import (
	"container/list"
	"sync"
)

// pdfCache keeps recently rendered certificates, bounded by total bytes, so
// a re-download costs about what a static file costs. Certificates are
// deterministic, so a cached one is byte-identical to a fresh render.
type pdfCache struct {
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

func newPDFCache(maxBytes int64) *pdfCache {
	return &pdfCache{max: maxBytes, order: list.New(), byKey: map[string]*list.Element{}}
}

func (c *pdfCache) get(code string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[code]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*pdfEntry).pdf, true
}

func (c *pdfCache) put(code string, pdf []byte) {
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

func (c *pdfCache) drop(code string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[code]; ok {
		c.order.Remove(el)
		delete(c.byKey, code)
		c.size -= int64(len(el.Value.(*pdfEntry).pdf))
	}
}
