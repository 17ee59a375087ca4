package ink

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/crc32"
	"image"
	"sync"

	"github.com/ikrar-id/ikrar/internal/fastpng"
)

// encodeGray writes m as an 8-bit grayscale PNG, every row unfiltered, the
// image data deflated at BestSpeed.
//
// png.Encoder would do, but it picks a filter for every row by trying all
// five, which on a cropped 500×160 signature took 3–4 times as long as
// deflating, for a file no smaller: a signature is long runs of white that
// deflate needs no filter for.
//
// The rows, each after its filter type byte, are gathered into one buffer
// and deflated in one write, rather than two writes a row. The zlib
// wrapping is written here, byte for byte what compress/zlib writes at
// BestSpeed, so that the checksum is fastpng.Adler32's: white runs cost it
// next to nothing.
func encodeGray(m *image.Gray) ([]byte, error) {
	z := zPool.Get().(*zbuf)
	defer zPool.Put(z)
	w, h := m.Rect.Dx(), m.Rect.Dy()
	z.raw = z.raw[:0]
	for y := range h {
		i := m.PixOffset(m.Rect.Min.X, m.Rect.Min.Y+y)
		z.raw = append(z.raw, 0) // filter type: none
		z.raw = append(z.raw, m.Pix[i:i+w]...)
	}
	z.buf.Reset()
	z.buf.Write(zlibHeader)
	z.w.Reset(&z.buf)
	if _, err := z.w.Write(z.raw); err != nil {
		return nil, err
	}
	if err := z.w.Close(); err != nil {
		return nil, err
	}
	idat := binary.BigEndian.AppendUint32(z.buf.Bytes(), fastpng.Adler32(1, z.raw))

	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8] = 8 // bits per sample; colour type 0 (gray), deflate, no interlace
	// A new slice every time: the caller keeps it.
	b := make([]byte, 0, len(pngMagic)+3*12+len(ihdr)+len(idat))
	b = append(b, pngMagic...)
	b = appendChunk(b, "IHDR", ihdr[:])
	b = appendChunk(b, "IDAT", idat)
	b = appendChunk(b, "IEND", nil)
	return b, nil
}

// zlibHeader starts a zlib stream (RFC 1950) of deflate with a 32 KB
// window, compressed at the fastest level, with no dictionary: 0x78 0x01.
var zlibHeader = []byte{0x78, 0x01}

// zbuf is a deflate stream, its input and its output, reused between
// encodes: a flate writer allocates several hundred KB when made.
type zbuf struct {
	raw []byte // the scanlines
	buf bytes.Buffer
	w   *flate.Writer
}

var zPool = sync.Pool{New: func() any {
	z := new(zbuf)
	z.w, _ = flate.NewWriter(&z.buf, flate.BestSpeed) // a valid level cannot fail
	return z
}}

func appendChunk(b []byte, typ string, data []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(data)))
	start := len(b)
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[start:]))
}
