package qr

import (
	"math"
	"math/bits"
)

// maskDark reports whether mask pattern m inverts the module in row i,
// column j (7.8.2, Table 10).
func maskDark(m, i, j int) bool {
	switch m {
	case 0:
		return (i+j)%2 == 0
	case 1:
		return i%2 == 0
	case 2:
		return j%3 == 0
	case 3:
		return (i+j)%3 == 0
	case 4:
		return (i/2+j/3)%2 == 0
	case 5:
		return i*j%2+i*j%3 == 0
	case 6:
		return (i*j%2+i*j%3)%2 == 0
	}
	return ((i+j)%2+i*j%3)%2 == 0
}

// maxStride is the number of words in a row of the largest symbol.
const maxStride = (17 + 4*40 + 63) / 64

// Every mask pattern repeats every 12 rows and every 12 columns, so 12
// packed rows and 12 packed columns of each describe it whole:
// maskRows[m][y%12] is row y of pattern m, maskCols[m][x%12] column x.
var maskRows, maskCols = func() (rows, cols [8][12][maxStride]uint64) {
	for m := range 8 {
		for r := range 12 {
			for i := range 64 * maxStride {
				if maskDark(m, r, i) {
					rows[m][r][i>>6] |= 1 << (i & 63)
				}
				if maskDark(m, i, r) {
					cols[m][r][i>>6] |= 1 << (i & 63)
				}
			}
		}
	}
	return rows, cols
}()

// apply returns base with mask applied to its data modules and the format
// information of level and mask written in.
func (s *scratch) apply(t *template, base *matrix, level Level, mask int) *matrix {
	m := &s.candidate
	m.copyFrom(base)
	maskLines(m.rows, t.function.rows, &maskRows[mask], t.stride)
	maskLines(m.cols, t.function.cols, &maskCols[mask], t.stride)
	info := formatInfo(level, mask)
	for i := range 15 {
		if info>>i&1 != 0 {
			for _, p := range [2]uint16{t.format[0][i], t.format[1][i]} {
				m.set(int(p&0xff), int(p>>8))
			}
		}
	}
	return m
}

// maskLines inverts the modules of lines that pattern marks and function
// does not.
func maskLines(lines, function []uint64, pattern *[12][maxStride]uint64, stride int) {
	r := 0
	for start := 0; start < len(lines); start += stride {
		p := &pattern[r]
		for k := range stride {
			lines[start+k] ^= p[k] &^ function[start+k]
		}
		if r++; r == 12 {
			r = 0
		}
	}
}

// chooseMask returns the mask whose symbol has the lowest penalty, the
// first of equals.
func (s *scratch) chooseMask(t *template, base *matrix, level Level) int {
	best, lowest := 0, math.MaxInt
	for mask := range 8 {
		if p := penalty(s.apply(t, base, level, mask), t.size).total(); p < lowest {
			best, lowest = mask, p
		}
	}
	return best
}

// The penalty points of Table 11 (7.8.3.1).
const (
	n1 = 3  // a run of one colour in a row or column, plus one per module past five
	n2 = 3  // each 2×2 block of one colour
	n3 = 40 // each finder-like 1:1:3:1:1 pattern with four light modules on one side
	n4 = 10 // each step the dark modules stray from half of the symbol
)

// score is the penalty of a masked symbol by rule.
type score struct {
	runs, blocks, finders, balance int
}

func (s score) total() int { return s.runs + s.blocks + s.finders + s.balance }

// penalty scores m, a symbol of size modules, over the whole symbol,
// format information included, by the rules of 7.8.3.1 as
// github.com/skip2/go-qrcode v0.0.0-20200617195104-da1b6568686e reads them
// (symbol.go), so that the mask chosen is the one it chose for the
// certificates issued before (see data.go). Three of the four rules differ
// from Table 11:
//
//   - rule 1: a run of five modules of one colour scores nothing; a run of
//     L ≥ 6 scores n1 + L − 5, as in the standard;
//   - rule 2: as in the standard;
//   - rule 3: the line is read from its start, and n3 counts when the last
//     eleven modules read are four light modules and the pattern dark,
//     light, dark ×3, light, dark, or the pattern and four light modules,
//     or, at the last module of the line only, when the last seven are the
//     pattern; modules before the line are light, but after it they are
//     not looked at, so a pattern one to four modules from the end with
//     light after it scores nothing. After each count the eight modules
//     last read are taken as dark: a pattern whose four light modules
//     before it ended the previous count is not counted, while the light
//     module ending a count can stand in for the dark first module of the
//     next pattern (linePenalty works out all the cases);
//   - rule 4: n4 for each whole floor(size²/20) dark modules between the
//     count of dark modules and floor(size²/2).
//
// Every mask yields a valid symbol, which decoders read whichever the
// penalty picks: the deviations change which one is chosen, not whether it
// can be read.
func penalty(m *matrix, size int) score {
	var s score
	stride := m.stride
	dark := 0
	for y := range size {
		row := m.rows[y*stride : (y+1)*stride]
		runs, finders := linePenalty(row, size)
		s.runs += runs
		s.finders += finders
		if y > 0 {
			s.blocks += blockPenalty(m.rows[(y-1)*stride:y*stride], row, size)
		}
		for _, w := range row {
			dark += bits.OnesCount64(w)
		}
	}
	for x := range size {
		runs, finders := linePenalty(m.cols[x*stride:(x+1)*stride], size)
		s.runs += runs
		s.finders += finders
	}
	s.balance = balancePenalty(dark, size*size)
	return s
}

// balancePenalty returns the points of rule 4 for dark modules out of
// total, as go-qrcode counts them: n4 for each whole total/20 modules,
// rounded down, between dark and total/2, rounded down.
func balancePenalty(dark, total int) int {
	return n4 * (abs(total/2-dark) / (total / 20))
}

// The penalty rules look at modules a few places along a line at once. A
// line is a row or a column as words of 64 modules, first module in bit 0,
// dark as one; modules past either end are zero, light. For the word cur
// of a line, between prev and next, ahead(k) and behind(k) are the words
// whose bit j is the module k places after and before module j of cur.

func ahead(cur, next uint64, k uint) uint64  { return cur>>k | next<<(64-k) }
func behind(cur, prev uint64, k uint) uint64 { return cur<<k | prev>>(64-k) }

// lowBits is a word of the first n bits, n clamped to [0, 64].
func lowBits(n int) uint64 {
	switch {
	case n <= 0:
		return 0
	case n >= 64:
		return ^uint64(0)
	}
	return 1<<n - 1
}

// linePenalty returns the points of rules 1 and 3 in a line of size
// modules, as penalty describes them. Both look back from each module j,
// at bit j of the words bk, whose bit j is module j − k.
//
// Rule 1: of the modules of a run of L ≥ 6, L − 5 match the five before
// them (run6): the run scores one point for each and n1 more for the
// first, whose sixth module back differs or is outside the line.
//
// Rule 3: go-qrcode keeps the last eleven modules read in a shift
// register; when it counts a pattern at module p, the register is set so
// that modules p−7 to p read as dark and those before as light. Working
// through the cases, after a count at r a count at p = r + k needs:
//
//   - k ≥ 11: the register holds the line itself, so the pattern ending at
//     p with modules p−10 to p−7 light (or before the line), which is
//     open; or ending at p−4 with p−3 to p light, closed; or, p being the
//     last module, the pattern ending at p, last7;
//   - k = 10: modules p−9 to p are light, dark ×3, light, dark, light ×4
//     (tail10): module r, read as dark, completes the pattern whatever it
//     is; or last7;
//   - 7 ≤ k ≤ 9: last7;
//   - k = 6: p is the last module and p−5 to p are light, dark ×3, light,
//     dark (tail6), module r again completing the pattern;
//   - k ≤ 5: never, a module read as dark sits where the pattern has a
//     light one.
//
// Counts are rare, so the candidates are found a word at a time and then
// taken in order.
func linePenalty(line []uint64, size int) (runs, finders int) {
	var prev uint64
	last := size - 1
	counted := -11 // module of the last count, far enough before the line
	for i, cur := range line {
		inside := lowBits(size - 64*i)
		b1, b2, b3, b4, b5 := behind(cur, prev, 1), behind(cur, prev, 2), behind(cur, prev, 3), behind(cur, prev, 4), behind(cur, prev, 5)
		b6, b7, b8, b9, b10 := behind(cur, prev, 6), behind(cur, prev, 7), behind(cur, prev, 8), behind(cur, prev, 9), behind(cur, prev, 10)

		run6 := ^(cur ^ b1) & ^(b1 ^ b2) & ^(b2 ^ b3) & ^(b3 ^ b4) & ^(b4 ^ b5) & inside
		if i == 0 {
			run6 &^= lowBits(5) // modules 0 to 4 have not five before them
		}
		first := run6 & (b5 ^ b6)
		if i == 0 {
			first |= run6 & (1 << 5) // module 0 starts the line
		}
		runs += bits.OnesCount64(run6) + n1*bits.OnesCount64(first)

		tail6 := cur &^ b1 & b2 & b3 & b4 &^ b5
		last7 := tail6 & b6
		open := last7 &^ (b7 | b8 | b9 | b10)
		tail10 := b4 &^ b5 & b6 & b7 & b8 &^ b9 &^ (cur | b1 | b2 | b3) & inside
		closed := tail10 & b10
		var atLast uint64
		if last>>6 == i {
			atLast = 1 << (last & 63)
		}
		for candidates := open | tail10 | tail6&atLast; candidates != 0; candidates &= candidates - 1 {
			j := bits.TrailingZeros64(candidates)
			bit := uint64(1) << j
			p := 64*i + j
			end := last7&atLast&bit != 0
			var count bool
			switch k := p - counted; {
			case k >= 11:
				count = (open|closed)&bit != 0 || end
			case k == 10:
				count = tail10&bit != 0 || end
			case k >= 7:
				count = end
			case k == 6:
				count = tail6&atLast&bit != 0
			}
			if count {
				finders++
				counted = p
			}
		}
		prev = cur
	}
	return runs, finders * n3
}

// blockPenalty returns the points of rule 2 for the 2×2 blocks of one
// colour spanning two adjacent rows of size modules, a and b.
func blockPenalty(a, b []uint64, size int) int {
	blocks := 0
	for i := range a {
		var aNext, bNext uint64
		if i+1 < len(a) {
			aNext, bNext = a[i+1], b[i+1]
		}
		a1, b1 := ahead(a[i], aNext, 1), ahead(b[i], bNext, 1)
		same := ^(a[i] ^ b[i]) & ^(a1 ^ b1) & ^(a[i] ^ a1) & lowBits(size-1-64*i)
		blocks += bits.OnesCount64(same)
	}
	return blocks * n2
}
