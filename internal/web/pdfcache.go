package web

import (
	"container/list"
	"sync"
)

// pdfCache keeps recently issued certificates in memory, bounded by total
// bytes, in front of the store that keeps every one for good
// (certificate_pdfs), so a re-download of a popular certificate costs no
// database read. It holds copies of the stored bytes only, never a render
// of its own.
type pdfCache struct {
	mu    sync.Mutex
	max   int64
	size  int64
	order *list.List // front: most recently used
	byKey map[string]*list.Element
	// erased are the codes dropped because their personal data was
	// erased: a download that began before the erasure must not put its
	// PDF back. Erasures are rare, so the set stays small.
	erased map[string]struct{}
}

type pdfEntry struct {
	code string
	pdf  []byte
	hash string
}

func newPDFCache(maxBytes int64) *pdfCache {
	return &pdfCache{max: maxBytes, order: list.New(), byKey: map[string]*list.Element{}, erased: map[string]struct{}{}}
}

// get returns the certificate of code and its fingerprint.
func (c *pdfCache) get(code string) (pdf []byte, hash string, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[code]
	if !ok {
		return nil, "", false
	}
	c.order.MoveToFront(el)
	e := el.Value.(*pdfEntry)
	return e.pdf, e.hash, true
}

// put keeps a stored certificate in memory if it fits, unless the code's
// personal data was erased.
func (c *pdfCache) put(code string, pdf []byte, hash string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, gone := c.erased[code]; gone {
		return
	}
	if _, ok := c.byKey[code]; ok || int64(len(pdf)) > c.max {
		return
	}
	c.byKey[code] = c.order.PushFront(&pdfEntry{code: code, pdf: pdf, hash: hash})
	c.size += int64(len(pdf))
	for c.size > c.max {
		last := c.order.Back()
		e := last.Value.(*pdfEntry)
		c.order.Remove(last)
		delete(c.byKey, e.code)
		c.size -= int64(len(e.pdf))
	}
}

// stats is how many certificates the cache holds and their bytes.
func (c *pdfCache) stats() (entries int, bytes int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.byKey), c.size
}

// drop forgets a certificate for good: its record's personal data was
// erased.
func (c *pdfCache) drop(code string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.erased[code] = struct{}{}
	if el, ok := c.byKey[code]; ok {
		c.order.Remove(el)
		delete(c.byKey, code)
		c.size -= int64(len(el.Value.(*pdfEntry).pdf))
	}
}
