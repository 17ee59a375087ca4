package qr

import (
	"errors"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"testing"
)

// TestKnownCodewords checks the codewords of examples worked in the
// literature: "01234567" at 1-M is the example of ISO/IEC 18004 Annex I,
// "HELLO WORLD" at 1-M that of Thonky's QR code tutorial.
func TestKnownCodewords(t *testing.T) {
	tests := []struct {
		text      string
		mode      mode
		data, ecc []byte
	}{
		{
			"01234567", modeNumeric,
			[]byte{16, 32, 12, 86, 97, 128, 236, 17, 236, 17, 236, 17, 236, 17, 236, 17},
			[]byte{165, 36, 212, 193, 237, 54, 199, 135, 44, 85},
		},
		{
			"HELLO WORLD", modeAlphanumeric,
			[]byte{32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17},
			[]byte{196, 35, 39, 119, 235, 215, 231, 226, 93, 23},
		},
	}
	for _, tt := range tests {
		var s scratch
		if v := s.plan(tt.text, M); v != 1 {
			t.Errorf("%q: version %d, want 1", tt.text, v)
		}
		if len(s.segs) != 1 || s.segs[0].mode != tt.mode {
			t.Errorf("%q: segments %+v, want one of mode %d", tt.text, s.segs, tt.mode)
		}
		got := s.codewords(s.segs, 1, M)
		if want := append(slices.Clone(tt.data), tt.ecc...); !slices.Equal(got, want) {
			t.Errorf("%q: codewords\n%v\nwant\n%v", tt.text, got, want)
		}
	}
}

// TestGenerators checks the generator polynomials: those of degree 7 and
// 10 against Annex A, and every one, with all coefficients non-zero as
// rsRemainder needs, vanishing at α⁰ … α^(n−1).
func TestGenerators(t *testing.T) {
	// Exponents of α of the coefficients, highest degree first.
	known := map[int][]byte{
		7:  {0, 87, 229, 146, 149, 238, 102, 21},
		10: {0, 251, 67, 46, 61, 118, 70, 64, 94, 32, 45},
	}
	for n, logs := range known {
		if got := append([]byte{0}, generators[n]...); !slices.Equal(got, logs) {
			t.Errorf("generator of degree %d: %v, want %v", n, got, logs)
		}
	}
	count := 0
	for n, logs := range generators {
		if logs == nil {
			continue
		}
		count++
		g := generatorPoly(n)
		for i, c := range g[1:] {
			if c == 0 || gfLog[c] != logs[i] {
				t.Fatalf("degree %d: coefficient %d is %d, log %d", n, i+1, c, logs[i])
			}
		}
		for i := range n {
			var v byte // g(αⁱ) by Horner's rule
			for _, c := range g {
				v = gfMul(v, gfExp[i]) ^ c
			}
			if v != 0 {
				t.Errorf("degree %d: g(α^%d) = %d", n, i, v)
			}
		}
	}
	if count != 13 {
		t.Errorf("%d generators, want the 13 degrees of Table 9", count)
	}
}

// TestField checks GF(2⁸): α generates all 255 non-zero elements, and the
// tables agree with carry-less multiplication reduced by 0x11d.
func TestField(t *testing.T) {
	seen := map[byte]bool{}
	for i := range 255 {
		seen[gfExp[i]] = true
	}
	if len(seen) != 255 || seen[0] {
		t.Fatalf("α generates %d elements", len(seen))
	}
	for a := range 256 {
		for b := range 256 {
			var p int
			for i := range 8 {
				if b>>i&1 != 0 {
					p ^= a << i
				}
			}
			for i := 15; i >= 8; i-- {
				if p>>i&1 != 0 {
					p ^= 0x11d << (i - 8)
				}
			}
			if got := gfMul(byte(a), byte(b)); got != byte(p) {
				t.Fatalf("%d·%d = %d, want %d", a, b, got, p)
			}
		}
	}
}

// TestFormatInfo checks the format information against the 32 bit
// sequences listed in Annex C (Table C.1), and that they are far apart.
func TestFormatInfo(t *testing.T) {
	want := [4][8]string{
		L: {"111011111000100", "111001011110011", "111110110101010", "111100010011101",
			"110011000101111", "110001100011000", "110110001000001", "110100101110110"},
		M: {"101010000010010", "101000100100101", "101111001111100", "101101101001011",
			"100010111111001", "100000011001110", "100111110010111", "100101010100000"},
		Q: {"011010101011111", "011000001101000", "011111100110001", "011101000000110",
			"010010010110100", "010000110000011", "010111011011010", "010101111101101"},
		H: {"001011010001001", "001001110111110", "001110011100111", "001100111010000",
			"000011101100010", "000001001010101", "000110100001100", "000100000111011"},
	}
	var all []uint16
	for level := range Level(4) {
		for mask := range 8 {
			got := formatInfo(level, mask)
			if s := binary(uint32(got), 15); s != want[level][mask] {
				t.Errorf("format %v mask %d: %s, want %s", level, mask, s, want[level][mask])
			}
			all = append(all, got)
		}
	}
	if d := minDistance(all); d < 7 {
		t.Errorf("format information codes %d bits apart, want 7", d)
	}
}

// TestVersionInfo checks version information against Annex D (Table D.1).
func TestVersionInfo(t *testing.T) {
	want := map[int]string{
		7:  "000111110010010100",
		8:  "001000010110111100",
		9:  "001001101010011001",
		10: "001010010011010011",
		40: "101000110001101001",
	}
	var all []uint32
	for v := 7; v <= 40; v++ {
		got := versionInfo(v)
		if w, ok := want[v]; ok && binary(got, 18) != w {
			t.Errorf("version %d: %s, want %s", v, binary(got, 18), w)
		}
		if got>>12 != uint32(v) {
			t.Errorf("version %d: information %x", v, got)
		}
		all = append(all, got)
	}
	// The (18, 6) code corrects three errors: its words are eight apart.
	for i := range all {
		for j := range i {
			if d := bits.OnesCount32(all[i] ^ all[j]); d < 8 {
				t.Errorf("versions %d and %d: %d bits apart", i+7, j+7, d)
			}
		}
	}
}

func binary(v uint32, width int) string {
	var b strings.Builder
	for i := width - 1; i >= 0; i-- {
		b.WriteByte('0' + byte(v>>i&1))
	}
	return b.String()
}

func minDistance(codes []uint16) int {
	d := 16
	for i := range codes {
		for j := range i {
			d = min(d, bits.OnesCount16(codes[i]^codes[j]))
		}
	}
	return d
}

// TestTables checks Table 9 as typed against the symbol it describes: the
// codewords fill the data modules left by the function patterns, but for
// the remainder bits of 7.7.3, and the codewords split into blocks of
// data and error correction as the standard lists them.
func TestTables(t *testing.T) {
	remainder := func(v int) int {
		switch {
		case v >= 2 && v <= 6:
			return 7
		case v >= 14 && v <= 20, v >= 28 && v <= 34:
			return 3
		case v >= 21 && v <= 27:
			return 4
		}
		return 0
	}
	for v := 1; v <= 40; v++ {
		tpl := templateOf[v]()
		total := int(versionTable[v].total)
		if got := len(tpl.order); got != 8*total+remainder(v) {
			t.Errorf("version %d: %d data modules, want %d codewords and %d remainder bits", v, got, total, remainder(v))
		}
		if got := len(alignmentTable[v]); v > 1 && got != v/7+2 {
			t.Errorf("version %d: %d alignment coordinates", v, got)
		}
		for level := range Level(4) {
			lay := layoutOf(v, level)
			if lay.short < 1 || lay.short > lay.blocks || lay.shortLen*lay.blocks+lay.blocks-lay.short != lay.data {
				t.Errorf("%d-%v: layout %+v", v, level, lay)
			}
		}
	}
	// Some blocks as Table 9 lists them: (c, k) for count blocks of c
	// codewords, k of them data.
	for _, tt := range []struct {
		version        int
		level          Level
		count1, c1, k1 int
		count2, c2, k2 int
	}{
		{1, M, 1, 26, 16, 0, 0, 0},
		{5, Q, 2, 33, 15, 2, 34, 16},
		{10, M, 4, 69, 43, 1, 70, 44},
		{21, H, 19, 46, 16, 6, 47, 17},
		{40, L, 19, 148, 118, 6, 149, 119},
		{40, H, 20, 45, 15, 61, 46, 16},
	} {
		lay := layoutOf(tt.version, tt.level)
		got := [6]int{lay.short, lay.shortLen + lay.ecPerBlock, lay.shortLen,
			lay.blocks - lay.short, lay.shortLen + 1 + lay.ecPerBlock, lay.shortLen + 1}
		want := [6]int{tt.count1, tt.c1, tt.k1, tt.count2, tt.c2, tt.k2}
		if tt.count2 == 0 {
			want[4], want[5] = got[4], got[5]
		}
		if got != want {
			t.Errorf("%d-%v: blocks %v, want %v", tt.version, tt.level, got, want)
		}
	}
}

// TestCapacity checks the capacities of Table 7 at its corners, and that
// one character more takes the next version or does not fit.
func TestCapacity(t *testing.T) {
	tests := []struct {
		version int
		level   Level
		mode    mode
		chars   int
	}{
		{1, L, modeNumeric, 41}, {1, L, modeAlphanumeric, 25}, {1, L, modeByte, 17},
		{1, H, modeNumeric, 17}, {1, H, modeAlphanumeric, 10}, {1, H, modeByte, 7},
		{9, L, modeByte, 230}, {10, M, modeByte, 213}, {26, L, modeAlphanumeric, 1990},
		{40, L, modeNumeric, 7089}, {40, L, modeAlphanumeric, 4296}, {40, L, modeByte, 2953},
		{40, M, modeByte, 2331}, {40, Q, modeByte, 1663},
		{40, H, modeNumeric, 3057}, {40, H, modeAlphanumeric, 1852}, {40, H, modeByte, 1273},
	}
	alphabets := [3]string{modeNumeric: "7", modeAlphanumeric: "Z", modeByte: "z"}
	for _, tt := range tests {
		text := strings.Repeat(alphabets[tt.mode], tt.chars)
		c, err := Encode(text, tt.level)
		if err != nil || c.Version() != tt.version {
			t.Errorf("%d × %q at %v: %v, want version %d", tt.chars, alphabets[tt.mode], tt.level, err, tt.version)
			continue
		}
		c, err = Encode(text+alphabets[tt.mode], tt.level)
		switch {
		case tt.version == 40 && !errors.Is(err, ErrTooLong):
			t.Errorf("%d × %q at %v: %v, want ErrTooLong", tt.chars+1, alphabets[tt.mode], tt.level, err)
		case tt.version < 40 && (err != nil || c.Version() != tt.version+1):
			t.Errorf("%d × %q at %v: %v, want version %d", tt.chars+1, alphabets[tt.mode], tt.level, err, tt.version+1)
		}
	}
}

func TestEncodeErrors(t *testing.T) {
	if _, err := Encode("x", H+1); err == nil {
		t.Error("level H+1 accepted")
	}
	if _, err := Encode(strings.Repeat("x", 1<<20), L); !errors.Is(err, ErrTooLong) || err.Error() != "qr: text too long" {
		t.Errorf("a megabyte: %v", err)
	}
	c, err := Encode("", M)
	if err != nil || c.Version() != 1 {
		t.Fatalf("empty text: %v", err)
	}
}

// TestCode checks the accessors on a symbol: Dark and Bitmap agree, the
// outside is light, and the finder pattern corners are dark.
func TestCode(t *testing.T) {
	c, err := Encode(certificateText, M)
	if err != nil {
		t.Fatal(err)
	}
	if c.Size() != 57 || c.Version() != 10 || c.Level() != M || c.Mask() < 0 || c.Mask() > 7 {
		t.Fatalf("size %d, version %d, level %v, mask %d", c.Size(), c.Version(), c.Level(), c.Mask())
	}
	bm := c.Bitmap()
	for y := -1; y <= c.Size(); y++ {
		for x := -1; x <= c.Size(); x++ {
			inside := x >= 0 && y >= 0 && x < c.Size() && y < c.Size()
			if !inside && c.Dark(x, y) || inside && c.Dark(x, y) != bm[y][x] {
				t.Fatalf("Dark(%d, %d) = %v", x, y, c.Dark(x, y))
			}
		}
	}
	n := c.Size() - 1
	if !bm[0][0] || !bm[0][n] || !bm[n][0] || bm[n][n-7] || !bm[n-7][8] {
		t.Error("finder pattern corners or dark module wrong")
	}
	if Level(7).String() != "Level(7)" || Q.String() != "Q" {
		t.Error("Level.String")
	}
}

// TestConcurrentEncode encodes from several goroutines at once, sharing
// the templates and the scratch pool: every symbol must be the one encoded
// alone, and stay so after later encodings.
func TestConcurrentEncode(t *testing.T) {
	texts := []string{"", "01234567", "HELLO WORLD", certificateText, strings.Repeat("ikrar ", 300)}
	want := make([][][]bool, len(texts))
	codes := make([]*Code, len(texts))
	for i, text := range texts {
		c, err := Encode(text, Level(i%4))
		if err != nil {
			t.Fatal(err)
		}
		codes[i], want[i] = c, c.Bitmap()
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for k := range 50 {
				i := (g + k) % len(texts)
				c, err := Encode(texts[i], Level(i%4))
				if err != nil {
					t.Error(err)
					return
				}
				if !slices.EqualFunc(c.Bitmap(), want[i], slices.Equal) {
					t.Errorf("text %d: symbol differs when encoded concurrently", i)
					return
				}
			}
		})
	}
	wg.Wait()
	for i, c := range codes {
		if !slices.EqualFunc(c.Bitmap(), want[i], slices.Equal) {
			t.Errorf("text %d: symbol changed by later encodings", i)
		}
	}
}
