package web_test

import (
	"net/http"
	"sync/atomic"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/ikrar-id/ikrar/internal/translog"
)

// BenchmarkTiles serves the log's public tiles (issue 12 item 3) from 200
// parallel clients over a registry of benchRecords leaves: full hash tiles
// of level 0 and full entry bundles, cycling over every full one. After
// the first round they come from the server's tile cache, as a monitor's
// repeated walks and a CDN's misses would find them.
func BenchmarkTiles(b *testing.B) {
	a := benchNewApp(b, benchRecords)
	if w := a.serve(http.MethodGet, "/api/v1/log/checkpoint", "", nil, nil); w.Code != http.StatusOK {
		b.Fatalf("checkpoint: %d", w.Code)
	}
	full := int64(benchRecords / 256)
	for _, tc := range []struct {
		name  string
		level int
	}{{"hash", 0}, {"entries", translog.EntriesLevel}} {
		b.Run(tc.name, func(b *testing.B) {
			var n atomic.Int64
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					path := "/log/" + translog.TilePath(tlog.Tile{H: 8, L: tc.level, N: n.Add(1) % full, W: 256})
					if w := a.serve(http.MethodGet, path, "", nil, nil); w.Code != http.StatusOK {
						b.Fatalf("GET %s: %d %s", path, w.Code, w.Body)
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tiles/s")
		})
	}
}
