package fastpng

import (
	"image"
	"image/color"
)

// Flatten writes src composited over white into dst as luminance, with a
// tight loop for each image type png.Decode returns for 8-bit images: the
// reference Decode is held to.
func Flatten(dst *image.Gray, src image.Image) {
	r := src.Bounds()
	w, h := r.Dx(), r.Dy()
	switch m := src.(type) {
	case *image.NRGBA:
		for y := range h {
			s := m.Pix[y*m.Stride : y*m.Stride+4*w]
			d := dst.Pix[y*dst.Stride : y*dst.Stride+w]
			for x := range d {
				p := s[4*x : 4*x+4 : 4*x+4]
				a := uint32(p[3])
				if a == 0 {
					d[x] = 0xff
					continue
				}
				// Over white: a·lum + (255−a)·255, divided by 255.
				l := luma(uint32(p[0]), uint32(p[1]), uint32(p[2]))
				d[x] = uint8((a*l + (255-a)*255 + 127) / 255)
			}
		}
	case *image.RGBA:
		for y := range h {
			s := m.Pix[y*m.Stride : y*m.Stride+4*w]
			d := dst.Pix[y*dst.Stride : y*dst.Stride+w]
			for x := range d {
				p := s[4*x : 4*x+4 : 4*x+4]
				// Premultiplied: lum already carries alpha; white
				// shows through by 255−a.
				v := luma(uint32(p[0]), uint32(p[1]), uint32(p[2])) + 255 - uint32(p[3])
				d[x] = uint8(min(v, 255))
			}
		}
	case *image.Gray:
		for y := range h {
			copy(dst.Pix[y*dst.Stride:y*dst.Stride+w], m.Pix[y*m.Stride:y*m.Stride+w])
		}
	case *image.Paletted:
		var lut [256]uint8 // indices past the palette read as black
		for i, c := range m.Palette {
			lut[i] = grayOverWhite(c)
		}
		for y := range h {
			s := m.Pix[y*m.Stride : y*m.Stride+w]
			d := dst.Pix[y*dst.Stride : y*dst.Stride+w]
			for x, i := range s {
				d[x] = lut[i]
			}
		}
	default: // 16-bit PNGs: rare enough for the generic path
		for y := range h {
			d := dst.Pix[y*dst.Stride : y*dst.Stride+w]
			for x := range d {
				d[x] = grayOverWhite(m.At(r.Min.X+x, r.Min.Y+y))
			}
		}
	}
}

// luma is Rec. 601 luminance of 8-bit channels, with the weights
// color.GrayModel uses.
func luma(r, g, b uint32) uint32 {
	return (19595*r + 38470*g + 7471*b + 1<<15) >> 16
}

// grayOverWhite is the 8-bit gray of c over white.
func grayOverWhite(c color.Color) uint8 {
	return premultipliedOverWhite(c.RGBA())
}

// premultipliedOverWhite is the 8-bit gray of a 16-bit premultiplied
// colour over white.
func premultipliedOverWhite(r, g, b, a uint32) uint8 {
	v := (19595*r+38470*g+7471*b+1<<15)>>16 + 0xffff - a
	return uint8(min(v, 0xffff) >> 8)
}
