package certificate

import (
	"bytes"
	"cmp"
	"compress/zlib"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"strings"
	"sync"

	xfont "golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// The card's size in pixels: the 1.91:1 of Open Graph images, small
// enough that WhatsApp, Telegram and Facebook fetch it without resizing.
const (
	CardWidth  = 600
	CardHeight = 314
)

// Tone is the verdict a card shows, which decides its colour.
type Tone int

const (
	ToneValid   Tone = iota // SAH
	ToneRevoked             // DICABUT
	ToneInvalid             // TIDAK SAH
)

// Card is what a shared verification link's preview image shows. Every
// field is public: Name is already masked.
type Card struct {
	Tone    Tone
	Verdict string // the verdict word, e.g. "SAH"
	Event   string
	Org     string
	Name    string // masked; empty when the holder's data was erased
	Date    string // the event's date as the pages print it
	Site    string // the registry's host, where the footer says to check
	Code    string // the certificate code, grouped
	// CheckAt is the footer's format, given Site and Code; empty, it is
	// Indonesian ("Periksa di %s/v · kode %s").
	CheckAt string
}

var toneColors = map[Tone]color.RGBA{
	ToneValid:   {0x15, 0x80, 0x3d, 0xff},
	ToneRevoked: {0xb9, 0x1c, 0x1c, 0xff},
	ToneInvalid: {0x7f, 0x1d, 0x1d, 0xff},
}

// cardFonts are the certificate's DejaVu Sans cuts, parsed once for the
// cards (the PDFs embed them as they are).
var cardFonts = sync.OnceValue(func() cardFaces {
	var c cardFaces
	parse := func(name string) (*opentype.Font, error) {
		z, err := fontFS.ReadFile("fonts/" + name + ".z")
		if err != nil {
			return nil, err
		}
		zr, err := zlib.NewReader(bytes.NewReader(z))
		if err != nil {
			return nil, fmt.Errorf("font %s: %w", name, err)
		}
		ttf, err := io.ReadAll(zr)
		if err != nil {
			return nil, fmt.Errorf("font %s: %w", name, err)
		}
		return opentype.Parse(ttf)
	}
	if c.regular, c.err = parse("DejaVuSans"); c.err == nil {
		c.bold, c.err = parse("DejaVuSans-Bold")
	}
	return c
})

type cardFaces struct {
	regular, bold *opentype.Font
	err           error
}

// RenderCard draws a card as a PNG of CardWidth × CardHeight: a band in
// the verdict's colour with the verdict word, then the event, the
// organization, the date and the masked name. About a millisecond and
// 20 KB; callers cache it.
func RenderCard(c Card) ([]byte, error) {
	fonts := cardFonts()
	if fonts.err != nil {
		return nil, fmt.Errorf("card fonts: %w", fonts.err)
	}
	regular, bold := fonts.regular, fonts.bold
	face := func(f *opentype.Font, size float64) (xfont.Face, error) {
		return opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: xfont.HintingFull})
	}
	verdictFace, err := face(bold, 44)
	if err != nil {
		return nil, err
	}
	titleFace, err := face(bold, 26)
	if err != nil {
		return nil, err
	}
	textFace, err := face(regular, 20)
	if err != nil {
		return nil, err
	}
	smallFace, err := face(regular, 16)
	if err != nil {
		return nil, err
	}

	img := image.NewRGBA(image.Rect(0, 0, CardWidth, CardHeight))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	tone, ok := toneColors[c.Tone]
	if !ok {
		tone = toneColors[ToneInvalid]
	}
	const band, margin = 84, 32
	draw.Draw(img, image.Rect(0, 0, CardWidth, band), image.NewUniform(tone), image.Point{}, draw.Src)

	text := func(f xfont.Face, col color.Color, x, baseline int, s string) {
		d := xfont.Drawer{Dst: img, Src: image.NewUniform(col), Face: f, Dot: fixed.P(x, baseline)}
		d.DrawString(s)
	}
	ink := color.RGBA{0x1f, 0x29, 0x37, 0xff}
	muted := color.RGBA{0x4b, 0x55, 0x63, 0xff}
	width := CardWidth - 2*margin

	text(verdictFace, color.White, margin, 58, c.Verdict)
	y := band + 40
	for _, line := range wrap(titleFace, c.Event, width, 2) {
		text(titleFace, ink, margin, y, line)
		y += 32
	}
	y += 4
	for _, line := range []string{c.Org, c.Date, c.Name} {
		if line == "" {
			continue
		}
		for _, l := range wrap(textFace, line, width, 1) {
			text(textFace, muted, margin, y, l)
			y += 27
		}
	}
	footer := cmp.Or(c.CheckAt, "Periksa di %s/v · kode %s")
	text(smallFace, tone, margin, CardHeight-20, fit(smallFace, fmt.Sprintf(footer, c.Site, c.Code), width))

	var out bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&out, img); err != nil {
		return nil, fmt.Errorf("encode card: %w", err)
	}
	return out.Bytes(), nil
}

// wrap breaks s into at most max lines no wider than width, the last one
// shortened with an ellipsis if the text does not fit.
func wrap(f xfont.Face, s string, width, max int) []string {
	words := strings.Fields(s)
	var lines []string
	for len(words) > 0 && len(lines) < max {
		n := 1
		for n < len(words) && xfont.MeasureString(f, strings.Join(words[:n+1], " ")).Ceil() <= width {
			n++
		}
		line := strings.Join(words[:n], " ")
		words = words[n:]
		if len(lines) == max-1 && len(words) > 0 {
			line += " " + strings.Join(words, " ")
			words = nil
		}
		lines = append(lines, fit(f, line, width))
	}
	return lines
}

// fit shortens s with an ellipsis until it is no wider than width.
func fit(f xfont.Face, s string, width int) string {
	if xfont.MeasureString(f, s).Ceil() <= width {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && xfont.MeasureString(f, string(r)+"…").Ceil() > width {
		r = r[:len(r)-1]
	}
	return strings.TrimSpace(string(r)) + "…"
}
