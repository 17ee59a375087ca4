package ink

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"sync"
)

// encodeGray writes m as an 8-bit grayscale PNG, every row unfiltered, the
// image data deflated at BestSpeed.
//
// png.Encoder would do, but it picks a filter for every row by trying all
// five, which on a cropped 500×160 signature took 3–4 times as long as
// deflating, for a file no smaller: a signature is long runs of white that
// deflate needs no filter for.
func encodeGray(m *image.Gray) ([]byte, error) {
	z := zPool.Get().(*zbuf)
	defer zPool.Put(z)
	z.buf.Reset()
	z.w.Reset(&z.buf)
	w, h := m.Rect.Dx(), m.Rect.Dy()
	for y := range h {
		i := m.PixOffset(m.Rect.Min.X, m.Rect.Min.Y+y)
		if _, err := z.w.Write(filterNone); err != nil {
			return nil, err
		}
		if _, err := z.w.Write(m.Pix[i : i+w]); err != nil {
			return nil, err
		}
	}
	if err := z.w.Close(); err != nil {
		return nil, err
	}

	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8] = 8 // bits per sample; colour type 0 (gray), deflate, no interlace
	b := make([]byte, 0, len(pngMagic)+3*12+len(ihdr)+z.buf.Len())
	b = append(b, pngMagic...)
	b = appendChunk(b, "IHDR", ihdr[:])
	b = appendChunk(b, "IDAT", z.buf.Bytes())
	b = appendChunk(b, "IEND", nil)
	return b, nil
}

var filterNone = []byte{0}

// zbuf is a deflate stream and its output, reused between encodes: a
// zlib writer allocates several hundred KB when made.
type zbuf struct {
	buf bytes.Buffer
	w   *zlib.Writer
}

var zPool = sync.Pool{New: func() any {
	z := new(zbuf)
	z.w, _ = zlib.NewWriterLevel(&z.buf, zlib.BestSpeed) // a valid level cannot fail
	return z
}}

func appendChunk(b []byte, typ string, data []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(data)))
	start := len(b)
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[start:]))
}
