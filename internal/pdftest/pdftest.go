// Package pdftest reads PDFs the way a person would, for tests: their text
// through poppler's pdftotext, a page as an image through pdftoppm, and QR
// codes on it through gozxing, zxing-cpp and zbar. The tools are skipped when missing on a
// developer's machine and required in CI (CI=true).
package pdftest

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// NeedTool returns the path of a poppler program, skipping the test when
// it is missing, unless CI=true.
func NeedTool(t testing.TB, name string) string {
	t.Helper()
	return NeedPackageTool(t, name, "poppler-utils")
}

// NeedPackageTool returns the path of an external program from the Debian
// package pkg, skipping the test when it is missing, unless CI=true.
func NeedPackageTool(t testing.TB, name, pkg string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is required in CI (apt-get install %s; .ci/run does): %v", name, pkg, err)
	}
	t.Skipf("%s not installed (apt-get install %s)", name, pkg)
	return ""
}

func write(t testing.TB, pdf []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "dokumen.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// Text extracts a PDF's text with its layout folded: runs of white space,
// line breaks included, become one space. pdftotext also fails the test on
// a malformed file.
func Text(t testing.TB, pdf []byte) string {
	t.Helper()
	return text(t, pdf)
}

// PageText is Text of one page (from 1).
func PageText(t testing.TB, pdf []byte, page int) string {
	t.Helper()
	n := strconv.Itoa(page)
	return text(t, pdf, "-f", n, "-l", n)
}

func text(t testing.TB, pdf []byte, opts ...string) string {
	t.Helper()
	tool := NeedTool(t, "pdftotext")
	args := append(append([]string{"-enc", "UTF-8"}, opts...), write(t, pdf), "-")
	out, err := exec.Command(tool, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	if bytes.Contains(out, []byte("Syntax Error")) || bytes.Contains(out, []byte("Syntax Warning")) {
		t.Fatalf("pdftotext complains:\n%s", out)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// Pages counts a PDF's pages as poppler sees them.
func Pages(t testing.TB, pdf []byte) int {
	t.Helper()
	tool := NeedTool(t, "pdfinfo")
	out, err := exec.Command(tool, write(t, pdf)).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo: %v\n%s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "Pages:"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				t.Fatalf("pdfinfo pages %q: %v", v, err)
			}
			return n
		}
	}
	t.Fatalf("pdfinfo gives no page count:\n%s", out)
	return 0
}

// Page renders one page (from 1) at 150 dpi, in grey: what a scanner
// reads of a printed page. pdftoppm writes grey as an uncompressed PGM,
// which costs a fraction of an RGB PNG to write and to read back.
func Page(t testing.TB, pdf []byte, page int) image.Image {
	t.Helper()
	return GrayPage(t, pdf, page, 150)
}

// GrayPage renders one page (from 1) in grey at dpi dots per inch.
func GrayPage(t testing.TB, pdf []byte, page, dpi int) *image.Gray {
	t.Helper()
	// pdftoppm writes a grey page as a binary PGM (its PNGs are RGB).
	b := render(t, pdf, page, "page.pgm", "-r", strconv.Itoa(dpi), "-gray")
	f := bytes.Fields(b[:min(len(b), 64)])
	if len(f) < 4 || string(f[0]) != "P5" || string(f[3]) != "255" {
		t.Fatalf("pdftoppm -gray wrote no 8-bit PGM: %.20q", b)
	}
	w, errW := strconv.Atoi(string(f[1]))
	h, errH := strconv.Atoi(string(f[2]))
	if errW != nil || errH != nil || w*h > len(b) {
		t.Fatalf("PGM header %q %q", f[1], f[2])
	}
	img := image.NewGray(image.Rect(0, 0, w, h))
	copy(img.Pix, b[len(b)-w*h:])
	return img
}

// render runs pdftoppm on one page with opts and returns the file it
// writes, name.
func render(t testing.TB, pdf []byte, page int, name string, opts ...string) []byte {
	t.Helper()
	tool := NeedTool(t, "pdftoppm")
	dir := t.TempDir()
	n := strconv.Itoa(page)
	args := append(opts, "-f", n, "-l", n, "-singlefile", write(t, pdf), filepath.Join(dir, "page"))
	out, err := exec.Command(tool, args...).CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Crop returns the part of img inside r, given as fractions of its width
// and height.
func Crop(img image.Image, x0, y0, x1, y1 float64) image.Image {
	b := img.Bounds()
	r := image.Rect(b.Min.X+int(x0*float64(b.Dx())), b.Min.Y+int(y0*float64(b.Dy())),
		b.Min.X+int(x1*float64(b.Dx())), b.Min.Y+int(y1*float64(b.Dy())))
	return img.(interface {
		SubImage(image.Rectangle) image.Image
	}).SubImage(r)
}

// DecodeQR reads the one QR code in img.
func DecodeQR(t testing.TB, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	// gozxing's finder-pattern search is fickle next to text: take the
	// first of a plain and a thorough attempt that reads the code.
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		hints := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}
		res, err = qrcode.NewQRCodeReader().Decode(bmp, hints)
	}
	if err == nil {
		return res.GetText()
	}
	// gozxing misses about one symbol in forty that phone scanners read
	// (TestPersonalLinkSheet failed 2 runs in 80 with random links): ask
	// zbar, the other decoder family, before calling the code unreadable.
	text, zerr := zbarDecode(t, img)
	if zerr != nil {
		t.Fatalf("decode QR: gozxing: %v; zbarimg: %v", err, zerr)
	}
	return text
}

// DecodeQRs reads every QR code in img, a whole printed page, and returns
// their texts, one per code found. It reads with zxing-cpp, the C++ port of
// the ZXing decoder behind most phone scanners, which finds every code of
// a sheet in one pass; zbar missed one code of nine on about one sheet in
// twenty, at 150, 200 and 300 dpi alike, where zxing-cpp read all nine.
// zbar is the fallback of a developer machine without python3-zxing-cpp.
func DecodeQRs(t testing.TB, img image.Image) []string {
	t.Helper()
	if python, ok := zxingPython(); ok {
		return zxingAll(t, python, img)
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("zxing-cpp is required in CI (apt-get install python3-zxing-cpp; .ci/run does)")
	}
	out, err := zbar(t, NeedPackageTool(t, "zbarimg", "zbar-tools"), img)
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 4) { // 4: no code found
		t.Fatalf("zbarimg: %v", err)
	}
	return strings.Fields(string(out))
}

// NeedZXing returns a Python that imports zxingcpp, skipping the test
// when there is none, unless CI=true.
func NeedZXing(t testing.TB) string {
	t.Helper()
	if python, ok := zxingPython(); ok {
		return python
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("zxing-cpp is required in CI (apt-get install python3-zxing-cpp; .ci/run does)")
	}
	t.Skip("zxing-cpp not installed (apt-get install python3-zxing-cpp)")
	return ""
}

// zxingPython finds a Python that imports zxingcpp: Debian's
// python3-zxing-cpp installs it for /usr/bin/python3, which another
// python3 on the PATH may hide.
func zxingPython() (string, bool) {
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		if path, err := exec.LookPath(py); err == nil && exec.Command(path, "-c", "import zxingcpp").Run() == nil {
			return path, true
		}
	}
	return "", false
}

// zxingAllScript prints the text of every valid QR code in a binary PGM,
// hex-encoded, one a line.
const zxingAllScript = `
import sys, numpy, zxingcpp
data = open(sys.argv[1], 'rb').read()
magic, w, h, maxval, pix = data.split(maxsplit=4)
img = numpy.frombuffer(pix, dtype=numpy.uint8).reshape(int(h), int(w))
for r in zxingcpp.read_barcodes(img, formats=zxingcpp.BarcodeFormat.QRCode):
    if r.valid:
        print(r.text.encode().hex())
`

func zxingAll(t testing.TB, python string, img image.Image) []string {
	t.Helper()
	b := img.Bounds()
	var pgm bytes.Buffer
	fmt.Fprintf(&pgm, "P5\n%d %d\n255\n", b.Dx(), b.Dy())
	for y := b.Min.Y; y < b.Max.Y; y++ {
		if g, ok := img.(*image.Gray); ok {
			i := g.PixOffset(b.Min.X, y)
			pgm.Write(g.Pix[i : i+b.Dx()])
			continue
		}
		for x := b.Min.X; x < b.Max.X; x++ {
			pgm.WriteByte(color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y)
		}
	}
	path := filepath.Join(t.TempDir(), "page.pgm")
	if err := os.WriteFile(path, pgm.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(python, "-c", zxingAllScript, path).Output()
	if err != nil {
		t.Fatalf("zxing-cpp: %v", err)
	}
	var texts []string
	for _, line := range strings.Fields(string(out)) {
		text, err := hex.DecodeString(line)
		if err != nil {
			t.Fatalf("zxing-cpp printed %q: %v", line, err)
		}
		texts = append(texts, string(text))
	}
	return texts
}

// zbarDecode reads the one QR code in img with zbarimg, if installed.
func zbarDecode(t testing.TB, img image.Image) (string, error) {
	tool, err := exec.LookPath("zbarimg")
	if err != nil {
		return "", err
	}
	out, err := zbar(t, tool, img)
	if err != nil {
		return "", fmt.Errorf("%v (%s)", err, bytes.TrimSpace(out))
	}
	text := strings.TrimSuffix(string(out), "\n")
	if strings.Contains(text, "\n") {
		return "", fmt.Errorf("more than one code: %q", text)
	}
	return text, nil
}

// zbar runs zbarimg on img for QR codes and returns what it prints, one
// code's text a line.
func zbar(t testing.TB, tool string, img image.Image) ([]byte, error) {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, err
	}
	path := filepath.Join(t.TempDir(), "qr.png")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		return nil, err
	}
	return exec.Command(tool, "--raw", "-q", "-Sdisable", "-Sqrcode.enable", path).Output()
}
