package web

import (
	"container/list"
	"context"
	"net/http"
	"sync"

	"github.com/labstack/echo/v5"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// The log as C2SP tlog-tiles publishes it, under /log/ (docs/API.md): the
// checkpoint, hash tiles and entry bundles, so a monitor can fetch every
// entry and compute every proof itself, from caches if need be.

const (
	// tileCacheBytes bounds the full tiles and bundles kept in memory: a
	// hash tile is 8 KiB, a bundle of version 2 records about 150 KiB.
	tileCacheBytes = 16 << 20

	cacheImmutable = "public, max-age=31536000, immutable"
	// A partial tile is replaced by a wider one as the log grows.
	cachePartial = "public, max-age=60"
)

// logCheckpoint serves the latest checkpoint as the store keeps it, with
// whatever cosignatures it has gathered.
func (s *Server) logCheckpoint(c *echo.Context) error {
	cp, err := s.tl.Store.LatestCheckpoint(c.Request().Context())
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-cache")
	return c.Blob(http.StatusOK, "text/plain; charset=utf-8", cp.Note)
}

func errNoTile() error {
	return registry.Errorf(registry.ENOTFOUND, "Petak log tidak ditemukan: jalurnya tidak sah atau melampaui checkpoint terbaru.")
}

// logTile serves a hash tile or an entry bundle; a tile any part of which
// lies beyond the latest signed checkpoint is not found, so nothing is
// published that no checkpoint commits to.
func (s *Server) logTile(c *echo.Context) error {
	ctx := c.Request().Context()
	t, err := translog.ParseTilePath("tile/" + c.Param("*"))
	if err != nil {
		return errNoTile()
	}
	cp, err := s.tl.Store.LatestCheckpoint(ctx)
	if registry.ErrorCode(err) == registry.ENOTFOUND {
		return errNoTile()
	}
	if err != nil {
		return err
	}
	if !translog.TileIsIn(t, cp.Size) {
		return errNoTile()
	}
	full := t.W == translog.TileWidth
	var data []byte
	if t.L == translog.EntriesLevel {
		data, err = s.entryBundle(ctx, t)
	} else {
		data, err = s.hashTile(ctx, t)
	}
	if err != nil {
		return err
	}
	h := c.Response().Header()
	if full {
		h.Set(echo.HeaderCacheControl, cacheImmutable)
	} else {
		h.Set(echo.HeaderCacheControl, cachePartial)
	}
	if t.L == translog.EntriesLevel {
		return sendBody(c, http.StatusOK, "application/octet-stream", data)
	}
	return c.Blob(http.StatusOK, "application/octet-stream", data)
}

// hashTile reads a tile's hashes from the stored tree in one query; a full
// tile never changes and is kept in memory.
func (s *Server) hashTile(ctx context.Context, t tlog.Tile) ([]byte, error) {
	if data, ok := s.tiles.get(t); ok {
		return data, nil
	}
	data, err := tlog.ReadTileData(t, s.tl.Store.HashReader(ctx))
	if err != nil {
		return nil, err
	}
	if t.W == translog.TileWidth {
		s.tiles.put(t, data)
	}
	return data, nil
}

// entryBundle rebuilds the entries of a bundle from the rows that claim its
// leaves and checks each against the logged leaf: a bundle that would not
// hash to the tiles is refused, and the operator told, rather than
// published as immutable.
func (s *Server) entryBundle(ctx context.Context, t tlog.Tile) ([]byte, error) {
	if data, ok := s.tiles.get(t); ok {
		return data, nil
	}
	start := t.N * translog.TileWidth
	entries, err := s.tl.Store.LeafEntries(ctx, start, start+int64(t.W))
	if err != nil {
		s.log.Error("entry bundle: the rows do not account for every leaf", "tile", translog.TilePath(t), "err", err)
		return nil, errBundleInconsistent()
	}
	leaves, err := s.hashTile(ctx, tlog.Tile{H: t.H, L: 0, N: t.N, W: t.W})
	if err != nil {
		return nil, err
	}
	encoded := make([][]byte, len(entries))
	for i, e := range entries {
		encoded[i] = e.Encode()
		var leaf tlog.Hash
		copy(leaf[:], leaves[i*tlog.HashSize:])
		if tlog.RecordHash(encoded[i]) != leaf {
			s.log.Error("entry bundle: a row no longer matches its logged leaf; run ikrar audit --data", "leaf", start+int64(i), "tile", translog.TilePath(t))
			return nil, errBundleInconsistent()
		}
	}
	data, err := translog.EncodeBundle(encoded)
	if err != nil {
		return nil, err
	}
	if t.W == translog.TileWidth {
		s.tiles.put(t, data)
	}
	return data, nil
}

func errBundleInconsistent() error {
	return registry.Errorf(registry.EINTERNAL, "Entri log tidak dapat disajikan: catatan di basis data tidak lagi sesuai dengan log transparansi. Pengelola registri harus menjalankan ikrar audit --data.")
}

// tileCache keeps full tiles and entry bundles, which never change, in
// memory, bounded by total bytes; the least recently used go first.
type tileCache struct {
	mu    sync.Mutex
	max   int
	size  int
	order *list.List // front: most recently used
	byKey map[tlog.Tile]*list.Element
}

type cachedTile struct {
	tile tlog.Tile
	data []byte
}

func newTileCache(maxBytes int) *tileCache {
	return &tileCache{max: maxBytes, order: list.New(), byKey: map[tlog.Tile]*list.Element{}}
}

func (c *tileCache) get(t tlog.Tile) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[t]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*cachedTile).data, true
}

func (c *tileCache) put(t tlog.Tile, data []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byKey[t]; ok || len(data) > c.max {
		return
	}
	c.byKey[t] = c.order.PushFront(&cachedTile{t, data})
	c.size += len(data)
	for c.size > c.max {
		last := c.order.Back()
		e := last.Value.(*cachedTile)
		c.order.Remove(last)
		delete(c.byKey, e.tile)
		c.size -= len(e.data)
	}
}
