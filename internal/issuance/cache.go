package issuance

import (
	"container/list"
	"sync"
)

// Cache keeps recently issued certificates in memory, bounded by total
// bytes, in front of the store that keeps every one for good
// (certificate_pdfs), so a re-download of a popular certificate costs no
// database read. It holds copies of the stored bytes only, never a render
// of its own.
type Cache struct {
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

// NewCache returns an empty cache of at most maxBytes; the web server
// keeps its preview cards in one too.
func NewCache(maxBytes int64) *Cache {
	return &Cache{max: maxBytes, order: list.New(), byKey: map[string]*list.Element{}, erased: map[string]struct{}{}}
}

// Get returns the certificate of code and its fingerprint.
func (c *Cache) Get(code string) (pdf []byte, hash string, ok bool) {
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

// Put keeps a stored certificate in memory if it fits, unless the code's
// personal data was erased.
func (c *Cache) Put(code string, pdf []byte, hash string) {
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

// Stats is how many certificates the cache holds and their bytes.
func (c *Cache) Stats() (entries int, bytes int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.byKey), c.size
}

// Clear forgets every certificate held, for when erasures may have gone
// unheard (another instance's, while the notifications were down): each
// is read from the store again, which has none of an erased record.
func (c *Cache) Clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.order.Init()
	clear(c.byKey)
	c.size = 0
}

// Drop forgets a certificate for good: its record's personal data was
// erased.
func (c *Cache) Drop(code string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.erased[code] = struct{}{}
	if el, ok := c.byKey[code]; ok {
		c.order.Remove(el)
		delete(c.byKey, code)
		c.size -= int64(len(el.Value.(*pdfEntry).pdf))
	}
}
