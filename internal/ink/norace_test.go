//go:build !race

package ink

const raceEnabled = false
