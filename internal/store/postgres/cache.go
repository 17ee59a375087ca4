package postgres

import (
	"sync"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// rowCache keeps the organizations and pledge versions every signing and
// look-up reads. Both never change once written, so another instance
// writing the same database cannot make them stale. Events do change
// (opened, closed): until instances tell each other of a change (LISTEN/
// NOTIFY, issue 16), they are read from the database every time.
type rowCache struct {
	mu      sync.RWMutex
	orgs    map[int64]registry.Organization
	pledges map[int64]registry.PledgeVersion
}

func newRowCache() *rowCache {
	return &rowCache{orgs: map[int64]registry.Organization{}, pledges: map[int64]registry.PledgeVersion{}}
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
