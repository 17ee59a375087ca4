package qr

// Data analysis and encodation (7.3, 7.4), the way go-qrcode does them.
//
// Certificates are deterministic PDFs whose SHA-256 is recorded the first
// time one is downloaded, and their QR codes used to be drawn by
// github.com/skip2/go-qrcode v0.0.0-20200617195104-da1b6568686e. A
// certificate rendered again must come out byte for byte the same, so this
// file splits the text into segments, and picks the version, by the rule
// that version of go-qrcode follows (the standard leaves both to the
// encoder; Annex J only sketches an optimisation, which go-qrcode does not
// follow exactly):
//
//  1. Classes. Every byte is numeric (a digit), alphanumeric (one of the
//     other 35 characters of Table 5) or byte (anything else), ordered
//     numeric < alphanumeric < byte; a text's class is that of its highest
//     byte. The text is cut into runs, maximal stretches of one class.
//  2. Merging, for one column of Table 3 (versions 1–9, 10–26 or 27–40),
//     since the length of a segment's header depends on it. From the first
//     run left, a segment takes the mode of that run and swallows the runs
//     after it, one at a time, while the next run's class is not above the
//     segment's mode and the segment with it, in the segment's mode, is
//     strictly shorter in bits than the segment and that run as two
//     segments (the run in its own class). The first run it does not take
//     starts the next segment. So digits after letters may join an
//     alphanumeric or byte segment, but a segment never widens its mode to
//     take a run of a higher class.
//  3. One segment instead: if the whole text as one segment of its class
//     is no longer in bits than the merged segments, it is used.
//  4. Refusal: a column is given up if a character count that step 2 or 3
//     looks at, for a merge tried or a segment kept, does not fit its
//     count indicator — even for a merge not made, or for the one segment
//     of step 3 when the merged segments would fit.
//  5. Version: the columns are tried in order, and the first that is not
//     given up and has a version whose data capacity holds the segments,
//     terminator not counted, gives its smallest such version. So a text
//     that a smaller version could hold may take a larger one, if its
//     column was refused at step 4.
//
// go-qrcode refuses the empty text; here it is a numeric segment of no
// characters in a version 1 symbol.

// mode is a data mode (7.3): how the characters of a segment become bits.
// Each mode encodes all the characters of those before it.
type mode uint8

const (
	modeNumeric      mode = iota // digits, three in 10 bits (7.4.3)
	modeAlphanumeric             // the 45 characters of Table 5, two in 11 bits (7.4.4)
	modeByte                     // any byte, 8 bits each (7.4.5)
)

// modeIndicators are the 4-bit mode indicators of Table 2, by mode.
var modeIndicators = [3]uint32{modeNumeric: 0b0001, modeAlphanumeric: 0b0010, modeByte: 0b0100}

// countBits is the width of the character count indicator, by mode and
// version range 1–9, 10–26, 27–40 (Table 3).
var countBits = [3][3]uint{
	modeNumeric:      {10, 12, 14},
	modeAlphanumeric: {9, 11, 13},
	modeByte:         {8, 16, 16},
}

// versionRanges are the first and last versions of the columns of Table 3.
var versionRanges = [3][2]int{{1, 9}, {10, 26}, {27, 40}}

// versionRange is the column of Table 3 for version.
func versionRange(version int) int {
	switch {
	case version <= 9:
		return 0
	case version <= 26:
		return 1
	}
	return 2
}

// alphanumeric is the character set of alphanumeric mode in value order
// (Table 5).
const alphanumeric = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"

// alphanumericValues maps a byte to its alphanumeric mode value, or -1.
var alphanumericValues = func() (v [256]int8) {
	for i := range v {
		v[i] = -1
	}
	for i := range len(alphanumeric) {
		v[alphanumeric[i]] = int8(i)
	}
	return v
}()

// classes maps a byte to the lowest mode that encodes it.
var classes = func() (c [256]mode) {
	for i := range c {
		switch {
		case '0' <= i && i <= '9':
			c[i] = modeNumeric
		case alphanumericValues[i] >= 0:
			c[i] = modeAlphanumeric
		default:
			c[i] = modeByte
		}
	}
	return c
}()

// segment is text together with the mode it is encoded in.
type segment struct {
	mode mode
	text string
}

// run is a maximal stretch of n characters of one class.
type run struct {
	class mode
	n     int
}

// payloadBits is the length in bits of n characters in mode m, without
// the mode and count indicators.
func payloadBits(m mode, n int) int {
	switch m {
	case modeNumeric:
		return 10*(n/3) + [3]int{0, 4, 7}[n%3]
	case modeAlphanumeric:
		return 11*(n/2) + 6*(n%2)
	}
	return 8 * n
}

// segmentBits is the length in bits of a segment of n characters in mode
// m, its indicators included, in a version of column r of Table 3; ok is
// false if n does not fit the count indicator.
func segmentBits(m mode, n, r int) (bits int, ok bool) {
	width := countBits[m][r]
	return 4 + int(width) + payloadBits(m, n), n < 1<<width
}

// classify cuts text into runs, appended to runs[:0], and returns them
// with the class of the text.
func classify(runs []run, text string) ([]run, mode) {
	runs = runs[:0]
	highest := modeNumeric
	for i := 0; i < len(text); {
		c := classes[text[i]]
		j := i + 1
		for j < len(text) && classes[text[j]] == c {
			j++
		}
		runs = append(runs, run{c, j - i})
		highest = max(highest, c)
		i = j
	}
	return runs, highest
}

// merge makes the segments of text, whose runs and class are runs and
// highest, for column r of Table 3 (steps 2 to 4 of the rule at the top of
// the file), appending them to segs[:0]. It returns them with their length
// in bits, or ok false if the column is refused.
func merge(segs []segment, text string, runs []run, highest mode, r int) (_ []segment, bits int, ok bool) {
	segs = segs[:0]
	start := 0
	for i := 0; i < len(runs); {
		m, n := runs[i].class, runs[i].n
		j := i + 1
		for ; j < len(runs) && runs[j].class <= m; j++ {
			next := runs[j]
			joined, ok1 := segmentBits(m, n+next.n, r)
			alone, ok2 := segmentBits(m, n, r)
			apart, ok3 := segmentBits(next.class, next.n, r)
			if !ok1 || !ok2 || !ok3 {
				return segs, 0, false
			}
			if joined >= alone+apart {
				break
			}
			n += next.n
		}
		b, ok := segmentBits(m, n, r)
		if !ok {
			return segs, 0, false
		}
		bits += b
		segs = append(segs, segment{m, text[start : start+n]})
		start += n
		i = j
	}
	whole, ok := segmentBits(highest, len(text), r)
	if !ok {
		return segs, 0, false
	}
	if whole <= bits {
		segs = append(segs[:0], segment{highest, text})
		bits = whole
	}
	return segs, bits, true
}

// plan splits text into segments, in s.segs, and returns the version of
// the symbol that holds them at level (step 5 of the rule), or 0 if none
// does.
func (s *scratch) plan(text string, level Level) int {
	if text == "" {
		s.segs = append(s.segs[:0], segment{modeNumeric, ""})
		return 1
	}
	var highest mode
	s.runs, highest = classify(s.runs, text)
	for r, versions := range versionRanges {
		segs, bits, ok := merge(s.segs, text, s.runs, highest, r)
		s.segs = segs
		if !ok {
			continue
		}
		for v := versions[0]; v <= versions[1]; v++ {
			if bits <= 8*dataCodewords(v, level) {
				return v
			}
		}
	}
	return 0
}

// bitWriter appends bits to a byte slice, most significant bit first.
type bitWriter struct {
	buf []byte
	acc uint64 // the last n bits are still to be written
	n   uint
}

// write appends the low width bits of v; width is at most 32.
func (w *bitWriter) write(v uint32, width uint) {
	w.acc = w.acc<<width | uint64(v)
	w.n += width
	for w.n >= 8 {
		w.n -= 8
		w.buf = append(w.buf, byte(w.acc>>w.n))
	}
}

// encodeData returns the data codewords of segs in a symbol of version at
// level (7.4): for each segment its mode indicator, character count and
// characters, then the terminator and the padding, in buf's array.
func encodeData(buf []byte, segs []segment, version int, level Level) []byte {
	capacity := dataCodewords(version, level)
	w := bitWriter{buf: buf[:0]}
	r := versionRange(version)
	for _, seg := range segs {
		w.write(modeIndicators[seg.mode], 4)
		w.write(uint32(len(seg.text)), countBits[seg.mode][r])
		text := seg.text
		switch seg.mode {
		case modeNumeric:
			for ; len(text) >= 3; text = text[3:] {
				w.write(uint32(text[0]-'0')*100+uint32(text[1]-'0')*10+uint32(text[2]-'0'), 10)
			}
			switch len(text) {
			case 2:
				w.write(uint32(text[0]-'0')*10+uint32(text[1]-'0'), 7)
			case 1:
				w.write(uint32(text[0]-'0'), 4)
			}
		case modeAlphanumeric:
			for ; len(text) >= 2; text = text[2:] {
				w.write(uint32(alphanumericValues[text[0]])*45+uint32(alphanumericValues[text[1]]), 11)
			}
			if len(text) == 1 {
				w.write(uint32(alphanumericValues[text[0]]), 6)
			}
		default:
			for i := range len(text) {
				w.write(uint32(text[i]), 8)
			}
		}
	}

	// Terminator: up to four zero bits (7.4.9), then zeros to the end of
	// the codeword and the pad codewords (7.4.10).
	used := 8*len(w.buf) + int(w.n)
	w.write(0, uint(min(4, 8*capacity-used)))
	if w.n > 0 {
		w.write(0, 8-w.n)
	}
	for pad := byte(0xEC); len(w.buf) < capacity; pad ^= 0xEC ^ 0x11 {
		w.buf = append(w.buf, pad)
	}
	return w.buf
}
