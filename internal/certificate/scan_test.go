package certificate

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"image"
	"image/jpeg"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"github.com/ikrar-id/ikrar/internal/leaf"
	"github.com/ikrar-id/ikrar/internal/pdftest"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// picture is how a printed certificate reaches a phone's QR decoder: seen
// at dpi pixels per inch, blurred by blur pixels (Gaussian σ), saved as a
// JPEG of the given quality.
type picture struct {
	name    string
	dpi     float64
	blur    float64
	quality int
}

// The pictures of issue 11 item 10: a photo forwarded on WhatsApp, a
// camera frame with the page filling 1080p, a photo taken from afar; each
// turned and keystoned as a hand-held phone would.
var (
	pictures = []picture{
		{"whatsapp", 130, 0.8, 70},
		{"camera", 164, 1.2, 85},
		{"far", 100, 1.0, 70},
	}
	rotations = []float64{0, 4, -7} // degrees
	// How much narrower the page's far edge is than its near edge: the far
	// edge is the bottom, where the QR is, except in the last (a phone
	// held below the page).
	keystones = []float64{0, 0.04, 0.08, -0.08}
)

// TestQRScansFromPictures renders a real certificate with a real v2 claim,
// pictures its page 36 ways and decodes each picture with zxing-cpp (the
// decoder family of most phone scanners) and zbar: the QR must read, as
// the claim that verifies, from at least 34 with zxing-cpp and 18 with
// zbar. docs/TRUST.md §3 has the figures, and the v1 QR's for comparison.
func TestQRScansFromPictures(t *testing.T) {
	zbarimg := pdftest.NeedPackageTool(t, "zbarimg", "zbar-tools")
	python := pdftest.NeedZXing(t)

	keys := seedKeyring(t, "ikrar.deliserdangkab.go.id/ikrar")
	c := testCertificate(t, registry.InkStrokes)
	const host = "ikrar.deliserdangkab.go.id"
	token, err := leaf.SignClaim(keys, host, c.Signature)
	if err != nil {
		t.Fatal(err)
	}
	claim, err := translog.ClaimFromToken(host, c.Signature.Code, token)
	if err != nil {
		t.Fatal(err)
	}
	c.QRText = translog.FormatQRV2("https", claim)
	verifies := func(text string) bool {
		got, err := translog.ParseQRV2(text)
		if err != nil {
			return false
		}
		_, err = translog.VerifyClaimV2(got, keys.VerifierKeys())
		return err == nil && got == claim
	}
	// In alphanumeric mode the 188 characters fit version 8; in byte mode
	// they would need version 10, 57 modules.
	if m := mustModules(t, c.QRText); m != 49 {
		t.Errorf("the QR has %d modules, want 49 (version 8 M, alphanumeric mode)", m)
	}
	zx, zb := scanScore(t, zbarimg, python, mustRender(t, mustRenderer(t), c), verifies)
	n := len(pictures) * len(rotations) * len(keystones)
	t.Logf("v2 QR (%d characters) decoded from %d/%d pictures with zxing-cpp, %d/%d with zbar", len(c.QRText), zx, n, zb, n)
	if zx < 34 || zb < 18 {
		t.Errorf("the QR decoded from %d/%d pictures with zxing-cpp and %d/%d with zbar; want at least 34 and 18", zx, n, zb, n)
	}
}

// seedKeyring is a keyring whose key has the test vectors' seed, bytes
// 0x00 to 0x1f, so the claim, and the symbol, are the same on every run:
// how well a QR reads varies a little with its bytes.
func seedKeyring(t *testing.T, origin string) *translog.Keyring {
	t.Helper()
	seed := make([]byte, ed25519.SeedSize)
	for i := range seed {
		seed[i] = byte(i)
	}
	vkey, err := note.NewEd25519VerifierKey(origin, ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	hash := strings.Split(vkey, "+")[1]
	skey := "PRIVATE+KEY+" + origin + "+" + hash + "+" + base64.StdEncoding.EncodeToString(append([]byte{1}, seed...))
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "signer-1.key"), []byte(skey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	keys, err := translog.LoadKeyring(dir, origin)
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

func mustModules(t *testing.T, text string) int {
	t.Helper()
	code, err := qrCode(text)
	if err != nil {
		t.Fatal(err)
	}
	return code.Size
}

// scanScore pictures page 1 of pdf every way and counts the pictures from
// which each decoder read a text that ok accepts.
func scanScore(t *testing.T, zbarimg, python string, pdf []byte, ok func(string) bool) (zxing, zbar int) {
	t.Helper()
	page := pdftest.GrayPage(t, pdf, 1, 300)
	dir := t.TempDir()

	type job struct {
		p          picture
		rot, keyst float64
		file       string
	}
	var jobs []job
	for _, p := range pictures {
		for _, r := range rotations {
			for _, k := range keystones {
				jobs = append(jobs, job{p, r, k, filepath.Join(dir, fmt.Sprintf("%s_r%+g_k%g.pgm", p.name, r, k))})
			}
		}
	}
	// Two at a time: the machine's cores are shared.
	zbarOK := make([]bool, len(jobs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	errs := make(chan error, len(jobs))
	for i, j := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			img := photograph(page, j.p, j.rot, j.keyst)
			if err := writePGM(j.file, img); err != nil {
				errs <- err
				return
			}
			out, _ := exec.Command(zbarimg, "--raw", "-q", "-Sdisable", "-Sqrcode.enable", j.file).Output()
			zbarOK[i] = ok(strings.TrimSuffix(string(out), "\n"))
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	files := make([]string, len(jobs))
	for i, j := range jobs {
		files[i] = j.file
	}
	texts := zxingDecode(t, python, files)
	for i, j := range jobs {
		zxOK := ok(texts[i])
		if zxOK {
			zxing++
		}
		if zbarOK[i] {
			zbar++
		}
		t.Logf("%-8s rot %+3g° keystone %+3.0f%%: zxing-cpp %-5v zbar %v", j.p.name, j.rot, j.keyst*100, zxOK, zbarOK[i])
	}
	return zxing, zbar
}

// photograph pictures a page scanned at 300 dpi: scaled to p.dpi, its far
// edge narrowed by keystone in perspective (the bottom, or for a negative
// keystone the top), turned by rot degrees
// on a grey table, blurred, then saved and read back as a JPEG.
func photograph(page *image.Gray, p picture, rot, keystone float64) *image.Gray {
	w, h := float64(page.Rect.Dx()), float64(page.Rect.Dy())
	s := p.dpi / 300
	// The page's corners in the picture, before it is turned: a square
	// (u, v) ∈ [0,1]² maps onto this quadrilateral by a homography.
	qw, qh := w*s, h*s
	quad := [4][2]float64{{0, 0}, {qw, 0}, {qw * (1 - keystone/2), qh}, {qw * keystone / 2, qh}}
	if keystone < 0 { // the top is far
		quad = [4][2]float64{{-qw * keystone / 2, 0}, {qw * (1 + keystone/2), 0}, {qw, qh}, {0, qh}}
	}
	hom := squareToQuad(quad)
	inv := invert3(hom)
	th := rot * math.Pi / 180
	cos, sin := math.Cos(th), math.Sin(th)
	bw := math.Abs(qw*cos) + math.Abs(qh*sin)
	bh := math.Abs(qw*sin) + math.Abs(qh*cos)
	margin := 0.04 * qw
	out := image.NewGray(image.Rect(0, 0, int(bw+2*margin), int(bh+2*margin)))
	ocx, ocy := float64(out.Rect.Dx())/2, float64(out.Rect.Dy())/2
	// Each picture pixel averages 2×2 points of the page, as a sensor
	// integrates light, so scaling down does not alias.
	const ss = 2
	for y := 0; y < out.Rect.Dy(); y++ {
		for x := 0; x < out.Rect.Dx(); x++ {
			sum, n := 0.0, 0
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					dx := float64(x) + (float64(sx)+0.5)/ss - ocx
					dy := float64(y) + (float64(sy)+0.5)/ss - ocy
					// Turn back, then undo the perspective.
					px, py := dx*cos+dy*sin+qw/2, -dx*sin+dy*cos+qh/2
					d := inv[6]*px + inv[7]*py + inv[8]
					u, v := (inv[0]*px+inv[1]*py+inv[2])/d, (inv[3]*px+inv[4]*py+inv[5])/d
					if u < 0 || u > 1 || v < 0 || v > 1 {
						sum += 90 // the table
					} else {
						sum += bilinear(page, u*w, v*h)
					}
					n++
				}
			}
			out.Pix[y*out.Stride+x] = uint8(sum/float64(n) + 0.5)
		}
	}
	out = gaussian(out, p.blur)
	var b bytes.Buffer
	if err := jpeg.Encode(&b, out, &jpeg.Options{Quality: p.quality}); err != nil {
		panic(err)
	}
	img, err := jpeg.Decode(&b)
	if err != nil {
		panic(err)
	}
	return img.(*image.Gray)
}

// squareToQuad is the homography taking the unit square's corners (0,0),
// (1,0), (1,1), (0,1) to q, as a row-major 3×3 matrix (Heckbert 1989).
func squareToQuad(q [4][2]float64) [9]float64 {
	x0, y0, x1, y1, x2, y2, x3, y3 := q[0][0], q[0][1], q[1][0], q[1][1], q[2][0], q[2][1], q[3][0], q[3][1]
	dx1, dx2, dx3 := x1-x2, x3-x2, x0-x1+x2-x3
	dy1, dy2, dy3 := y1-y2, y3-y2, y0-y1+y2-y3
	den := dx1*dy2 - dx2*dy1
	g := (dx3*dy2 - dx2*dy3) / den
	h := (dx1*dy3 - dx3*dy1) / den
	return [9]float64{x1 - x0 + g*x1, x3 - x0 + h*x3, x0, y1 - y0 + g*y1, y3 - y0 + h*y3, y0, g, h, 1}
}

func invert3(m [9]float64) [9]float64 {
	a, b, c, d, e, f, g, h, i := m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8]
	det := a*(e*i-f*h) - b*(d*i-f*g) + c*(d*h-e*g)
	return [9]float64{
		(e*i - f*h) / det, (c*h - b*i) / det, (b*f - c*e) / det,
		(f*g - d*i) / det, (a*i - c*g) / det, (c*d - a*f) / det,
		(d*h - e*g) / det, (b*g - a*h) / det, (a*e - b*d) / det,
	}
}

func bilinear(img *image.Gray, x, y float64) float64 {
	x, y = x-0.5, y-0.5
	x0, y0 := int(math.Floor(x)), int(math.Floor(y))
	fx, fy := x-float64(x0), y-float64(y0)
	w, h := img.Rect.Dx(), img.Rect.Dy()
	// Clamped to the edge.
	xa, xb := min(max(x0, 0), w-1), min(max(x0+1, 0), w-1)
	r0 := img.Pix[min(max(y0, 0), h-1)*img.Stride:]
	r1 := img.Pix[min(max(y0+1, 0), h-1)*img.Stride:]
	top := float64(r0[xa])*(1-fx) + float64(r0[xb])*fx
	bottom := float64(r1[xa])*(1-fx) + float64(r1[xb])*fx
	return top*(1-fy) + bottom*fy
}

// gaussian blurs img with a Gaussian of standard deviation sigma pixels,
// a row at a time in each direction: the loops follow memory, and each
// pixel's sum is taken in the kernel's order, as a pixel at a time would.
func gaussian(img *image.Gray, sigma float64) *image.Gray {
	r := int(math.Ceil(3 * sigma))
	k := make([]float64, 2*r+1)
	sum := 0.0
	for i := range k {
		d := float64(i - r)
		k[i] = math.Exp(-d * d / (2 * sigma * sigma))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	w, h := img.Rect.Dx(), img.Rect.Dy()
	tmp := make([]float64, w*h)
	for y := 0; y < h; y++ {
		row := img.Pix[y*img.Stride : y*img.Stride+w]
		dst := tmp[y*w : y*w+w]
		for x := range dst {
			v := 0.0
			if x >= r && x+r < w {
				for i, px := range row[x-r : x+r+1] {
					v += k[i] * float64(px)
				}
			} else {
				for i, kv := range k {
					v += kv * float64(row[min(max(x+i-r, 0), w-1)])
				}
			}
			dst[x] = v
		}
	}
	out := image.NewGray(img.Rect)
	acc := make([]float64, w)
	for y := 0; y < h; y++ {
		clear(acc)
		for i, kv := range k {
			yy := min(max(y+i-r, 0), h-1)
			for x, v := range tmp[yy*w : yy*w+w] {
				acc[x] += kv * v
			}
		}
		dst := out.Pix[y*out.Stride : y*out.Stride+w]
		for x, v := range acc {
			dst[x] = uint8(min(max(v+0.5, 0), 255))
		}
	}
	return out
}

// writePGM writes a binary PGM, which both decoders read without an image
// library.
func writePGM(path string, img *image.Gray) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintf(w, "P5\n%d %d\n255\n", img.Rect.Dx(), img.Rect.Dy())
	for y := 0; y < img.Rect.Dy(); y++ {
		w.Write(img.Pix[y*img.Stride : y*img.Stride+img.Rect.Dx()])
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// zxingScript decodes the QR code of each PGM named on its command line
// with zxing-cpp, printing one line per file: the text in hex, or "-".
const zxingScript = `
import sys, numpy, zxingcpp
for path in sys.argv[1:]:
    with open(path, 'rb') as f:
        data = f.read()
    magic, w, h, maxval, pix = data.split(maxsplit=4)
    img = numpy.frombuffer(pix, dtype=numpy.uint8).reshape(int(h), int(w))
    r = zxingcpp.read_barcode(img, formats=zxingcpp.BarcodeFormat.QRCode)
    print(r.text.encode().hex() if r is not None and r.valid else '-')
`

func zxingDecode(t *testing.T, python string, files []string) []string {
	t.Helper()
	out, err := exec.Command(python, append([]string{"-c", zxingScript}, files...)...).Output()
	if err != nil {
		t.Fatalf("zxing-cpp: %v", err)
	}
	lines := strings.Fields(string(out))
	if len(lines) != len(files) {
		t.Fatalf("zxing-cpp answered %d lines for %d pictures", len(lines), len(files))
	}
	texts := make([]string, len(lines))
	for i, l := range lines {
		if l != "-" {
			var b []byte
			fmt.Sscanf(l, "%x", &b)
			texts[i] = string(b)
		}
	}
	return texts
}

// A v1 QR keeps the place certificates were issued with, so they render
// again as issued; a v2 QR, in any letter case of its scheme, gets the
// larger one.
func TestPlaceQR(t *testing.T) {
	for text, want := range map[string]qrPlace{
		testQR: qrPlaceV1,
		"HTTPS://IKRAR.DELISERDANGKAB.GO.ID/V/K7M49QX2P9AB/" + strings.Repeat("A", translog.ClaimV2Len): qrPlaceV2,
		"HTTP://127.0.0.1:8080/V/K7M49QX2P9AB/" + strings.Repeat("A", translog.ClaimV2Len):              qrPlaceV2,
	} {
		if got := placeQR(text); got != want {
			t.Errorf("placeQR(%.40q) = %+v, want %+v", text, got, want)
		}
	}
	if qrPlaceV1 != (qrPlace{top: 245, size: 37, infoTop: 247}) {
		t.Errorf("the v1 place moved to %+v: certificates issued with it would no longer render as issued", qrPlaceV1)
	}
}
