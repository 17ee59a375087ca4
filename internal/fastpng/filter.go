package fastpng

import "encoding/binary"

// PNG's row filters, undone in place: each row of samples is stored as
// its difference from a prediction made of the bytes left of, above and
// above-left of each byte, in the row already undone and the one above.
// A signature is mostly zeros, transparent black, which every filter
// leaves zero when its neighbours are zero, so the filters skip such runs
// eight bytes at a time.

// unfilter undoes the filter of type ft on a row, given the row above it
// (zero for the first row) and the bytes per complete pixel (one for
// depths below 8).
func unfilter(ft byte, cur, prev []byte, bpp int) error {
	switch ft {
	case 0: // none
	case 1:
		unfilterSub(cur, bpp)
	case 2:
		unfilterUp(cur, prev)
	case 3:
		unfilterAverage(cur, prev, bpp)
	case 4:
		unfilterPaeth(cur, prev, bpp)
	default:
		return errBadFilter
	}
	return nil
}

// Bytewise addition of words, without carries between bytes.
const (
	low7x8 = 0x7f7f7f7f7f7f7f7f
	high8  = 0x8080808080808080
)

func addBytes64(x, y uint64) uint64 {
	return (x&low7x8 + y&low7x8) ^ (x^y)&high8
}

func addBytes32(x, y uint32) uint32 {
	const low7, high = low7x8 & 0xffffffff, high8 & 0xffffffff
	return (x&low7 + y&low7) ^ (x^y)&high
}

// unfilterSub adds to each byte the one a pixel to its left. For 4-byte
// pixels, the canvas's, it adds a pixel at a time, and skips runs of
// zeros, which stay zeros.
func unfilterSub(cur []byte, bpp int) {
	if bpp != 4 {
		for i := bpp; i < len(cur); i++ {
			cur[i] += cur[i-bpp]
		}
		return
	}
	var left uint32
	n := len(cur) &^ 7
	for i := 0; i < n; i += 8 {
		c := cur[i : i+8 : i+8]
		v := binary.LittleEndian.Uint64(c)
		if v == 0 && left == 0 {
			continue
		}
		p0 := addBytes32(uint32(v), left)
		left = addBytes32(uint32(v>>32), p0)
		binary.LittleEndian.PutUint64(c, uint64(left)<<32|uint64(p0))
	}
	if n < len(cur) { // an odd last pixel
		binary.LittleEndian.PutUint32(cur[n:], addBytes32(binary.LittleEndian.Uint32(cur[n:]), left))
	}
}

// unfilterUp adds to each byte the one above it, eight at a time, and
// skips where the row above is zeros.
func unfilterUp(cur, prev []byte) {
	prev = prev[:len(cur)]
	n := len(cur) &^ 7
	for i := 0; i < n; i += 8 {
		p := binary.LittleEndian.Uint64(prev[i : i+8 : i+8])
		if p == 0 {
			continue
		}
		c := cur[i : i+8 : i+8]
		binary.LittleEndian.PutUint64(c, addBytes64(binary.LittleEndian.Uint64(c), p))
	}
	for i := n; i < len(cur); i++ {
		cur[i] += prev[i]
	}
}

// unfilterAverage adds to each byte the mean of the ones left of and
// above it.
func unfilterAverage(cur, prev []byte, bpp int) {
	prev = prev[:len(cur)]
	for i := range bpp {
		cur[i] += prev[i] / 2
	}
	i := bpp
	for ; i+8 <= len(cur); i += 8 {
		if !zerosStayZeros(cur, prev, i) {
			averageBytes(cur[:i+8], prev, i, bpp)
		}
	}
	averageBytes(cur, prev, i, bpp)
}

func averageBytes(cur, prev []byte, from, bpp int) {
	for i := from; i < len(cur); i++ {
		cur[i] += uint8((int(cur[i-bpp]) + int(prev[i])) / 2)
	}
}

// unfilterPaeth adds to each byte whichever of the bytes left, above and
// above-left is closest to left + above − above-left.
func unfilterPaeth(cur, prev []byte, bpp int) {
	prev = prev[:len(cur)]
	for i := range bpp {
		cur[i] += prev[i] // left and above-left are zero: the predictor is above
	}
	i := bpp
	for ; i+8 <= len(cur); i += 8 {
		if !zerosStayZeros(cur, prev, i) {
			paethBytes(cur[:i+8], prev, i, bpp)
		}
	}
	paethBytes(cur, prev, i, bpp)
}

func paethBytes(cur, prev []byte, from, bpp int) {
	for i := from; i < len(cur); i++ {
		a, b, c := int(cur[i-bpp]), int(prev[i]), int(prev[i-bpp])
		pa, pb, pc := abs(b-c), abs(a-c), abs(a+b-2*c)
		switch {
		case pa <= pb && pa <= pc:
			cur[i] += uint8(a)
		case pb <= pc:
			cur[i] += uint8(b)
		default:
			cur[i] += uint8(c)
		}
	}
}

// zerosStayZeros reports whether the Average or Paeth filter leaves the
// eight bytes of cur at i zero: they are zero, the ones above them are,
// and so are the eight before them, left of them for any pixel size up to
// eight bytes. (Paeth predicts left when left and above are both zero.)
// Most of a signature is such runs.
func zerosStayZeros(cur, prev []byte, i int) bool {
	if i < 8 {
		return false
	}
	return binary.LittleEndian.Uint64(cur[i-8:i])|binary.LittleEndian.Uint64(cur[i:i+8])|
		binary.LittleEndian.Uint64(prev[i:i+8]) == 0
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
