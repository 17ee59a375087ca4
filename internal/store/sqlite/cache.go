package sqlite

import (
	"sync"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// rowCache keeps the rows every signing and every look-up reads — the
// event, its organization, its pledge — in memory. Organizations and pledge
// versions never change once written; an event changes only through this
// store, which drops it from the cache in the same call. The database has
// one writing process (SQLite's single writer), so the cache cannot go
// stale behind its back.
type rowCache struct {
	mu      sync.RWMutex
	orgs    map[int64]registry.Organization
	pledges map[int64]registry.PledgeVersion
	events  map[int64]registry.Event
	slugs   map[string]int64
}

func newRowCache() *rowCache {
	return &rowCache{orgs: map[int64]registry.Organization{}, pledges: map[int64]registry.PledgeVersion{},
		events: map[int64]registry.Event{}, slugs: map[string]int64{}}
}

func (c *rowCache) org(id int64) (registry.Organization, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	o, ok := c.orgs[id]
	return o, ok
}

func (c *rowCache) putOrg(o registry.Organization) {
	c.mu.Lock()
	c.orgs[o.ID] = o
	c.mu.Unlock()
}

func (c *rowCache) pledge(id int64) (registry.PledgeVersion, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	p, ok := c.pledges[id]
	return p, ok
}

func (c *rowCache) putPledge(p registry.PledgeVersion) {
	c.mu.Lock()
	c.pledges[p.ID] = p
	c.mu.Unlock()
}

func (c *rowCache) event(id int64) (registry.Event, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.events[id]
	return e, ok
}

func (c *rowCache) eventBySlug(slug string) (registry.Event, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.events[c.slugs[slug]]
	return e, ok
}

func (c *rowCache) putEvent(e registry.Event) {
	c.mu.Lock()
	c.events[e.ID] = e
	c.slugs[e.Slug] = e.ID
	c.mu.Unlock()
}

func (c *rowCache) dropEvent(id int64) {
	c.mu.Lock()
	if e, ok := c.events[id]; ok {
		delete(c.slugs, e.Slug)
		delete(c.events, id)
	}
	c.mu.Unlock()
}
