package qr

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// FuzzEncode encodes any bytes at any level byte: it must not panic, must
// refuse only bad levels and texts too long, a symbol must read back
// (readBack) to the text, and up to goLimit bytes it must be go-qrcode's
// to the bit, or both must refuse the text. gozxing is too slow here;
// TestDecodes has it.
func FuzzEncode(f *testing.F) {
	const goLimit = 400
	f.Add("", byte(M))
	f.Add("01234567", byte(M))
	f.Add("HELLO WORLD", byte(Q))
	f.Add("abc1234", byte(L))
	f.Add("AB12CD5555555555", byte(H))
	f.Add("a"+strings.Repeat("7", 300), byte(L))
	f.Add(certificateText, byte(M))
	f.Add(strings.Repeat("\xff\x00", 700), byte(H))
	f.Add(strings.Repeat("9", 3000), byte(L))
	f.Add("x", byte(200))
	f.Fuzz(func(t *testing.T, text string, l byte) {
		level := Level(l)
		c, err := Encode(text, level)
		if level > H {
			if err == nil {
				t.Fatalf("level %d accepted", l)
			}
			return
		}
		if text != "" && len(text) <= goLimit {
			if d := compareGo(text, level); d != "" {
				t.Fatalf("%d bytes at %v: %s", len(text), level, d)
			}
		}
		if err != nil {
			// The merged segments are never longer than the whole text
			// as one segment of its class, which must not fit then.
			_, highest := classify(nil, text)
			if bits, ok := segmentBits(highest, len(text), 2); !errors.Is(err, ErrTooLong) || ok && bits <= 8*dataCodewords(40, level) {
				t.Fatalf("%d bytes at %v: %v", len(text), level, err)
			}
			return
		}
		got, err := readBack(c)
		if err != nil {
			t.Fatalf("%d bytes at %v, version %d mask %d: %v", len(text), level, c.Version(), c.Mask(), err)
		}
		if got != text {
			t.Fatalf("read back %q, want %q", got, text)
		}
	})
}

// readBack decodes c, knowing where its data modules are: it checks the
// finder patterns, timing patterns and the format information, unmasks,
// de-interleaves, checks every block's error correction codewords by its
// syndromes and parses the data codewords.
func readBack(c *Code) (string, error) {
	n := c.Size()
	if n != 17+4*c.Version() {
		return "", fmt.Errorf("size %d for version %d", n, c.Version())
	}
	for _, corner := range [3][2]int{{0, 0}, {n - 7, 0}, {0, n - 7}} {
		for dy := -1; dy <= 7; dy++ {
			for dx := -1; dx <= 7; dx++ {
				ring := max(abs(dx-3), abs(dy-3))
				if c.Dark(corner[0]+dx, corner[1]+dy) != (ring != 2 && ring != 4) {
					return "", fmt.Errorf("finder pattern at %v broken at %d, %d", corner, dx, dy)
				}
			}
		}
	}
	for i := 8; i < n-8; i++ {
		if c.Dark(i, 6) != (i%2 == 0) || c.Dark(6, i) != (i%2 == 0) {
			return "", fmt.Errorf("timing pattern broken at %d", i)
		}
	}
	if !c.Dark(8, n-8) {
		return "", errors.New("no dark module")
	}

	t := templateOf[c.Version()]()
	for copy := range 2 {
		var info uint16
		for i, p := range t.format[copy] {
			if c.Dark(int(p&0xff), int(p>>8)) {
				info |= 1 << i
			}
		}
		if info != formatInfo(c.Level(), c.Mask()) {
			return "", fmt.Errorf("format information %d is %015b", copy, info)
		}
	}

	// The codewords, unmasked.
	lay := layoutOf(c.Version(), c.Level())
	total := int(versionTable[c.Version()].total)
	final := make([]byte, total)
	for k, p := range t.order {
		x, y := int(p&0xff), int(p>>8)
		bit := c.Dark(x, y) != maskDark(c.Mask(), y, x)
		if k >= 8*total {
			if bit {
				return "", fmt.Errorf("remainder bit %d set", k-8*total)
			}
			continue
		}
		if bit {
			final[k/8] |= 0x80 >> (k % 8)
		}
	}

	// De-interleave: block b's i-th data codeword is the i-th of the
	// blocks that have one, in turn.
	blocks := make([][]byte, lay.blocks)
	k := 0
	for i := range lay.shortLen + 1 {
		for b := range blocks {
			if i < lay.shortLen || b >= lay.short {
				blocks[b] = append(blocks[b], final[k])
				k++
			}
		}
	}
	var data []byte
	for _, b := range blocks {
		data = append(data, b...)
	}
	for range lay.ecPerBlock {
		for b := range blocks {
			blocks[b] = append(blocks[b], final[k])
			k++
		}
	}
	for b, block := range blocks {
		for i := range lay.ecPerBlock {
			var v byte // the block as a polynomial at αⁱ, a root of the generator
			for _, cw := range block {
				v = gfMul(v, gfExp[i]) ^ cw
			}
			if v != 0 {
				return "", fmt.Errorf("block %d: syndrome %d is %d", b, i, v)
			}
		}
	}
	return parseData(data, c.Version())
}

// parseData reads the segments of data codewords, checking the terminator
// and padding.
func parseData(data []byte, version int) (string, error) {
	pos := 0
	read := func(width int) (int, error) {
		if pos+width > 8*len(data) {
			return 0, fmt.Errorf("%d bits past the end", width)
		}
		v := 0
		for range width {
			v = v<<1 | int(data[pos/8]>>(7-pos%8)&1)
			pos++
		}
		return v, nil
	}
	var text []byte
	for segments := 0; ; segments++ {
		if 8*len(data)-pos < 4 {
			break // no room for a terminator
		}
		indicator, err := read(4)
		if err != nil {
			return "", err
		}
		if indicator == 0 {
			if segments == 0 {
				return "", errors.New("no segment")
			}
			pos -= 4 // the terminator, checked below
			break
		}
		m := map[int]mode{1: modeNumeric, 2: modeAlphanumeric, 4: modeByte}
		md, ok := m[indicator]
		if !ok {
			return "", fmt.Errorf("mode indicator %04b", indicator)
		}
		count, err := read(int(countBits[md][versionRange(version)]))
		if err != nil {
			return "", err
		}
		for n := 0; n < count && err == nil; {
			left := count - n
			var v int
			switch md {
			case modeNumeric:
				digits := min(left, 3)
				if v, err = read([4]int{0, 4, 7, 10}[digits]); err == nil {
					if v >= [4]int{1, 10, 100, 1000}[digits] {
						return "", fmt.Errorf("%d digits %d", digits, v)
					}
					text = fmt.Appendf(text, "%0*d", digits, v)
					n += digits
				}
			case modeAlphanumeric:
				if left == 1 {
					if v, err = read(6); err == nil {
						if v >= 45 {
							return "", fmt.Errorf("alphanumeric %d", v)
						}
						text = append(text, alphanumeric[v])
						n++
					}
				} else if v, err = read(11); err == nil {
					if v >= 45*45 {
						return "", fmt.Errorf("alphanumeric pair %d", v)
					}
					text = append(text, alphanumeric[v/45], alphanumeric[v%45])
					n += 2
				}
			default:
				if v, err = read(8); err == nil {
					text = append(text, byte(v))
					n++
				}
			}
		}
		if err != nil {
			return "", err
		}
	}
	// Terminator and the zeros to the codeword boundary, then pad
	// codewords.
	for i := 0; i < 4 && pos < 8*len(data) || pos%8 != 0; i++ {
		if bit, _ := read(1); bit != 0 {
			return "", fmt.Errorf("bit %d after the data is set", pos-1)
		}
	}
	for i, b := range data[pos/8:] {
		if want := [2]byte{0xEC, 0x11}[i%2]; b != want {
			return "", fmt.Errorf("pad codeword %d is %#x", i, b)
		}
	}
	return string(text), nil
}
