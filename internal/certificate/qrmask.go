package certificate

import (
	"errors"

	"rsc.io/qr"
	"rsc.io/qr/coding"
)

// rsc.io/qr's Encode always applies mask 0 (its own TODO says so). The
// mask is what keeps a symbol's data from forming long runs, blocks and
// finder-like patterns that throw a scanner off; a printed sheet of many
// personal links had one QR in a few dozen that zbar could not read. So
// ikrar encodes with the library's coding package under each of the eight
// masks and keeps the one the QR specification's penalty rates best (ISO/IEC
// 18004:2015 §7.8.3), as the specification asks of an encoder.

// encodeQR is qr.Encode with the mask chosen by penalty.
func encodeQR(text string, level qr.Level) (*qr.Code, error) {
	var enc coding.Encoding
	switch {
	case coding.Num(text).Check() == nil:
		enc = coding.Num(text)
	case coding.Alpha(text).Check() == nil:
		enc = coding.Alpha(text)
	default:
		enc = coding.String(text)
	}
	l := coding.Level(level)
	v := coding.Version(coding.MinVersion)
	for ; enc.Bits(v) > v.DataBytes(l)*8; v++ {
		if v == coding.MaxVersion {
			return nil, errors.New("text too long to encode as QR")
		}
	}
	var best *coding.Code
	bestScore := -1
	for m := range coding.Mask(8) {
		p, err := coding.NewPlan(v, l, m)
		if err != nil {
			return nil, err
		}
		c, err := p.Encode(enc)
		if err != nil {
			return nil, err
		}
		if s := qrPenalty(c); bestScore < 0 || s < bestScore {
			best, bestScore = c, s
		}
	}
	return &qr.Code{Bitmap: best.Bitmap, Size: best.Size, Stride: best.Stride, Scale: 8}, nil
}

// qrPenalty is the specification's penalty score of a symbol: runs of five
// or more modules of one colour in a row or column (N1), 2×2 blocks of one
// colour (N2), finder-like 1:1:3:1:1 patterns beside four light modules
// (N3), and a dark proportion away from half (N4). Lower is better.
func qrPenalty(c *coding.Code) int {
	n := c.Size
	score := 0
	line := make([]bool, n)
	for dir := range 2 {
		for i := range n {
			for j := range n {
				if dir == 0 {
					line[j] = c.Black(j, i)
				} else {
					line[j] = c.Black(i, j)
				}
			}
			score += runPenalty(line) + finderPenalty(line)
		}
	}
	dark := 0
	for y := range n {
		for x := range n {
			b := c.Black(x, y)
			if b {
				dark++
			}
			if x+1 < n && y+1 < n && c.Black(x+1, y) == b && c.Black(x, y+1) == b && c.Black(x+1, y+1) == b {
				score += 3
			}
		}
	}
	pct := dark * 100 / (n * n)
	dev := pct - 50
	if dev < 0 {
		dev = -dev
	}
	return score + dev/5*10
}

// runPenalty is N1 for one row or column.
func runPenalty(line []bool) int {
	score, run := 0, 1
	for i := 1; i <= len(line); i++ {
		if i < len(line) && line[i] == line[i-1] {
			run++
			continue
		}
		if run >= 5 {
			score += 3 + run - 5
		}
		run = 1
	}
	return score
}

// finderPenalty is N3 for one row or column: dark-light-dark-dark-dark-
// light-dark with four light modules before or after it (outside the
// symbol counts as light, the quiet zone).
func finderPenalty(line []bool) int {
	pattern := [7]bool{true, false, true, true, true, false, true}
	light := func(from, to int) bool {
		for k := from; k < to; k++ {
			if k >= 0 && k < len(line) && line[k] {
				return false
			}
		}
		return true
	}
	score := 0
	for i := 0; i+7 <= len(line); i++ {
		match := true
		for k, p := range pattern {
			if line[i+k] != p {
				match = false
				break
			}
		}
		if match && (light(i-4, i) || light(i+7, i+11)) {
			score += 40
		}
	}
	return score
}
