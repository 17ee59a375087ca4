package qr

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/skip2/go-qrcode"
	"github.com/skip2/go-qrcode/bitset"
	"github.com/skip2/go-qrcode/reedsolomon"
)

// go-qrcode (github.com/skip2/go-qrcode v0.0.0-20200617195104-da1b6568686e)
// drew the QR codes of the certificates issued before this package, and
// its symbols must come out here bit for bit (data.go, mask.go). These
// tests compare the two on every version and level, on texts that mix the
// modes, and on texts like a certificate's.

// goLevels are go-qrcode's levels by Level.
var goLevels = [4]qrcode.RecoveryLevel{L: qrcode.Low, M: qrcode.Medium, Q: qrcode.High, H: qrcode.Highest}

// Characters of each class (data.go). The byte ones are printable, as
// gozxing returns them unchanged.
const (
	byteOnly         = "abcdefghijklmnopqrstuvwxyz!\"#&'()_=?@[]{}~;<>,"
	alphanumericOnly = "ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:" // no digits: they would make numeric runs
	digits           = "0123456789"
)

// byteClass is every byte of the byte class, printable or not.
var byteClass = func() string {
	var b []byte
	for c := range 256 {
		if classes[c] == modeByte {
			b = append(b, byte(c))
		}
	}
	return string(b)
}()

// capacity is the number of characters of mode that version holds at
// level as one segment.
func capacity(m mode, version int, level Level) int {
	bitsLeft := 8*dataCodewords(version, level) - 4 - int(countBits[m][versionRange(version)])
	switch m {
	case modeNumeric:
		return bitsLeft/10*3 + [10]int{0, 0, 0, 0, 1, 1, 1, 2, 2, 2}[bitsLeft%10]
	case modeAlphanumeric:
		return bitsLeft/11*2 + bitsLeft%11/6
	}
	return bitsLeft / 8
}

// lengthFor returns a random length of text of mode for which version is
// the smallest that holds it at level as one segment.
func lengthFor(rng *rand.Rand, m mode, version int, level Level) int {
	lo := 1
	if version > 1 {
		lo = capacity(m, version-1, level) + 1
	}
	return lo + rng.IntN(capacity(m, version, level)-lo+1)
}

func randomText(rng *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return string(b)
}

// goBitmap is go-qrcode's symbol for text, without quiet zone, as the
// certificates drew it.
func goBitmap(text string, level Level) ([][]bool, error) {
	q, err := qrcode.New(text, goLevels[level])
	if err != nil {
		return nil, err
	}
	q.DisableBorder = true
	return q.Bitmap(), nil
}

// compareGo encodes text at level with this package and go-qrcode and
// returns what differs, or "" if the symbols are the same to the bit, or
// both refuse the text.
func compareGo(text string, level Level) string {
	want, goErr := goBitmap(text, level)
	c, err := Encode(text, level)
	switch {
	case goErr != nil && err != nil:
		return ""
	case goErr != nil:
		return fmt.Sprintf("go-qrcode refuses it (%v), Encode gives version %d", goErr, c.Version())
	case err != nil:
		return fmt.Sprintf("Encode: %v, go-qrcode gives size %d", err, len(want))
	case c.Size() != len(want):
		return fmt.Sprintf("version %d, go-qrcode's is %d", c.Version(), (len(want)-17)/4)
	}
	if bm := c.Bitmap(); !slices.EqualFunc(bm, want, slices.Equal) {
		goMask := -1
		for mask := range 8 {
			if m, err := encode(text, level, mask); err == nil && slices.EqualFunc(m.Bitmap(), want, slices.Equal) {
				goMask = mask
			}
		}
		return fmt.Sprintf("version %d mask %d: modules differ; go-qrcode's mask: %d (-1: differs under any)", c.Version(), c.Mask(), goMask)
	}
	return ""
}

// checkGo runs compareGo on texts at their levels and fails with the first
// few differences; it logs how many symbols were the same.
func checkGo(t *testing.T, texts []string, levels []Level) {
	t.Helper()
	same := 0
	for i, text := range texts {
		if d := compareGo(text, levels[i]); d != "" {
			t.Errorf("%d bytes at %v, %.120q: %s", len(text), levels[i], text, d)
			if t.Failed() && i-same >= 5 {
				t.FailNow()
			}
			continue
		}
		same++
	}
	t.Logf("%d of %d symbols the same as go-qrcode's", same, len(texts))
}

// TestMatchesGoQRCode checks every version at every level in each mode: a
// random text of one class, of a length that only that version holds,
// must give go-qrcode's symbol.
func TestMatchesGoQRCode(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	modes := []struct {
		mode     mode
		alphabet string
	}{
		{modeByte, byteClass},
		{modeAlphanumeric, alphanumericOnly},
		{modeNumeric, digits},
	}
	var texts []string
	var levels []Level
	for _, m := range modes {
		for level := range Level(4) {
			for version := 1; version <= 40; version++ {
				text := randomText(rng, m.alphabet, lengthFor(rng, m.mode, version, level))
				if testing.Short() && version%7 != 1 {
					continue
				}
				c, err := Encode(text, level)
				if err != nil || c.Version() != version {
					t.Fatalf("%d characters of mode %d at %v: %v, want version %d", len(text), m.mode, level, err, version)
				}
				texts = append(texts, text)
				levels = append(levels, level)
			}
		}
	}
	checkGo(t, texts, levels)
}

// mixedText returns n bytes in runs of each class, of varied lengths: what
// go-qrcode splits into segments.
func mixedText(rng *rand.Rand, n int) string {
	alphabets := []string{digits, digits, alphanumericOnly, alphanumericOnly, byteOnly, byteOnly, byteClass}
	runLengths := []int{1, 3, 6, 12, 30, 80}
	b := make([]byte, 0, n+80)
	for len(b) < n {
		alphabet := alphabets[rng.IntN(len(alphabets))]
		for range 1 + rng.IntN(runLengths[rng.IntN(len(runLengths))]) {
			b = append(b, alphabet[rng.IntN(len(alphabet))])
		}
	}
	return string(b[:n])
}

// TestMixedMatchesGoQRCode checks random texts mixing digits, alphanumeric
// and byte characters in runs of all lengths, up to version 40.
func TestMixedMatchesGoQRCode(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(13, 14))
	n := 1000
	if testing.Short() {
		n = 100
	}
	var texts []string
	var levels []Level
	for i := range n {
		limit := []int{20, 60, 150, 300, 300, 600, 1200, 3000}[i%8]
		if i%8 == 7 && i%64 != 7 {
			limit = 600 // the largest symbols are slow in go-qrcode
		}
		texts = append(texts, mixedText(rng, 1+rng.IntN(limit)))
		levels = append(levels, Level(rng.IntN(4)))
	}
	checkGo(t, texts, levels)
}

// certificateURL returns a random text of the shape of a certificate's QR
// code (translog.FormatQR): a base URL, a code, the event ID, the signing
// time in Unix milliseconds and base64url hashes and signature.
func certificateURL(rng *rand.Rand) string {
	bases := []string{
		"https://ikrar.example.go.id",
		"https://ikrar.deliserdangkab.go.id",
		"https://ikrar.id",
		"https://sertifikat.jatimprov.go.id/ikrar",
		"http://localhost:8080",
		"https://IKRAR.GO.ID",
	}
	base := bases[rng.IntN(len(bases))]
	if rng.IntN(3) == 0 {
		base = "https://ikrar." + randomText(rng, "abcdefghijklmnopqrstuvwxyz", 3+rng.IntN(15)) + "kab.go.id"
	}
	b64 := func(n int) string {
		raw := make([]byte, n)
		for i := range raw {
			raw[i] = byte(rng.Uint32())
		}
		return base64.RawURLEncoding.EncodeToString(raw)
	}
	pledge := b64([]int{16, 32}[rng.IntN(2)])    // 22 or 43 characters
	signature := b64([]int{64, 68}[rng.IntN(2)]) // 86 or 91
	return base + "/v/" + randomText(rng, digits+alphanumericOnly[:26], 8+rng.IntN(9)) +
		"?e=" + strconv.Itoa(1+rng.IntN(99999)) +
		"&t=" + strconv.FormatInt(1577836800000+rng.Int64N(15*365*86400*1000), 10) +
		"&p=" + pledge + "&i=" + b64(16) + "&s=" + signature
}

// TestCertificateURLsMatchGoQRCode checks texts like certificates', at
// level M as they are drawn, and at the other levels.
func TestCertificateURLsMatchGoQRCode(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(15, 16))
	n := 2000
	if testing.Short() {
		n = 200
	}
	texts := []string{certificateText}
	levels := []Level{M}
	for i := range n {
		texts = append(texts, certificateURL(rng))
		levels = append(levels, [8]Level{M, M, M, M, M, L, Q, H}[i%8])
	}
	checkGo(t, texts, levels)
}

// TestEdgesMatchGoQRCode checks texts at the corners of go-qrcode's rule
// (data.go): columns of Table 3 refused for a count that does not fit,
// ties, and the versions around the column boundaries.
func TestEdgesMatchGoQRCode(t *testing.T) {
	t.Parallel()
	rep := strings.Repeat
	texts := []string{
		"0", "A", "a", "\x00", "\xff", "01", "0A", "A0", "a0", "0a", "aA", "Aa",
		"abc123", "abc1234", "ABC12345", "ABC123456", "1A2B3C4D5E6F", "https://example.org/",
		// Merging a run of digits would make a byte segment longer than
		// 255 characters: versions 1–9 refused, though version 7 at L
		// would hold it.
		"a" + rep("7", 300),
		rep("a", 200) + rep("7", 56),
		// The whole text as one byte segment is longer than 255
		// characters: versions 1–9 refused.
		"a" + rep("A1", 128),
		rep("A", 511) + "1", rep("A", 512), rep("7", 1023), rep("7", 1024), rep("7", 1000) + "A",
		rep("a", 255), rep("a", 256),
		certificateText, certificateText[:146],
	}
	var all []string
	var levels []Level
	for _, text := range texts {
		for level := range Level(4) {
			all = append(all, text)
			levels = append(levels, level)
		}
	}
	// Texts that go-qrcode puts in versions 9, 10, 26 and 27.
	for _, v := range []int{9, 10, 26, 27} {
		for level := range Level(4) {
			for _, text := range []string{
				rep("a", capacity(modeByte, v, level)),
				rep("a", capacity(modeByte, v-1, level)+1),
				rep("A", capacity(modeAlphanumeric, v, level)),
				rep("7", capacity(modeNumeric, v, level)),
				"a" + rep("7", capacity(modeNumeric, v, level)-4),
				rep("Ab1", capacity(modeByte, v, level)/2),
			} {
				all = append(all, text)
				levels = append(levels, level)
			}
		}
	}
	checkGo(t, all, levels)
}

// TestSegments checks the segmentation of data.go on examples worked by
// hand.
func TestSegments(t *testing.T) {
	type seg struct {
		mode mode
		text string
	}
	tests := []struct {
		text string
		r    int // column of Table 3
		want []seg
		ok   bool
	}{
		// byte "abc" 36 bits, numeric "1234" 28: 64 against 68 as one
		// byte segment.
		{"abc1234", 0, []seg{{modeByte, "abc"}, {modeNumeric, "1234"}}, true},
		// "123" alone costs 24 bits, as much as in the byte segment: not
		// merged, but then one byte segment, 60 bits, is as short.
		{"abc123", 0, []seg{{modeByte, "abc123"}}, true},
		// 41 + 44 bits against 90 merged or as one segment.
		{"HELLO123456789", 0, []seg{{modeAlphanumeric, "HELLO"}, {modeNumeric, "123456789"}}, true},
		// Digits first: the letters are of a higher class and start a
		// segment of their own; one alphanumeric segment is shorter.
		{"123ABC", 0, []seg{{modeAlphanumeric, "123ABC"}}, true},
		{rep("1", 20) + rep("A", 10), 0, []seg{{modeNumeric, rep("1", 20)}, {modeAlphanumeric, rep("A", 10)}}, true},
		// Digits between letters join the alphanumeric segment when that
		// is shorter, and both letter runs then stay in it.
		{"AB12CD" + rep("5", 10), 0, []seg{{modeAlphanumeric, "AB12CD"}, {modeNumeric, rep("5", 10)}}, true},
		// A byte segment swallows the letters and the digits after it
		// that cost less in it than apart.
		{"ab" + "C1" + "d" + rep("9", 12), 0, []seg{{modeByte, "abC1d"}, {modeNumeric, rep("9", 12)}}, true},
		// The count indicator of bytes is 8 bits wide in versions 1–9,
		// 16 in 10–26: joining the digits is tried, and refused, only
		// in the first column.
		{"a" + rep("7", 300), 0, nil, false},
		{"a" + rep("7", 300), 1, []seg{{modeByte, "a"}, {modeNumeric, rep("7", 300)}}, true},
		{"a" + rep("A1", 128), 0, nil, false},
	}
	for _, tt := range tests {
		runs, highest := classify(nil, tt.text)
		segs, bits, ok := merge(nil, tt.text, runs, highest, tt.r)
		if ok != tt.ok {
			t.Errorf("%.40q in column %d: ok %v, want %v", tt.text, tt.r, ok, tt.ok)
			continue
		}
		if !ok {
			continue
		}
		var got []seg
		sum := 0
		for _, s := range segs {
			got = append(got, seg{s.mode, s.text})
			b, _ := segmentBits(s.mode, len(s.text), tt.r)
			sum += b
		}
		if !slices.Equal(got, tt.want) || sum != bits {
			t.Errorf("%.40q in column %d: %v, %d bits (sum %d); want %v", tt.text, tt.r, got, bits, sum, tt.want)
		}
	}
}

func rep(s string, n int) string { return strings.Repeat(s, n) }

// TestRSMatchesGoQRCode checks the error correction codewords of random
// blocks, for every degree of Table 9, against go-qrcode's Reed–Solomon
// encoder.
func TestRSMatchesGoQRCode(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for degree, gen := range generators {
		if gen == nil {
			continue
		}
		for range 20 {
			data := make([]byte, 1+rng.IntN(150))
			for i := range data {
				data[i] = byte(rng.Uint32())
			}
			if rng.IntN(4) == 0 {
				data[0] = 0 // a leading zero codeword
			}
			ecc := make([]byte, degree)
			rsRemainder(data, ecc, gen)

			in := bitset.New()
			in.AppendBytes(data)
			out := reedsolomon.Encode(in, degree)
			want := make([]byte, degree)
			for i := range want {
				want[i] = out.ByteAt(8 * (len(data) + i))
			}
			if !slices.Equal(ecc, want) {
				t.Fatalf("degree %d, data % x:\necc % x\nwant % x", degree, data, ecc, want)
			}
		}
	}
}
