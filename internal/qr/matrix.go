package qr

import (
	"math/bits"
	"sync"
)

// matrix is a square of modules kept twice, bit-packed by rows and by
// columns, so that rows and columns alike are scanned a word at a time.
type matrix struct {
	stride int      // words per row or column
	rows   []uint64 // column x of row y: bit x%64 of rows[y*stride+x/64]
	cols   []uint64 // row y of column x: bit y%64 of cols[x*stride+y/64]
}

func newMatrix(size int) matrix {
	stride := (size + 63) / 64
	return matrix{
		stride: stride,
		rows:   make([]uint64, size*stride),
		cols:   make([]uint64, size*stride),
	}
}

// set makes the module in column x, row y a one.
func (m *matrix) set(x, y int) {
	m.rows[y*m.stride+x>>6] |= 1 << (x & 63)
	m.cols[x*m.stride+y>>6] |= 1 << (y & 63)
}

func (m *matrix) get(x, y int) bool {
	return m.rows[y*m.stride+x>>6]>>(x&63)&1 != 0
}

// copyFrom makes m a copy of src, reusing m's arrays when large enough.
func (m *matrix) copyFrom(src *matrix) {
	m.stride = src.stride
	m.rows = grow(m.rows, len(src.rows))
	m.cols = grow(m.cols, len(src.cols))
	copy(m.rows, src.rows)
	copy(m.cols, src.cols)
}

// template is what all symbols of one version share.
type template struct {
	size   int
	stride int
	// function has a one at every function pattern module, format
	// information included, and at the bits past the edge of each row and
	// column, so that masking leaves all of them alone.
	function matrix
	// dark has the dark modules of the function patterns, with the format
	// information left light.
	dark matrix
	// order is the position, y<<8 | x, of the data modules in the order
	// the bits of the codeword sequence fill them (7.7.3): upwards and
	// downwards in turn through two-module columns, from the right.
	order []uint16
	// format is the position, y<<8 | x, of bit i, least significant first,
	// of each of the two copies of the format information (7.9.1).
	format [2][15]uint16
}

// templateOf[v]() is the template of version v, built on first use.
var templateOf = func() (f [41]func() *template) {
	for v := 1; v <= 40; v++ {
		f[v] = sync.OnceValue(func() *template { return newTemplate(v) })
	}
	return f
}()

func newTemplate(version int) *template {
	n := 17 + 4*version
	t := &template{size: n, stride: (n + 63) / 64, function: newMatrix(n), dark: newMatrix(n)}
	t.addFinders()
	t.addTiming()
	t.addAlignment(alignmentTable[version])
	t.addFormatArea()
	if version >= 7 {
		t.addVersion(versionInfo(version))
	}
	t.fillEdges()
	t.addOrder()
	return t
}

// module marks the function module at (x, y), dark or light.
func (t *template) module(x, y int, dark bool) {
	t.function.set(x, y)
	if dark {
		t.dark.set(x, y)
	}
}

// addFinders adds the three finder patterns (6.3.3), rings of 7, 5 and 3
// modules, dark, light and dark, each in its light separator (6.3.4).
func (t *template) addFinders() {
	n := t.size
	for _, c := range [3][2]int{{3, 3}, {n - 4, 3}, {3, n - 4}} {
		for dy := -4; dy <= 4; dy++ {
			for dx := -4; dx <= 4; dx++ {
				x, y := c[0]+dx, c[1]+dy
				if x < 0 || y < 0 || x >= n || y >= n {
					continue
				}
				ring := max(abs(dx), abs(dy))
				t.module(x, y, ring != 2 && ring != 4)
			}
		}
	}
}

// addTiming adds the timing patterns (6.3.5), row and column 6, dark at
// even positions. Where they cross the finder patterns they agree with
// them.
func (t *template) addTiming() {
	for i := range t.size {
		t.module(i, 6, i%2 == 0)
		t.module(6, i, i%2 == 0)
	}
}

// addAlignment adds the alignment patterns (6.3.6) centred on every pair of
// coordinates, but those that would overlap a finder pattern: rings of 5,
// 3 and 1 modules, dark, light and dark.
func (t *template) addAlignment(coords []uint8) {
	if len(coords) == 0 {
		return
	}
	first, last := coords[0], coords[len(coords)-1]
	for _, cy := range coords {
		for _, cx := range coords {
			if cx == first && (cy == first || cy == last) || cx == last && cy == first {
				continue
			}
			for dy := -2; dy <= 2; dy++ {
				for dx := -2; dx <= 2; dx++ {
					t.module(int(cx)+dx, int(cy)+dy, max(abs(dx), abs(dy)) != 1)
				}
			}
		}
	}
}

// addFormatArea reserves the modules of the two copies of the format
// information, left light here, records where each bit goes (7.9.1,
// Figure 25), and adds the dark module beside the lower copy.
func (t *template) addFormatArea() {
	n := t.size
	for i := range 15 {
		var x, y int
		switch {
		case i < 6:
			x, y = 8, i
		case i < 8:
			x, y = 8, i+1 // skipping the timing pattern
		case i == 8:
			x, y = 7, 8
		default:
			x, y = 14-i, 8
		}
		t.format[0][i] = uint16(y<<8 | x)
		if i < 8 {
			x, y = n-1-i, 8
		} else {
			x, y = 8, n-15+i
		}
		t.format[1][i] = uint16(y<<8 | x)
	}
	for _, c := range t.format {
		for _, p := range c {
			t.module(int(p&0xff), int(p>>8), false)
		}
	}
	t.module(8, n-8, true)
}

// addVersion adds the two copies of the version information (7.10): bit i,
// least significant first, at row i/3 of the three columns starting 11
// from the right, and mirrored about the diagonal.
func (t *template) addVersion(info uint32) {
	for i := range 18 {
		a, b := t.size-11+i%3, i/3
		dark := info>>i&1 != 0
		t.module(a, b, dark)
		t.module(b, a, dark)
	}
}

// fillEdges marks the bits past the last module of each row and column as
// function modules.
func (t *template) fillEdges() {
	n, stride := t.size, t.stride
	past := ^uint64(0) << (n & 63) // n is odd, so never a multiple of 64
	for i := range n {
		t.function.rows[(i+1)*stride-1] |= past
		t.function.cols[(i+1)*stride-1] |= past
	}
}

// addOrder lists the data modules in placement order.
func (t *template) addOrder() {
	n := t.size
	t.order = make([]uint16, 0, n*n)
	up := true
	for right := n - 1; right >= 1; right -= 2 {
		if right == 6 {
			right = 5 // the vertical timing pattern takes a whole column
		}
		for i := range n {
			y := i
			if up {
				y = n - 1 - i
			}
			for x := right; x >= right-1; x-- {
				if !t.function.get(x, y) {
					t.order = append(t.order, uint16(y<<8|x))
				}
			}
		}
		up = !up
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// bch returns data followed by the remainder of its division by gen, a
// polynomial over GF(2) of degree deg: a BCH code word (Annex C, D).
func bch(data, gen uint32, deg int) uint32 {
	r := data << deg
	for i := bits.Len32(r) - 1; i >= deg; i-- {
		if r>>i&1 != 0 {
			r ^= gen << (i - deg)
		}
	}
	return data<<deg | r
}

// formatInfo is the 15-bit format information of level and mask (7.9.1):
// the level indicator and mask reference, (15, 5) BCH coded with generator
// x¹⁰+x⁸+x⁵+x⁴+x²+x+1 and XORed with 101010000010010.
func formatInfo(level Level, mask int) uint16 {
	return uint16(bch(uint32(levelBits[level])<<3|uint32(mask), 0x537, 10) ^ 0x5412)
}

// versionInfo is the 18-bit version information of version (7.10): the
// version, (18, 6) BCH coded with generator x¹²+x¹¹+x¹⁰+x⁹+x⁸+x⁵+x²+1.
func versionInfo(version int) uint32 {
	return bch(uint32(version), 0x1f25, 12)
}

// place returns the symbol without masking: the template's function
// patterns and the bits of codewords, a one for dark, in the data modules.
// Modules left after the last codeword are remainder bits, zero (7.7.3).
func (s *scratch) place(t *template, codewords []byte) *matrix {
	m := &s.base
	m.copyFrom(&t.dark)
	for i, c := range codewords {
		if c == 0 {
			continue
		}
		for j, p := range t.order[8*i : 8*i+8] {
			if c<<j&0x80 != 0 {
				m.set(int(p&0xff), int(p>>8))
			}
		}
	}
	return m
}

// codewords returns the final codeword sequence of segs in a symbol of
// version at level: data codewords and error correction, interleaved.
func (s *scratch) codewords(segs []segment, version int, level Level) []byte {
	lay := layoutOf(version, level)
	total := int(versionTable[version].total)
	s.data = encodeData(grow(s.data, lay.data), segs, version, level)
	s.ecc = grow(s.ecc, total-lay.data)
	s.final = grow(s.final, total)
	interleave(s.final, s.data, s.ecc, lay)
	return s.final
}
