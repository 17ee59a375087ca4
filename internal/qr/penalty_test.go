package qr

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// referencePenalty scores a symbol module by module the way go-qrcode
// (symbol.go of v0.0.0-20200617195104-da1b6568686e) does, as penalty
// describes it: a straightforward reading of the rules, to check the
// bit-parallel penalty against.
func referencePenalty(bm [][]bool) score {
	n := len(bm)
	var s score
	dark := 0
	for y := range n {
		col := make([]bool, n)
		for x := range n {
			col[x] = bm[x][y]
			if bm[y][x] {
				dark++
			}
			// Rule 2: 2×2 blocks of one colour.
			if x+1 < n && y+1 < n && bm[y][x] == bm[y][x+1] && bm[y][x] == bm[y+1][x] && bm[y][x] == bm[y+1][x+1] {
				s.blocks += 3
			}
		}
		for _, line := range [][]bool{bm[y], col} {
			runs, finders := referenceLine(line)
			s.runs += runs
			s.finders += finders
		}
	}
	// Rule 4: whole steps of floor(n²/20) modules between the dark ones
	// and floor(n²/2).
	total := n * n
	s.balance = 10 * (abs(total/2-dark) / (total / 20))
	return s
}

// referenceLine returns the points of rules 1 and 3 in a row or column.
func referenceLine(line []bool) (runs, finders int) {
	n := len(line)
	// Rule 1: runs of six or more, n1 + L − 5 each.
	for i := 0; i < n; {
		end := i
		for end < n && line[end] == line[i] {
			end++
		}
		if end-i >= 6 {
			runs += 3 + end - i - 5
		}
		i = end
	}
	// Rule 3: the last eleven modules read, the latest in bit 0, light
	// before the line. A count makes the last eight read dark.
	const pattern = 0b1011101
	var window uint
	for i, d := range line {
		window <<= 1
		if d {
			window |= 1
		}
		w := window & 0x7ff
		if w == pattern || w == pattern<<4 || i == n-1 && w&0x7f == pattern {
			finders += 40
			window = 0xff
		}
	}
	return runs, finders
}

// bitmapOf is the modules of m as rows of bools.
func bitmapOf(m *matrix, size int) [][]bool {
	c := Code{size: size, stride: m.stride, bits: m.rows}
	return c.Bitmap()
}

// TestPenaltyMatchesReference checks the bit-parallel penalty against the
// module-by-module one for all masks of symbols of every version.
func TestPenaltyMatchesReference(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 8))
	for version := 1; version <= 40; version++ {
		level := Level(rng.IntN(4))
		text := randomText(rng, byteOnly, lengthFor(rng, modeByte, version, level))
		var s scratch
		if v := s.plan(text, level); v != version {
			t.Fatalf("%d bytes at %v: version %d, want %d", len(text), level, v, version)
		}
		tpl := templateOf[version]()
		base := s.place(tpl, s.codewords(s.segs, version, level))
		for mask := range 8 {
			m := s.apply(tpl, base, level, mask)
			got, want := penalty(m, tpl.size), referencePenalty(bitmapOf(m, tpl.size))
			if got != want {
				t.Errorf("%d-%v mask %d: penalty %+v, want %+v", version, level, mask, got, want)
			}
			if !sameTranspose(m, tpl.size) {
				t.Fatalf("%d-%v mask %d: columns are not the rows transposed", version, level, mask)
			}
		}
	}
}

// sameTranspose reports whether m's columns hold its rows.
func sameTranspose(m *matrix, size int) bool {
	for y := range size {
		for x := range size {
			if m.get(x, y) != (m.cols[x*m.stride+y>>6]>>(y&63)&1 != 0) {
				return false
			}
		}
	}
	return true
}

// TestBalancePenalty checks rule 4 around its steps, which go-qrcode
// counts in whole modules: floor(n²/20) of them from floor(n²/2).
func TestBalancePenalty(t *testing.T) {
	tests := []struct{ dark, total, want int }{
		// 21×21: steps of 22 from 220.
		{220, 441, 0},
		{241, 441, 0},
		{242, 441, 10}, // 54.9 %: the standard gives 0
		{199, 441, 0},
		{198, 441, 10},
		{0, 441, 100},
		{441, 441, 100},
		// 25×25: steps of 31 from 312.
		{250, 625, 20}, // 40 %
		{251, 625, 10}, // 40.2 %
		{374, 625, 20}, // 59.8 %: the standard gives 10
		{373, 625, 10},
	}
	for _, tt := range tests {
		if got := balancePenalty(tt.dark, tt.total); got != tt.want {
			t.Errorf("%d of %d dark: %d points, want %d", tt.dark, tt.total, got, tt.want)
		}
	}
}

// TestLinePenalty checks rules 1 and 3 on single lines whose points are
// counted by hand, and the reference on them.
func TestLinePenalty(t *testing.T) {
	tests := []struct {
		line          string
		runs, finders int
	}{
		{"000000000000000000000", 3 + 16, 0},
		{"111110101010101010101", 0, 0},      // a run of exactly five scores nothing
		{"111111010101010101010", 4, 0},      // six
		{"101110100000000000000", 3 + 9, 40}, // at the left edge, light on both sides: once
		{"000000000000001011101", 3 + 9, 40}, // ending at the last module
		{"101010101010101110100", 0, 0},      // light after only with the outside: not counted
		{"101010101010101011101", 0, 40},     // the last module ends it: counted
		{"101110100001011101000", 0, 80},     // two sharing light modules, each with light before
		// The second shares the light modules after the first, which
		// counted them: they read dark then.
		{"110111010000101110110", 0, 40},
		// The light module ending the first count reads dark, and makes
		// the next modules a pattern with light after ...
		{"1101110100000111010000", 0, 80},
		// ... or a pattern ending at the last module.
		{"101010110111010000011101", 0, 80},
		{"1101011101011", 0, 0}, // no four light modules on either side
		// Straddling two words: a run of six ending at module 60, and the
		// pattern at modules 61 to 67.
		{strings.Repeat("10", 27) + "1" + "000000" + "1011101" + "0000", 4, 40},
		// Ending at the last module of a line of 65 and 64.
		{strings.Repeat("10", 29) + "1011101", 0, 40},
		{strings.Repeat("10", 28) + "1" + "1011101", 0, 40},
	}
	for _, tt := range tests {
		line := make([]bool, len(tt.line))
		for i, c := range tt.line {
			line[i] = c == '1'
		}
		if runs, finders := referenceLine(line); runs != tt.runs || finders != tt.finders {
			t.Errorf("%s: reference runs %d, finders %d; want %d, %d", tt.line, runs, finders, tt.runs, tt.finders)
		}
		if runs, finders := linePenalty(packLine(line), len(line)); runs != tt.runs || finders != tt.finders {
			t.Errorf("%s: runs %d, finders %d; want %d, %d", tt.line, runs, finders, tt.runs, tt.finders)
		}
	}
}

func packLine(line []bool) []uint64 {
	words := make([]uint64, (len(line)+63)/64)
	for i, dark := range line {
		if dark {
			words[i>>6] |= 1 << (i & 63)
		}
	}
	return words
}

// TestLinePenaltyRandom checks rules 1 and 3 against the reference on
// random lines of every symbol width, with finder-like patterns, their
// parts, light stretches and runs planted anywhere, the edges and word
// boundaries included.
func TestLinePenaltyRandom(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(9, 10))
	pieces := []string{"1011101", "011101", "0000", "11111", "00000", "0", "1", "10", "01"}
	for range 30000 {
		size := 21 + 4*rng.IntN(40)
		var b strings.Builder
		for b.Len() < size {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		s := b.String()
		if off := rng.IntN(8); off > 0 && rng.IntN(2) == 0 {
			s = s[off:] + s[:off]
		}
		line := make([]bool, size)
		for i := range line {
			line[i] = s[i] == '1'
		}
		runs, finders := linePenalty(packLine(line), size)
		wantRuns, wantFinders := referenceLine(line)
		if runs != wantRuns || finders != wantFinders {
			t.Fatalf("%s: runs %d, finders %d; want %d, %d", s[:size], runs, finders, wantRuns, wantFinders)
		}
	}
}
