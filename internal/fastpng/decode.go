package fastpng

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"io"
	"sync"
)

// PNG colour types.
const (
	ctGray      = 0
	ctRGB       = 2
	ctPaletted  = 3
	ctGrayAlpha = 4
	ctRGBA      = 6
)

// Chunk-order stages, as png.Decode tracks them: IHDR, PLTE, tRNS, the
// IDATs, IEND.
const (
	stageIHDR = iota + 1
	stagePLTE
	stageTRNS
	stageIDAT
	stageIEND
)

// pngReadAhead is the size of the bufio.Reader png.Decode reads IDAT
// payloads through: see idatReader.endsChunk.
const pngReadAhead = 4096

// ErrUnsupported says Decode leaves the image to image/png: see the
// package doc for which images those are.
var ErrUnsupported = errors.New("fastpng: left to image/png")

var pngMagic = []byte("\x89PNG\r\n\x1a\n")

// Limits are the image sizes the caller accepts, in pixels. Decode leaves
// an image outside them to image/png, so that the caller's own check of
// png.DecodeConfig decides what to say about it.
type Limits struct {
	MinWidth, MaxWidth, MinHeight, MaxHeight int
}

// Why the fast decoder rejects an image. They are wrapped in the same
// user error as png.Decode's.
var (
	errChunkOrder = errors.New("png: chunk out of order")
	errChunkCRC   = errors.New("png: invalid chunk checksum")
	errBadPLTE    = errors.New("png: bad PLTE chunk")
	errBadTRNS    = errors.New("png: bad tRNS chunk")
	errBadIEND    = errors.New("png: bad IEND length")
	errFewPixels  = errors.New("png: not enough pixel data")
	errManyPixels = errors.New("png: too much pixel data")
	errBadFilter  = errors.New("png: bad filter type")
)

// Decode decodes the PNG b composited onto white, as 8-bit luma, into the
// buffer *buf, growing it if need be; the image shares its memory. It
// returns ErrUnsupported, unwrapped, for an image it leaves to image/png.
// Otherwise it accepts what png.Decode accepts, giving the pixels Flatten
// gives of png.Decode's image, and rejects what png.Decode rejects.
func Decode(b []byte, buf *[]byte, lim Limits) (*image.Gray, error) {
	if !bytes.HasPrefix(b, pngMagic) {
		return nil, ErrUnsupported
	}
	m, err := scanPNG(b, lim)
	if err != nil {
		return nil, err
	}
	gray := GrayBuffer(buf, m.width, m.height)
	d := pngDecoderPool.Get().(*pngDecoder)
	defer pngDecoderPool.Put(d)
	if err := d.decode(b, &m, gray.Pix); err != nil {
		return nil, err
	}
	return gray, nil
}

// GrayBuffer returns a w×h gray image over *buf, grown if it is too small.
// Its pixels are whatever the buffer held: Decode and Flatten write them
// all.
func GrayBuffer(buf *[]byte, w, h int) *image.Gray {
	if cap(*buf) < w*h {
		*buf = make([]byte, w*h)
	}
	return &image.Gray{Pix: (*buf)[:w*h], Stride: w, Rect: image.Rect(0, 0, w, h)}
}

// pngInfo is what scanPNG learns of an image the fast decoder handles.
type pngInfo struct {
	width, height int
	depth         int    // bits per sample: 1, 2, 4 or 8
	colorType     byte   // ctGray, ctRGB, …
	plte, trns    []byte // the PLTE and tRNS payloads, if any
	idat          int    // offset in the file of the first IDAT chunk
}

// chunk is one PNG chunk whose checksum has been verified.
type chunk struct {
	typ  [4]byte
	data []byte
}

// readChunk returns the chunk at b[off:] and the offset of the one after.
func readChunk(b []byte, off int) (chunk, int, error) {
	if len(b)-off < 12 {
		return chunk{}, 0, io.ErrUnexpectedEOF
	}
	n := binary.BigEndian.Uint32(b[off:])
	if uint64(n) > uint64(len(b)-off-12) {
		return chunk{}, 0, io.ErrUnexpectedEOF
	}
	end := off + 8 + int(n)
	if crc32.ChecksumIEEE(b[off+4:end]) != binary.BigEndian.Uint32(b[end:]) {
		return chunk{}, 0, errChunkCRC
	}
	c := chunk{data: b[off+8 : end]}
	copy(c.typ[:], b[off+4:off+8])
	return c, end + 4, nil
}

// scanPNG walks the chunks of b from IHDR to IEND, checking each as
// png.Decode does: length, checksum, order, and the PLTE, tRNS and IEND
// payloads. What follows IEND is ignored, as png.Decode ignores it. The
// image data is only located, not inflated.
func scanPNG(b []byte, lim Limits) (pngInfo, error) {
	var m pngInfo
	c, off, err := readChunk(b, len(pngMagic))
	if err != nil || string(c.typ[:]) != "IHDR" || !m.setHeader(c.data, lim) {
		return m, ErrUnsupported
	}
	for stage := stageIHDR; stage != stageIEND; {
		start := off
		if c, off, err = readChunk(b, off); err != nil {
			return m, err
		}
		switch string(c.typ[:]) {
		case "IHDR":
			return m, errChunkOrder
		case "PLTE":
			if stage != stageIHDR {
				return m, errChunkOrder
			}
			stage = stagePLTE
			err = m.setPalette(c.data)
		case "tRNS":
			if !m.transparencyMayFollow(stage) {
				return m, errChunkOrder
			}
			stage = stageTRNS
			err = m.setTransparency(c.data)
		case "IDAT":
			switch {
			case stage == stageIDAT:
				// The image data's own chunks, and any IDAT chunk
				// after them, which png.Decode skips.
			case stage == stageIHDR && m.colorType == ctPaletted:
				return m, errChunkOrder
			default:
				stage = stageIDAT
				m.idat = start
			}
		case "IEND":
			if stage != stageIDAT {
				return m, errChunkOrder
			}
			if len(c.data) != 0 {
				return m, errBadIEND
			}
			stage = stageIEND
		}
		// Any other chunk is skipped, whatever its type: png.Decode
		// does not tell critical from ancillary.
		if err != nil {
			return m, err
		}
	}
	return m, nil
}

// setHeader reads an IHDR payload and reports whether the fast decoder
// handles the image: no interlacing, 8 bits per sample or fewer, and a
// size within lim (outside them, png.DecodeConfig says which error the
// user sees).
func (m *pngInfo) setHeader(d []byte, lim Limits) bool {
	if len(d) != 13 || d[10] != 0 || d[11] != 0 || d[12] != 0 {
		return false // compression, filter method, interlacing
	}
	w, h := binary.BigEndian.Uint32(d[0:]), binary.BigEndian.Uint32(d[4:])
	if int64(w) < int64(lim.MinWidth) || int64(w) > int64(lim.MaxWidth) || int64(h) < int64(lim.MinHeight) || int64(h) > int64(lim.MaxHeight) {
		return false
	}
	depth, ct := d[8], d[9]
	switch ct {
	case ctGray, ctPaletted:
		if depth != 1 && depth != 2 && depth != 4 && depth != 8 {
			return false
		}
	case ctRGB, ctGrayAlpha, ctRGBA:
		if depth != 8 {
			return false
		}
	default:
		return false
	}
	m.width, m.height, m.depth, m.colorType = int(w), int(h), int(depth), ct
	return true
}

// setPalette reads a PLTE payload. Truecolour images may carry one, which
// is ignored; gray ones may not.
func (m *pngInfo) setPalette(d []byte) error {
	n := len(d) / 3
	if len(d)%3 != 0 || n == 0 || n > 256 || n > 1<<m.depth {
		return errBadPLTE
	}
	switch m.colorType {
	case ctPaletted:
		m.plte = d
	case ctRGB, ctRGBA:
	default:
		return errBadPLTE
	}
	return nil
}

// transparencyMayFollow reports whether a tRNS chunk may come at stage: in
// a paletted image right after PLTE, in an RGB one after IHDR or PLTE, in
// a gray one after IHDR.
func (m *pngInfo) transparencyMayFollow(stage int) bool {
	switch m.colorType {
	case ctPaletted:
		return stage == stagePLTE
	case ctRGB:
		return stage == stageIHDR || stage == stagePLTE
	default:
		return stage == stageIHDR
	}
}

// setTransparency reads a tRNS payload: a gray or RGB key colour of 16-bit
// samples, or alpha for the first palette entries.
func (m *pngInfo) setTransparency(d []byte) error {
	switch m.colorType {
	case ctGray:
		if len(d) != 2 {
			return errBadTRNS
		}
	case ctRGB:
		if len(d) != 6 {
			return errBadTRNS
		}
	case ctPaletted:
		if len(d) > 256 {
			return errBadTRNS
		}
	default: // the alpha channel says it all
		return errBadTRNS
	}
	m.trns = d
	return nil
}

// pngDecoder is the fast decoder's reusable state: an inflater reading
// from idatReader, the current and previous rows, and a lookup table for
// gray and paletted pixels.
type pngDecoder struct {
	src       idatReader
	inflate   io.ReadCloser // a flate reader; also a flate.Resetter
	adler     uint32        // of the inflated bytes so far
	cur, prev []byte
	lut       [256]uint8
	one       [1]byte
}

// pngDecoderPool holds pngDecoders between requests: a flate reader
// allocates some 40 KB of tables and window when made.
var pngDecoderPool = sync.Pool{New: func() any {
	d := new(pngDecoder)
	d.inflate = flate.NewReader(&d.src)
	return d
}}

// decode inflates and unfilters m's image data, row by row, writes it
// onto white into gray, m.width bytes a row, and finds the ink. It reads
// exactly the bytes the image needs, and one more to see that the stream
// ends there: a stream that inflates to more is rejected having inflated
// at most a window (32 KB) past the image.
func (d *pngDecoder) decode(b []byte, m *pngInfo, gray []byte) error {
	defer d.src.reset(nil, 0) // do not keep the request's bytes in the pool
	d.src.reset(b, m.idat)
	if err := d.startZlib(); err != nil {
		return err
	}
	bits := m.depth * channels(m.colorType)
	rowLen := 1 + (bits*m.width+7)/8 // with the filter type byte
	bpp := (bits + 7) / 8            // bytes a filter looks back
	cur, prev := resize(d.cur, rowLen), resize(d.prev, rowLen)
	d.cur, d.prev = cur, prev
	clear(prev) // the row above the first is zero
	d.setLUT(m)

	w := m.width
	for y := range m.height {
		if err := d.readRow(cur); err != nil {
			return err
		}
		if err := unfilter(cur[0], cur[1:], prev[1:], bpp); err != nil {
			return err
		}
		d.writeRow(m, gray[y*w:y*w+w], cur[1:])
		cur, prev = prev, cur
	}
	return d.endZlib()
}

// channels is how many samples a pixel of colour type ct has.
func channels(ct byte) int {
	switch ct {
	case ctRGB:
		return 3
	case ctGrayAlpha:
		return 2
	case ctRGBA:
		return 4
	}
	return 1
}

// resize returns b with length n, reallocated only if it is too small.
func resize(b []byte, n int) []byte {
	if cap(b) < n {
		return make([]byte, n)
	}
	return b[:n]
}

// startZlib reads the zlib header (RFC 1950) and readies the inflater,
// accepting what compress/zlib's reader does with no dictionary: a header
// may ask for a preset dictionary only if that is the empty one.
func (d *pngDecoder) startZlib() error {
	cmf, err := d.src.ReadByte()
	if err != nil {
		return err
	}
	flg, err := d.src.ReadByte()
	if err != nil {
		return err
	}
	if cmf&0x0f != 8 || cmf>>4 > 7 || (uint(cmf)<<8|uint(flg))%31 != 0 {
		return zlib.ErrHeader
	}
	if flg&0x20 != 0 {
		id, err := d.src.readUint32()
		if err != nil {
			return err
		}
		if id != 1 { // the Adler-32 of no bytes
			return zlib.ErrDictionary
		}
	}
	d.adler = 1
	return d.inflate.(flate.Resetter).Reset(&d.src, nil)
}

// readRow fills row with inflated bytes.
func (d *pngDecoder) readRow(row []byte) error {
	if _, err := io.ReadFull(d.inflate, row); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return errFewPixels
		}
		return err
	}
	d.adler = Adler32(d.adler, row)
	return nil
}

// endZlib checks that the deflate stream ends where the image data does,
// that the zlib checksum follows and is right, and that the IDAT chunk it
// ends in ends there too, give or take what png.Decode lets pass.
func (d *pngDecoder) endZlib() error {
	n, err := 0, error(nil)
	for i := 0; n == 0 && err == nil; i++ {
		if i == 100 {
			return io.ErrNoProgress
		}
		n, err = d.inflate.Read(d.one[:])
	}
	if n != 0 {
		return errManyPixels
	}
	if err != io.EOF {
		return err
	}
	sum, err := d.src.readUint32()
	if err != nil {
		return err
	}
	if sum != d.adler {
		return zlib.ErrChecksum
	}
	if !d.src.endsChunk() {
		return errManyPixels
	}
	return nil
}

// idatReader presents the payloads of a run of IDAT chunks as one stream,
// the zlib stream of the image data. scanPNG has checked the chunks.
//
// It is an io.ByteReader, so the inflater reads from it directly, byte by
// byte: no bufio.Reader, no copy, and no reading past the end of the
// stream.
type idatReader struct {
	b    []byte // the PNG file
	next int    // offset of the chunk after the current one
	data []byte // what is left of the current chunk's payload
	size int    // the current chunk's payload length
}

// reset points r at the IDAT chunk at b[off:].
func (r *idatReader) reset(b []byte, off int) {
	*r = idatReader{b: b, next: off}
}

// ReadByte returns the next byte of the stream.
func (r *idatReader) ReadByte() (byte, error) {
	if len(r.data) == 0 {
		if err := r.nextChunk(); err != nil {
			return 0, err
		}
	}
	c := r.data[0]
	r.data = r.data[1:]
	return c, nil
}

// Read reads from the current chunk, as png.Decode's reader does.
func (r *idatReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if len(r.data) == 0 {
		if err := r.nextChunk(); err != nil {
			return 0, err
		}
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

// readUint32 reads a big-endian uint32, as zlib stores its checksums.
func (r *idatReader) readUint32() (uint32, error) {
	var v uint32
	for range 4 {
		c, err := r.ReadByte()
		if err != nil {
			return 0, err
		}
		v = v<<8 | uint32(c)
	}
	return v, nil
}

// nextChunk moves on to the next IDAT chunk that has data. A stream that
// runs into any other chunk is cut short.
func (r *idatReader) nextChunk() error {
	for len(r.data) == 0 {
		off := r.next
		if len(r.b)-off < 12 || string(r.b[off+4:off+8]) != "IDAT" {
			return errFewPixels
		}
		n := binary.BigEndian.Uint32(r.b[off:])
		if uint64(n) > uint64(len(r.b)-off-12) {
			return io.ErrUnexpectedEOF
		}
		r.size = int(n)
		r.data = r.b[off+8 : off+8+r.size]
		r.next = off + 12 + r.size
	}
	return nil
}

// endsChunk reports whether png.Decode, having read the stream this far,
// would be at the end of the current IDAT chunk, as it wants to be: it
// reads through a bufio.Reader, which takes the chunk pngReadAhead bytes
// at a time, so bytes after the end of the stream pass unnoticed if they
// were read along with its last ones.
func (r *idatReader) endsChunk() bool {
	used := r.size - len(r.data)
	return r.size <= (used+pngReadAhead-1)/pngReadAhead*pngReadAhead
}

// setLUT fills d.lut for gray and paletted images with the gray level of
// each sample value or palette index, composited onto white.
func (d *pngDecoder) setLUT(m *pngInfo) {
	switch m.colorType {
	case ctGray:
		grayLUT(&d.lut, m.depth, m.trns)
	case ctPaletted:
		paletteLUT(&d.lut, m.plte, m.trns)
	}
}

// grayLUT maps gray samples of the given depth to 8 bits, and the one
// tRNS makes transparent, if any, to white. As png.Decode does, the key is
// the low byte of the tRNS sample, scaled like a sample and wrapping.
func grayLUT(lut *[256]uint8, depth int, trns []byte) {
	n := 1 << depth
	scale := uint8(0xff / (n - 1))
	for i := range n {
		lut[i] = uint8(i) * scale
	}
	if trns == nil {
		return
	}
	key := trns[1] * scale
	for i := range n {
		if lut[i] == key {
			lut[i] = 0xff
		}
	}
}

// paletteLUT maps palette indices to gray over white. tRNS may be longer
// than PLTE: png.Decode then makes the extra entries black with that
// alpha. Indices past both are opaque black.
func paletteLUT(lut *[256]uint8, plte, trns []byte) {
	clear(lut[:])
	np := len(plte) / 3
	for i := range max(np, len(trns)) {
		var r, g, b uint8
		if i < np {
			r, g, b = plte[3*i], plte[3*i+1], plte[3*i+2]
		}
		a := uint8(0xff)
		if i < len(trns) {
			a = trns[i]
		}
		lut[i] = nrgbaOverWhite(r, g, b, a)
	}
}

// nrgbaOverWhite is grayOverWhite(color.NRGBA{r, g, b, a}), which is what
// Flatten computes for a palette entry, without the conversion to
// color.Color, which would allocate for every entry.
func nrgbaOverWhite(r, g, b, a uint8) uint8 {
	// As color.NRGBA.RGBA premultiplies.
	premultiply := func(v uint8) uint32 { return uint32(v) * 0x101 * uint32(a) / 0xff }
	return premultipliedOverWhite(premultiply(r), premultiply(g), premultiply(b), uint32(a)*0x101)
}

// writeRow writes a row of unfiltered samples onto white into dst.
func (d *pngDecoder) writeRow(m *pngInfo, dst, src []byte) {
	switch {
	case m.colorType == ctRGBA:
		compositeNRGBA(dst, src)
	case m.colorType == ctGrayAlpha:
		compositeGrayAlpha(dst, src)
	case m.colorType == ctRGB && m.trns != nil:
		keyedLuma(dst, src, m.trns[1], m.trns[3], m.trns[5])
	case m.colorType == ctRGB:
		rowLuma(dst, src)
	case m.colorType == ctGray && m.depth == 8 && m.trns == nil:
		copy(dst, src)
	default:
		lookupRow(dst, src, m.depth, &d.lut)
	}
}

// compositeNRGBA writes non-premultiplied RGBA pixels onto white as gray,
// to exactly the levels Flatten gives. Eight transparent pixels at a time,
// the most of a signature, are written white without looking further.
func compositeNRGBA(dst, src []byte) {
	src = src[:4*len(dst)]
	x := 0
	for ; x+8 <= len(dst); x += 8 {
		s := (*[32]byte)(src[4*x:])
		alpha := binary.LittleEndian.Uint64(s[0:]) | binary.LittleEndian.Uint64(s[8:]) |
			binary.LittleEndian.Uint64(s[16:]) | binary.LittleEndian.Uint64(s[24:])
		if alpha&0xff000000_ff000000 == 0 {
			binary.LittleEndian.PutUint64(dst[x:], 1<<64-1)
			continue
		}
		compositeNRGBAPixels(dst[x:x+8], s[:])
	}
	compositeNRGBAPixels(dst[x:], src[4*x:])
}

// compositeNRGBAPixels is compositeNRGBA a pixel at a time. Over white,
// a·lum + (255−a)·255 is 255·255 − a·(255−lum): Flatten's sum, with one
// multiplication fewer, and white for a transparent pixel without a case
// for it. Strokes are drawn in one colour, so a pixel is often the one
// before it: then so is its gray.
func compositeNRGBAPixels(dst, src []byte) {
	src = src[:4*len(dst)]
	last, gray := uint32(0), uint8(0xff) // transparent black is white
	for x := range dst {
		p := binary.LittleEndian.Uint32(src[4*x : 4*x+4 : 4*x+4])
		if p != last {
			a := p >> 24
			l := luma(p&0xff, p>>8&0xff, p>>16&0xff)
			last, gray = p, uint8((255*255+127-a*(255-l))/255)
		}
		dst[x] = gray
	}
}

// compositeGrayAlpha is compositeNRGBAPixels for gray-and-alpha pixels:
// the luma of gray y is y.
func compositeGrayAlpha(dst, src []byte) {
	src = src[:2*len(dst)]
	for x := range dst {
		y, a := uint32(src[2*x]), uint32(src[2*x+1])
		dst[x] = uint8((a*y + (255-a)*255 + 127) / 255)
	}
}

// rowLuma writes opaque RGB pixels as gray.
func rowLuma(dst, src []byte) {
	src = src[:3*len(dst)]
	for x := range dst {
		p := src[3*x : 3*x+3 : 3*x+3]
		dst[x] = uint8(luma(uint32(p[0]), uint32(p[1]), uint32(p[2])))
	}
}

// keyedLuma is rowLuma for an image whose tRNS chunk makes the RGB colour
// with these low bytes transparent, so white.
func keyedLuma(dst, src []byte, r, g, b byte) {
	src = src[:3*len(dst)]
	for x := range dst {
		p := src[3*x : 3*x+3 : 3*x+3]
		if p[0] == r && p[1] == g && p[2] == b {
			dst[x] = 0xff
			continue
		}
		dst[x] = uint8(luma(uint32(p[0]), uint32(p[1]), uint32(p[2])))
	}
}

// lookupRow maps samples of depth bits, packed from the high bit down,
// through lut.
func lookupRow(dst, src []byte, depth int, lut *[256]uint8) {
	if depth == 8 {
		for x, v := range src[:len(dst)] {
			dst[x] = lut[v]
		}
		return
	}
	perByte := 8 / depth
	mask := byte(1)<<depth - 1
	for x := range dst {
		shift := 8 - depth*(x%perByte+1)
		dst[x] = lut[src[x/perByte]>>shift&mask]
	}
}
