// Package qr encodes text as a QR Code Model 2 symbol (ISO/IEC 18004:2015),
// the very symbol github.com/skip2/go-qrcode v0.0.0-20200617195104-da1b6568686e
// draws for it (New, DisableBorder, Bitmap), module for module.
//
// That package drew the QR codes of the certificates, which are
// deterministic PDFs whose SHA-256 is recorded when one is first
// downloaded: a certificate rendered again must come out the same. Where
// the standard leaves a choice to the encoder, the segmentation and the
// mask, this package chooses as go-qrcode did, also where go-qrcode departs
// from the letter of the standard's mask penalty. The symbols are valid all
// the same: decoders read any segmentation and any mask.
//
// Encode runs the steps of clause 7 in order, each in its own file:
//
//   - data.go: data analysis and encodation (7.3, 7.4). The text is cut
//     into runs of digits, other alphanumeric characters and other bytes,
//     and the runs are merged into segments in numeric, alphanumeric or
//     byte mode by go-qrcode's greedy rule, for each range of versions of
//     Table 3 in turn, the first that has a version with the capacity at
//     the requested error correction level giving the version (1–40). The
//     bit stream is completed with the terminator, zero bits to a codeword
//     boundary and the pad codewords 0xEC and 0x11 (7.4.9, 7.4.10).
//   - rs.go: error correction (7.5). The data codewords are split into the
//     blocks of Table 9, each block gets its Reed–Solomon codewords over
//     GF(2⁸) with the primitive polynomial x⁸+x⁴+x³+x²+1 (0x11d), and the
//     blocks are interleaved (7.6).
//   - matrix.go: module placement (7.7). A template per version, built once
//     and shared, holds the function patterns (finder and separator 6.3.3,
//     timing 6.3.5, alignment 6.3.6 with the positions of Annex E, the dark
//     module and the version information 7.10) and the order in which the
//     codeword bits fill the remaining modules (7.7.3).
//   - mask.go: data masking (7.8). All eight masks are applied, each with its
//     format information (7.9) written in, and the one with the lowest
//     penalty is kept, the penalty being the four rules of 7.8.3 (Table 11)
//     as go-qrcode counts them: a run of five scores nothing, finder-like
//     patterns are counted by a scan that skips some, and the dark share is
//     measured in whole modules. Rows and columns are bit-packed, so the
//     penalty of a line is computed 64 modules at a time.
//   - tables.go: the tables of the standard the steps read.
//
// The result is a Code: the module matrix without its quiet zone, which the
// caller must leave light, four modules wide (6.3.8).
package qr

import (
	"errors"
	"fmt"
	"sync"
)

// Level is an error correction level: the share of codewords that can be
// restored, about 7 % (L), 15 % (M), 25 % (Q) or 30 % (H).
type Level uint8

// The error correction levels, weakest first.
const (
	L Level = iota
	M
	Q
	H
)

func (l Level) String() string {
	if l > H {
		return fmt.Sprintf("Level(%d)", uint8(l))
	}
	return "LMQH"[l : l+1]
}

// ErrTooLong is returned when the text does not fit in a version 40 symbol
// at the requested level.
var ErrTooLong = errors.New("qr: text too long")

// Code is an encoded QR symbol. It is immutable.
type Code struct {
	size    int
	version int
	level   Level
	mask    int
	stride  int      // words per row
	bits    []uint64 // row y, column x is bit x%64 of bits[y*stride+x/64]
}

// Size is the width and height of the symbol in modules, 21 to 177.
func (c *Code) Size() int { return c.size }

// Version is the symbol version, 1 to 40.
func (c *Code) Version() int { return c.version }

// Level is the error correction level.
func (c *Code) Level() Level { return c.level }

// Mask is the data mask pattern reference, 0 to 7 (7.8.2).
func (c *Code) Mask() int { return c.mask }

// Dark reports whether the module in column x, row y is dark; (0, 0) is the
// top left corner. Modules outside the symbol are light, as in the quiet
// zone.
func (c *Code) Dark(x, y int) bool {
	if x < 0 || y < 0 || x >= c.size || y >= c.size {
		return false
	}
	return c.bits[y*c.stride+x>>6]>>(x&63)&1 != 0
}

// Bitmap returns the matrix as rows of modules, true for dark: Bitmap()[y][x]
// is Dark(x, y). The rows share one allocation.
func (c *Code) Bitmap() [][]bool {
	n := c.size
	cells := make([]bool, n*n)
	rows := make([][]bool, n)
	for y := range rows {
		row := cells[y*n : (y+1)*n : (y+1)*n]
		words := c.bits[y*c.stride : (y+1)*c.stride]
		for x := range row {
			row[x] = words[x>>6]>>(x&63)&1 != 0
		}
		rows[y] = row
	}
	return rows
}

// Encode encodes text at error correction level as go-qrcode does: in
// segments of numeric, alphanumeric and byte mode, in the version and
// under the mask it chooses (see the package documentation). Bytes outside
// the alphanumeric set go in byte mode as they are, without an ECI
// designator: readers take them for UTF-8 or ISO-8859-1, as they guess.
// Unlike go-qrcode, Encode accepts the empty text. It returns ErrTooLong
// for a text go-qrcode cannot fit in a version 40 symbol.
func Encode(text string, level Level) (*Code, error) {
	return encode(text, level, -1)
}

// encode is Encode with the mask forced to mask when it is 0 to 7.
func encode(text string, level Level, mask int) (*Code, error) {
	if level > H {
		return nil, fmt.Errorf("qr: invalid error correction level %d", uint8(level))
	}
	s := scratchPool.Get().(*scratch)
	defer s.release()
	version := s.plan(text, level)
	if version == 0 {
		return nil, ErrTooLong
	}

	codewords := s.codewords(s.segs, version, level)
	t := templateOf[version]()
	sym := s.place(t, codewords)
	if mask < 0 || mask > 7 {
		mask = s.chooseMask(t, sym, level)
	}
	c := &Code{
		size:    t.size,
		version: version,
		level:   level,
		mask:    mask,
		stride:  t.stride,
		bits:    make([]uint64, len(sym.rows)),
	}
	copy(c.bits, s.apply(t, sym, level, mask).rows)
	return c, nil
}

// scratch holds the buffers of one encoding, reused across calls. Nothing
// in it is handed out.
type scratch struct {
	runs      []run     // the runs of the text
	segs      []segment // its segments, substrings of it
	data      []byte    // data codewords, block after block
	ecc       []byte    // error correction codewords, block after block
	final     []byte    // the interleaved codeword sequence
	base      matrix    // the symbol before masking
	candidate matrix    // the symbol under the mask being scored
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// release returns s to the pool, dropping its hold on the text.
func (s *scratch) release() {
	clear(s.segs[:cap(s.segs)])
	s.segs = s.segs[:0]
	scratchPool.Put(s)
}

// grow returns b resized to n bytes, reusing its array when large enough.
func grow[T any](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, n)
	}
	return b[:n]
}
