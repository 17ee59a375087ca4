package sqlite

import (
	"context"
	"sync"

	"golang.org/x/mod/sumdb/tlog"
)

// Every inclusion proof reads about log₂(size) stored hashes, and the
// upper levels of the tree are the same for every proof: at a million
// leaves a proof reads 20 hashes, of which the 14 above level 5 are shared
// with thousands of other records. hashCache keeps those shared hashes in
// memory so a proof reads only the few near its own leaf.
//
// Only hashes read from committed data enter the cache (the reader pool
// sees nothing else), and a committed stored hash never changes: the log
// is append-only. A row edited behind the server's back is the auditor's
// business (ikrar audit reads the table itself), not the cache's.
const (
	// hashCacheLevel is the lowest tree level kept: a level-6 hash covers
	// 64 leaves, so the cache holds about one hash per 32 leaves.
	hashCacheLevel = 6
	// hashCacheMax bounds the cache at about 13 MB (4.3 million leaves
	// need ~134,000 entries); past it, misses are read from the table.
	hashCacheMax = 1 << 18
)

type hashCache struct {
	mu sync.RWMutex
	m  map[int64]tlog.Hash
}

func newHashCache() *hashCache { return &hashCache{m: make(map[int64]tlog.Hash)} }

// cacheable reports whether the stored hash at index is high enough in the
// tree to be shared by many proofs.
func cacheable(index int64) bool {
	level, _ := tlog.SplitStoredHashIndex(index)
	return level >= hashCacheLevel
}

// lookup fills out[i] for every cached index and returns the positions
// still to read.
func (c *hashCache) lookup(indexes []int64, out []tlog.Hash) (missing []int) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	for i, x := range indexes {
		if h, ok := c.m[x]; ok {
			out[i] = h
			continue
		}
		missing = append(missing, i)
	}
	return missing
}

func (c *hashCache) add(indexes []int64, hashes []tlog.Hash) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, x := range indexes {
		if len(c.m) >= hashCacheMax {
			return
		}
		if cacheable(x) {
			c.m[x] = hashes[i]
		}
	}
}

// cachedHashReader serves proofs: shared hashes from the cache, the rest
// from the reader pool in one query.
type cachedHashReader struct {
	ctx   context.Context
	db    *DB
	cache *hashCache
}

func (r cachedHashReader) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	missing := r.cache.lookup(indexes, out)
	if len(missing) == 0 {
		return out, nil
	}
	want := make([]int64, len(missing))
	for i, pos := range missing {
		want[i] = indexes[pos]
	}
	got, err := hashReader{r.ctx, preparedReader{r.db}}.ReadHashes(want)
	if err != nil {
		return nil, err
	}
	for i, pos := range missing {
		out[pos] = got[i]
	}
	r.cache.add(want, got)
	return out, nil
}
