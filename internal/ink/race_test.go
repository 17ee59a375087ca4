//go:build race

package ink

// raceEnabled: the race detector makes sync.Pool drop a share of what is
// put back, so pooled buffers are allocated again now and then.
const raceEnabled = true
