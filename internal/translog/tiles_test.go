package translog

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"testing"

	"golang.org/x/mod/sumdb/tlog"
)

// tilesVector is docs/FORMATS.md §9's vector: the log of the three
// version 2 leaves of §4 (a signature, its revocation, its issuance), its
// level-0 tile and its entry bundle as /log/ serves them, and how tile
// paths are written.
type tilesVector struct {
	Description string   `json:"description"`
	Sources     []string `json:"entries_from"`
	Entries     []string `json:"entries"` // exact preimages
	Root        string   `json:"root_hex"`
	TilePath    string   `json:"tile_path"`
	Tile        string   `json:"tile_hex"`
	BundlePath  string   `json:"bundle_path"`
	Bundle      string   `json:"bundle_hex"`
	Paths       []struct {
		Level int    `json:"level"` // -1: entry bundle
		N     int64  `json:"n"`
		Width int    `json:"width"`
		Path  string `json:"path"`
	} `json:"paths"`
}

func TestTilesVector(t *testing.T) {
	v := tilesVector{
		Description: "An entry bundle holds each leaf's exact preimage, as a big-endian uint16 length and the bytes; the level-0 tile holds their leaf hashes, SHA-256(0x00 || preimage). Paths as C2SP tlog-tiles writes them.",
		Sources:     []string{"leaf-v2-signature.json", "leaf-v2-revocation.json", "leaf-v2-issuance.json"},
	}
	var leaves []tlog.Hash
	var entries [][]byte
	for _, f := range v.Sources {
		b, err := os.ReadFile("testdata/" + f)
		if err != nil {
			t.Fatal(err)
		}
		var lv leafVector
		if err := json.Unmarshal(b, &lv); err != nil {
			t.Fatal(err)
		}
		v.Entries = append(v.Entries, lv.Preimage)
		entries = append(entries, []byte(lv.Preimage))
		leaves = append(leaves, tlog.RecordHash([]byte(lv.Preimage)))
	}
	mem, err := Rebuild(leaves)
	if err != nil {
		t.Fatal(err)
	}
	root, err := TreeHash(int64(len(leaves)), mem)
	if err != nil {
		t.Fatal(err)
	}
	v.Root = hex.EncodeToString(root[:])
	tile := tlog.Tile{H: TileHeight, L: 0, N: 0, W: len(leaves)}
	data, err := tlog.ReadTileData(tile, mem)
	if err != nil {
		t.Fatal(err)
	}
	v.TilePath, v.Tile = TilePath(tile), hex.EncodeToString(data)
	bundle, err := EncodeBundle(entries)
	if err != nil {
		t.Fatal(err)
	}
	v.BundlePath = TilePath(tlog.Tile{H: TileHeight, L: EntriesLevel, W: len(leaves)})
	v.Bundle = hex.EncodeToString(bundle)
	for _, p := range []struct {
		l    int
		n    int64
		w    int
		path string
	}{
		{0, 1234067, 256, "tile/0/x001/x234/067"},
		{0, 0, 3, "tile/0/000.p/3"},
		{1, 1, 17, "tile/1/001.p/17"},
		{EntriesLevel, 1000, 256, "tile/entries/x001/000"},
		{EntriesLevel, 0, 3, "tile/entries/000.p/3"},
	} {
		v.Paths = append(v.Paths, struct {
			Level int    `json:"level"`
			N     int64  `json:"n"`
			Width int    `json:"width"`
			Path  string `json:"path"`
		}{p.l, p.n, p.w, TilePath(tlog.Tile{H: TileHeight, L: p.l, N: p.n, W: p.w})})
		if got := v.Paths[len(v.Paths)-1].Path; got != p.path {
			t.Errorf("TilePath(%d, %d, %d) = %s, want %s", p.l, p.n, p.w, got, p.path)
		}
	}
	var read tilesVector
	checkVector(t, "tiles-v1.json", v, &read)

	// An outside reader of the vector: the bundle splits into the
	// entries, each hashing to its hash in the tile, and the tile's
	// hashes give the root.
	b, _ := hex.DecodeString(read.Bundle)
	got, err := ParseBundle(b, len(read.Entries))
	if err != nil {
		t.Fatal(err)
	}
	tb, _ := hex.DecodeString(read.Tile)
	for i, e := range got {
		if string(e) != read.Entries[i] {
			t.Fatalf("bundle entry %d differs", i)
		}
		if h := tlog.RecordHash(e); hex.EncodeToString(h[:]) != hex.EncodeToString(tb[i*32:i*32+32]) {
			t.Fatalf("entry %d does not hash to the tile", i)
		}
	}
}

// ParseTilePath accepts exactly what TilePath writes.
func TestTilePathRoundTrip(t *testing.T) {
	for _, tile := range []tlog.Tile{
		{L: 0, N: 0, W: 1}, {L: 0, N: 999, W: 256}, {L: 0, N: 1000, W: 255}, {L: 3, N: 1234067, W: 256},
		{L: EntriesLevel, N: 0, W: 256}, {L: EntriesLevel, N: 1<<63 - 1, W: 7}, {L: 63, N: 5, W: 256},
	} {
		tile.H = TileHeight
		p := TilePath(tile)
		got, err := ParseTilePath(p)
		if err != nil || got != tile {
			t.Errorf("ParseTilePath(%s) = %+v, %v; want %+v", p, got, err, tile)
		}
	}
	for _, p := range []string{
		"", "tile/", "tile/0", "tile/0/", "tile/0/1", "tile/0/0001", "tile/0/x000/001", "tile/0/001/x002",
		"tile/-1/000", "tile/01/000", "tile/64/000", "tile/0/000.p/0", "tile/0/000.p/256", "tile/0/000.p/01",
		"tile/0/000.p/", "tile/0/000.p/3/4", "tile/0/00a", "tile/entry/000", "tile/0/x009/x223/x372/x036/x854/x775/808",
		"tile/0/x001/x002/x003/x004/x005/x006/x007/008", "tile/0/+01", "tile/0/000/", "tile/0/x1/000",
	} {
		if tile, err := ParseTilePath(p); err == nil {
			t.Errorf("ParseTilePath(%q) = %+v, want an error", p, tile)
		}
	}
}

// TileIsIn admits a tile only when every hash in it is of a complete
// subtree of the tree: the tlog-tiles example of a tree of 70,000.
func TestTileIsIn(t *testing.T) {
	const n = 70000
	in := func(l int, nn int64, w int) bool { return TileIsIn(tlog.Tile{H: 8, L: l, N: nn, W: w}, n) }
	for _, c := range []struct {
		l    int
		n    int64
		w    int
		want bool
	}{
		{0, 272, 256, true}, {0, 273, 256, false}, {0, 273, 112, true}, {0, 273, 113, false}, {0, 274, 1, false},
		{1, 0, 256, true}, {1, 1, 17, true}, {1, 1, 18, false}, {1, 1, 256, false},
		{2, 0, 1, true}, {2, 0, 2, false}, {3, 0, 1, false},
		{EntriesLevel, 273, 112, true}, {EntriesLevel, 273, 113, false},
		{0, -1, 1, false}, {0, 0, 0, false}, {0, 0, 257, false}, {62, 0, 1, false},
	} {
		if got := in(c.l, c.n, c.w); got != c.want {
			t.Errorf("tile %d/%d width %d in a tree of %d: %v, want %v", c.l, c.n, c.w, n, got, c.want)
		}
	}
	if TileIsIn(tlog.Tile{H: 8, L: 0, N: 0, W: 1}, 0) {
		t.Error("an empty tree has a tile")
	}
}

func TestParseBundleRejects(t *testing.T) {
	good, err := EncodeBundle([][]byte{[]byte("a"), {}, []byte("bc")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseBundle(good, 3); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		b []byte
		w int
	}{
		"too few":         {good, 4},
		"too many":        {good, 2},
		"truncated entry": {good[:len(good)-1], 3},
		"half a length":   {append(append([]byte{}, good...), 0), 3},
	} {
		if _, err := ParseBundle(c.b, c.w); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := EncodeBundle([][]byte{make([]byte, 1<<16)}); err == nil {
		t.Error("an entry of 65536 bytes was encoded")
	}
}
