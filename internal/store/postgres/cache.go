package postgres

import (
	"sync"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// rowCache keeps the rows every signing and look-up reads: the
// organizations and pledge versions, which never change once written, and
// the events, which do (opened, closed) on any instance. A change of an
// event is told to every instance by a notification at its commit
// (eventChannel), which drops the event here; a read that began before a
// drop does not put back what it read (gen), so a row read just before
// another instance's change cannot stay. The signing commit reads the
// event's status afresh under a lock anyway: the cache never lets a
// signing into a closed event.
type rowCache struct {
	mu      sync.RWMutex
	orgs    map[int64]registry.Organization
	pledges map[int64]registry.PledgeVersion
	events  map[int64]registry.Event
	slugs   map[string]int64
	gen     uint64 // counts the drops of events
}

func newRowCache() *rowCache {
	return &rowCache{orgs: map[int64]registry.Organization{}, pledges: map[int64]registry.PledgeVersion{},
		events: map[int64]registry.Event{}, slugs: map[string]int64{}}
}

// event returns a cached event, or the generation a read of it from the
// database must pass to putEvent.
func (c *rowCache) event(id int64) (registry.Event, uint64, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.events[id]
	return e, c.gen, ok
}

func (c *rowCache) eventBySlug(slug string) (registry.Event, uint64, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.events[c.slugs[slug]]
	return e, c.gen, ok
}

// putEvent caches e, read from the database at generation gen, unless an
// event was dropped since.
func (c *rowCache) putEvent(e registry.Event, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen == gen {
		c.events[e.ID] = e
		c.slugs[e.Slug] = e.ID
	}
}

// dropEvent forgets event id, or every event for 0.
func (c *rowCache) dropEvent(id int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for eid, e := range c.events {
		if id == 0 || eid == id {
			delete(c.slugs, e.Slug)
			delete(c.events, eid)
		}
	}
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
