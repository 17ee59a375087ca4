package qr

import (
	"image"
	"image/color"
)

// QuietZone is the width, in modules, of the light margin a reader needs
// around the symbol (6.3.8).
const QuietZone = 4

// Image draws the symbol with its quiet zone, each module scale pixels
// square (at least 1): dark modules black, the rest white. Whole pixels per
// module keep the edges sharp when the image is shown or printed enlarged,
// and its two colours make a one-bit PNG.
func (c *Code) Image(scale int) *image.Paletted {
	scale = max(scale, 1)
	side := (c.size + 2*QuietZone) * scale
	img := image.NewPaletted(image.Rect(0, 0, side, side), color.Palette{color.White, color.Black})
	for y := range c.size {
		for x := range c.size {
			if !c.Dark(x, y) {
				continue
			}
			x0, y0 := (x+QuietZone)*scale, (y+QuietZone)*scale
			for py := y0; py < y0+scale; py++ {
				row := img.Pix[py*img.Stride+x0 : py*img.Stride+x0+scale]
				for i := range row {
					row[i] = 1
				}
			}
		}
	}
	return img
}
