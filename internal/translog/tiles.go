package translog

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/mod/sumdb/tlog"
)

// The log is published as C2SP tlog-tiles (c2sp.org/tlog-tiles): hash
// tiles of height 8 and entry bundles of 256 entries, each entry a leaf's
// exact preimage (docs/FORMATS.md §4, §9).
const (
	TileHeight = 8
	TileWidth  = 1 << TileHeight
)

// EntriesLevel is the tlog.Tile level ikrar uses for an entry bundle, as
// golang.org/x/mod/sumdb/tlog uses -1 for its data tiles.
const EntriesLevel = -1

// TilePath is a tile's path under the log's prefix as tlog-tiles names it:
// "tile/L/N" for a hash tile, "tile/entries/N" for an entry bundle (t.L ==
// EntriesLevel), with ".p/W" when the tile is partial (t.W < 256). N is
// written in 3-digit elements, all but the last prefixed with x:
// 1234067 is x001/x234/067.
func TilePath(t tlog.Tile) string {
	var b strings.Builder
	b.WriteString("tile/")
	if t.L == EntriesLevel {
		b.WriteString("entries")
	} else {
		b.WriteString(strconv.Itoa(t.L))
	}
	n := t.N
	var elems []string
	for {
		elems = append(elems, fmt.Sprintf("%03d", n%1000))
		n /= 1000
		if n == 0 {
			break
		}
	}
	for i := len(elems) - 1; i >= 0; i-- {
		b.WriteByte('/')
		if i > 0 {
			b.WriteByte('x')
		}
		b.WriteString(elems[i])
	}
	if t.W < TileWidth {
		fmt.Fprintf(&b, ".p/%d", t.W)
	}
	return b.String()
}

var errTilePath = errors.New("not a tile path")

// ParseTilePath parses a path TilePath writes, and only such a path: no
// leading zeros in L or W, no empty or x000 leading elements of N, W from
// 1 to 255. The tile's H is TileHeight.
func ParseTilePath(p string) (tlog.Tile, error) {
	t := tlog.Tile{H: TileHeight, W: TileWidth}
	rest, ok := strings.CutPrefix(p, "tile/")
	if !ok {
		return t, errTilePath
	}
	level, rest, ok := strings.Cut(rest, "/")
	if !ok {
		return t, errTilePath
	}
	if level == "entries" {
		t.L = EntriesLevel
	} else {
		l, ok := smallDecimal(level, 0, 63)
		if !ok {
			return t, errTilePath
		}
		t.L = int(l)
	}
	if nPart, w, partial := strings.Cut(rest, ".p/"); partial {
		width, ok := smallDecimal(w, 1, TileWidth-1)
		if !ok {
			return t, errTilePath
		}
		t.W, rest = int(width), nPart
	}
	elems := strings.Split(rest, "/")
	// 7 elements hold every int64; more cannot be canonical.
	if len(elems) > 7 {
		return t, errTilePath
	}
	var n int64
	for i, e := range elems {
		if i < len(elems)-1 {
			if e, ok = strings.CutPrefix(e, "x"); !ok || (i == 0 && e == "000") {
				return t, errTilePath
			}
		}
		if len(e) != 3 || strings.Trim(e, "0123456789") != "" {
			return t, errTilePath
		}
		d, _ := strconv.Atoi(e)
		if n > (1<<63-1-int64(d))/1000 {
			return t, errTilePath
		}
		n = n*1000 + int64(d)
	}
	t.N = n
	return t, nil
}

// smallDecimal parses a decimal without sign or leading zeros in [lo, hi].
func smallDecimal(s string, lo, hi int64) (int64, bool) {
	if s == "" || len(s) > 3 || (len(s) > 1 && s[0] == '0') || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	n, _ := strconv.ParseInt(s, 10, 64)
	return n, n >= lo && n <= hi
}

// TileIsIn reports whether a tree of size n has all of tile t: each of
// its W hashes is of a complete subtree of the tree. A tile beyond it is
// never served.
func TileIsIn(t tlog.Tile, n int64) bool {
	if t.W < 1 || t.W > TileWidth || t.N < 0 || n < 0 {
		return false
	}
	level := max(t.L, 0)
	if TileHeight*level >= 63 {
		return false
	}
	// The tree has n>>(8L) complete subtrees at the tile's level; the tile
	// holds those from N*256 to N*256+W.
	count := n >> (TileHeight * level)
	return count >= int64(t.W) && t.N <= (count-int64(t.W))/TileWidth
}

// EncodeBundle writes an entry bundle: each entry as a big-endian uint16
// length followed by its bytes.
func EncodeBundle(entries [][]byte) ([]byte, error) {
	size := 0
	for _, e := range entries {
		size += 2 + len(e)
	}
	b := make([]byte, 0, size)
	for i, e := range entries {
		if len(e) > 0xffff {
			return nil, fmt.Errorf("entry %d has %d bytes, more than a bundle can hold", i, len(e))
		}
		b = binary.BigEndian.AppendUint16(b, uint16(len(e)))
		b = append(b, e...)
	}
	return b, nil
}

// ParseBundle splits an entry bundle that must hold exactly width entries.
func ParseBundle(b []byte, width int) ([][]byte, error) {
	out := make([][]byte, 0, width)
	for len(b) > 0 {
		if len(b) < 2 {
			return nil, fmt.Errorf("entry bundle: truncated length after %d entries", len(out))
		}
		n := int(binary.BigEndian.Uint16(b))
		if len(b) < 2+n {
			return nil, fmt.Errorf("entry bundle: entry %d is truncated", len(out))
		}
		out = append(out, b[2:2+n])
		b = b[2+n:]
	}
	if len(out) != width {
		return nil, fmt.Errorf("entry bundle: %d entries, want %d", len(out), width)
	}
	return out, nil
}

// TileFetcher fetches the resource at a tile path (TilePath) under a log's
// prefix.
type TileFetcher func(path string) ([]byte, error)

// TileReader is a tlog.TileReader over a log's published tiles. It keeps
// the tiles above level 0 it has read, which every proof of a walk needs
// again; tlog.TileHashReader checks each tile against the tree it reads.
type TileReader struct {
	Fetch TileFetcher

	mu    sync.Mutex
	saved map[tlog.Tile][]byte
}

func (r *TileReader) Height() int { return TileHeight }

func (r *TileReader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		r.mu.Lock()
		data, ok := r.saved[t]
		r.mu.Unlock()
		if ok {
			out[i] = data
			continue
		}
		data, err := r.Fetch(TilePath(t))
		if err != nil {
			return nil, err
		}
		if len(data) != t.W*tlog.HashSize {
			return nil, fmt.Errorf("%s: %d bytes, want %d", TilePath(t), len(data), t.W*tlog.HashSize)
		}
		out[i] = data
	}
	return out, nil
}

// SaveTiles keeps the verified tiles above level 0.
func (r *TileReader) SaveTiles(tiles []tlog.Tile, data [][]byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.saved == nil {
		r.saved = map[tlog.Tile][]byte{}
	}
	for i, t := range tiles {
		if t.L > 0 {
			r.saved[t] = data[i]
		}
	}
}

// WalkEntries fetches the entries of leaves [from, tree.N) through the
// entry bundles and checks each against the leaf hash that the hash tiles
// prove under tree (a checkpoint already verified); fn gets each entry in
// order. It stops at the first entry that does not hash to its leaf.
func WalkEntries(r *TileReader, tree tlog.Tree, from int64, fn func(index int64, entry []byte) error) error {
	if from < 0 || from > tree.N {
		return fmt.Errorf("walk from leaf %d of a tree of %d", from, tree.N)
	}
	hr := tlog.TileHashReader(tree, r)
	for start := from - from%TileWidth; start < tree.N; start += TileWidth {
		width := int(min(int64(TileWidth), tree.N-start))
		bundle := tlog.Tile{H: TileHeight, L: EntriesLevel, N: start / TileWidth, W: width}
		data, err := r.Fetch(TilePath(bundle))
		if err != nil {
			return err
		}
		entries, err := ParseBundle(data, width)
		if err != nil {
			return fmt.Errorf("%s: %w", TilePath(bundle), err)
		}
		indexes := make([]int64, width)
		for i := range indexes {
			indexes[i] = tlog.StoredHashIndex(0, start+int64(i))
		}
		leaves, err := hr.ReadHashes(indexes)
		if err != nil {
			return fmt.Errorf("leaf hashes of %d to %d under the checkpoint: %w", start, start+int64(width)-1, err)
		}
		for i, e := range entries {
			index := start + int64(i)
			if index < from {
				continue
			}
			if tlog.RecordHash(e) != leaves[i] {
				return &EntryMismatchError{Index: index, Path: TilePath(bundle)}
			}
			if err := fn(index, e); err != nil {
				return err
			}
		}
	}
	return nil
}

// EntryMismatchError is an entry bundle whose entry does not hash to the
// leaf that the checkpoint's tree holds.
type EntryMismatchError struct {
	Index int64
	Path  string
}

func (e *EntryMismatchError) Error() string {
	return fmt.Sprintf("entry %d in %s does not hash to leaf %d of the signed tree", e.Index, e.Path, e.Index)
}
