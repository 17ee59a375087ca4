// Package rowcache keeps in memory the rows every signing and every
// look-up reads: the organizations and pledge versions, which never change
// once written, and the events, which do (opened, closed). A store drops
// an event when it changes it, and (PostgreSQL) when another instance
// tells it of a change; a read that began before a drop does not put back
// what it read, so a row read just before a change cannot stay. Each
// store reads the event's status afresh when it commits a signing: the
// cache never lets a signing into a closed event.
package rowcache

import (
	"sync"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// Cache is a read-through cache of organizations, pledge versions and
// events; its methods take the read to make on a miss.
type Cache struct {
	mu      sync.RWMutex
	orgs    map[int64]registry.Organization
	pledges map[int64]registry.PledgeVersion
	events  map[int64]registry.Event
	slugs   map[string]int64
	gen     uint64 // counts the drops of events
}

// New returns an empty cache.
func New() *Cache {
	return &Cache{orgs: map[int64]registry.Organization{}, pledges: map[int64]registry.PledgeVersion{},
		events: map[int64]registry.Event{}, slugs: map[string]int64{}}
}

// Org returns organization id, from the cache or else from read.
func (c *Cache) Org(id int64, read func() (registry.Organization, error)) (registry.Organization, error) {
	c.mu.RLock()
	o, ok := c.orgs[id]
	c.mu.RUnlock()
	if ok {
		return o, nil
	}
	o, err := read()
	if err != nil {
		return o, err
	}
	c.mu.Lock()
	c.orgs[o.ID] = o
	c.mu.Unlock()
	return o, nil
}

// Pledge returns pledge version id, from the cache or else from read.
func (c *Cache) Pledge(id int64, read func() (registry.PledgeVersion, error)) (registry.PledgeVersion, error) {
	c.mu.RLock()
	p, ok := c.pledges[id]
	c.mu.RUnlock()
	if ok {
		return p, nil
	}
	p, err := read()
	if err != nil {
		return p, err
	}
	c.mu.Lock()
	c.pledges[p.ID] = p
	c.mu.Unlock()
	return p, nil
}

// Event returns event id, from the cache or else from read.
func (c *Cache) Event(id int64, read func() (registry.Event, error)) (registry.Event, error) {
	c.mu.RLock()
	e, ok := c.events[id]
	gen := c.gen
	c.mu.RUnlock()
	if ok {
		return e, nil
	}
	return c.readEvent(gen, read)
}

// EventBySlug returns the event behind a public link, from the cache or
// else from read.
func (c *Cache) EventBySlug(slug string, read func() (registry.Event, error)) (registry.Event, error) {
	c.mu.RLock()
	e, ok := c.events[c.slugs[slug]]
	gen := c.gen
	c.mu.RUnlock()
	if ok {
		return e, nil
	}
	return c.readEvent(gen, read)
}

// readEvent reads an event and caches it unless an event was dropped
// since generation gen: the read may predate the drop's change.
func (c *Cache) readEvent(gen uint64, read func() (registry.Event, error)) (registry.Event, error) {
	e, err := read()
	if err != nil {
		return e, err
	}
	c.mu.Lock()
	if c.gen == gen {
		c.events[e.ID] = e
		c.slugs[e.Slug] = e.ID
	}
	c.mu.Unlock()
	return e, nil
}

// DropEvent forgets event id, or every event for 0.
func (c *Cache) DropEvent(id int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if id != 0 {
		if e, ok := c.events[id]; ok {
			delete(c.slugs, e.Slug)
			delete(c.events, id)
		}
		return
	}
	clear(c.events)
	clear(c.slugs)
}
