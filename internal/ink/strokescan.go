package ink

import (
	"cmp"
	"encoding/binary"
	"math"
	"math/bits"
	"strconv"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// This file decodes signature_pad's toData() JSON into []rawStroke without
// encoding/json. ParseStrokes runs for every drawn signature, and
// encoding/json's reflection-driven decoder made it about a quarter of the
// signing server's CPU; this scanner knows the one shape it decodes and
// does the same work several times faster, with no allocations once the
// pooled buffer has room for the drawing.
//
// It accepts exactly the inputs json.Unmarshal accepts into a fresh
// []rawStroke and leaves exactly the values it leaves; the differential
// tests and FuzzParseStrokesMatchesJSON hold it to that. Concretely:
//
//   - The whole input must be one JSON value as encoding/json's scanner
//     reads it (RFC 8259 grammar, at most 10000 levels of nesting,
//     whitespace only after the value), including in values it ignores.
//     Bytes that are not UTF-8 are allowed inside strings.
//   - Keys match the fields case-insensitively as encoding/json folds them
//     (after unescaping; "POINTS", "\u0078" and "pointſ" all match), keys
//     it does not know are skipped with their values, and when a key
//     repeats the later value is decoded over the earlier one.
//   - A slice is filled in place the way encoding/json fills one: element i
//     is decoded over whatever the slice already holds there (so a repeated
//     "points" key merges into the earlier points), the slice is truncated
//     to the new array's length, and an empty array or null replaces it.
//   - null leaves a number or a stroke or point object as it was.
//   - x and y convert as strconv.ParseFloat does (a value beyond float64's
//     range is an error); time must be an integer within int64, so a
//     fraction or an exponent is an error as it is for encoding/json.
//
// Any failure is an error: encoding/json reports syntax errors before it
// decodes anything and type errors after decoding the rest, but
// ParseStrokes gives the signer the same message either way, so the
// scanner stops at the first problem it finds.

// maxJSONDepth is encoding/json's limit on nested arrays and objects.
const maxJSONDepth = 10000

// The nesting depths of the objects holding values we skip, counted as
// encoding/json counts them: the array of strokes is at depth 1, a stroke
// at 2, its points array at 3 and a point at 4.
const (
	depthStroke = 2
	depthPoint  = 4
)

// field is a key of a stroke or point object.
type field int

const (
	fieldOther field = iota
	fieldX
	fieldY
	fieldTime
	fieldPoints
)

// decodeError says where and why decodeStrokes stopped; ParseStrokes
// wraps it for the logs and shows the signer a generic message.
type decodeError struct {
	off int
	msg string
}

func (e *decodeError) Error() string {
	return "ink: invalid stroke JSON at byte " + strconv.Itoa(e.off) + ": " + e.msg
}

// strokeDecoder is a recursive-descent scanner over one input.
type strokeDecoder struct {
	data []byte
	pos  int
}

// decodeStrokes decodes data into *buf, whose backing array must hold, up
// to its capacity, strokes with no points and zeroed room for more, as
// putBuf leaves it. On error *buf still covers every element the decode
// wrote to, so putBuf can clear them.
func decodeStrokes(data []byte, buf *[]rawStroke) error {
	d := strokeDecoder{data: data}
	d.skipSpace()
	if err := d.strokes(buf); err != nil {
		return err
	}
	d.skipSpace()
	if d.pos != len(d.data) {
		return d.fail("data after the top-level value")
	}
	return nil
}

func (d *strokeDecoder) fail(msg string) error {
	return &decodeError{off: d.pos, msg: msg}
}

// peek returns the next byte, or 0 at the end of the input: 0 is not
// valid anywhere in JSON, so callers need no separate end check.
func (d *strokeDecoder) peek() byte {
	if d.pos < len(d.data) {
		return d.data[d.pos]
	}
	return 0
}

// skipSpace steps over JSON whitespace: space, tab, CR and LF only.
func (d *strokeDecoder) skipSpace() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// literal steps over true, false or null.
func (d *strokeDecoder) literal(word string) error {
	if len(d.data)-d.pos < len(word) || string(d.data[d.pos:d.pos+len(word)]) != word {
		return d.fail("invalid literal")
	}
	d.pos += len(word)
	return nil
}

// strokes decodes the top-level value: the array of strokes, or null.
func (d *strokeDecoder) strokes(buf *[]rawStroke) error {
	switch d.peek() {
	case 'n':
		// encoding/json sets the slice to nil; an empty one reads the
		// same and keeps the pooled capacity.
		*buf = (*buf)[:0]
		return d.literal("null")
	case '[':
	default:
		return d.fail("strokes are not an array")
	}
	d.pos++
	d.skipSpace()
	*buf = (*buf)[:0]
	if d.peek() == ']' {
		d.pos++
		return nil
	}
	for i := 0; ; i++ {
		*buf = slot(*buf, i)
		if err := d.stroke(&(*buf)[i]); err != nil {
			return err
		}
		if more, err := d.arrayNext(); err != nil || !more {
			return err
		}
	}
}

// stroke decodes one element of the array of strokes into s.
func (d *strokeDecoder) stroke(s *rawStroke) error {
	switch d.peek() {
	case 'n':
		return d.literal("null")
	case '{':
	default:
		return d.fail("stroke is not an object")
	}
	d.pos++
	for more := d.objectStart(); more; {
		f, err := d.key()
		if err != nil {
			return err
		}
		if f == fieldPoints {
			err = d.points(&s.Points)
		} else {
			err = d.skipValue(depthStroke)
		}
		if err != nil {
			return err
		}
		if more, err = d.objectNext(); err != nil {
			return err
		}
	}
	return nil
}

// points decodes a stroke's points array into *ps. On error *ps still
// covers every element the decode wrote to.
func (d *strokeDecoder) points(ps *[]rawPoint) error {
	switch d.peek() {
	case 'n':
		*ps = nil
		return d.literal("null")
	case '[':
	default:
		return d.fail("points are not an array")
	}
	d.pos++
	d.skipSpace()
	if d.peek() == ']' {
		d.pos++
		// encoding/json puts a new empty slice here, so a later
		// "points" key starts from zeroed elements again.
		*ps = (*ps)[:0:0]
		return nil
	}
	for i := 0; ; i++ {
		*ps = slot(*ps, i)
		if err := d.point(&(*ps)[i]); err != nil {
			return err
		}
		more, err := d.arrayNext()
		if err != nil {
			return err
		}
		if !more {
			*ps = (*ps)[:i+1]
			return nil
		}
	}
}

// point decodes one element of a points array into p.
func (d *strokeDecoder) point(p *rawPoint) error {
	switch d.peek() {
	case 'n':
		return d.literal("null")
	case '{':
	default:
		return d.fail("point is not an object")
	}
	d.pos++
	for more := d.objectStart(); more; {
		f, err := d.key()
		if err != nil {
			return err
		}
		switch f {
		case fieldX:
			err = d.floatField(&p.X)
		case fieldY:
			err = d.floatField(&p.Y)
		case fieldTime:
			err = d.intField(&p.Time)
		default:
			err = d.skipValue(depthPoint)
		}
		if err != nil {
			return err
		}
		if more, err = d.objectNext(); err != nil {
			return err
		}
	}
	return nil
}

// slot returns s extended to hold element i, i <= len(s), as encoding/json
// extends a slice it decodes into: an element within the capacity keeps
// what it holds, one beyond it starts at zero.
func slot[T any](s []T, i int) []T {
	switch {
	case i < len(s):
		return s
	case i < cap(s):
		return s[:i+1]
	}
	var zero T
	return append(s, zero)
}

// arrayNext steps over the comma before the next element, reporting true,
// or the closing bracket, reporting false.
func (d *strokeDecoder) arrayNext() (more bool, err error) {
	d.skipSpace()
	switch d.peek() {
	case ',':
		d.pos++
		d.skipSpace()
		return true, nil
	case ']':
		d.pos++
		return false, nil
	}
	return false, d.fail("expected , or ] after array element")
}

// objectStart is called after an object's opening brace; it steps over
// the closing brace of an empty object, or reports that a member follows.
func (d *strokeDecoder) objectStart() (more bool) {
	d.skipSpace()
	if d.peek() == '}' {
		d.pos++
		return false
	}
	return true
}

// objectNext steps over the comma before the next member, reporting true,
// or the closing brace, reporting false.
func (d *strokeDecoder) objectNext() (more bool, err error) {
	d.skipSpace()
	switch d.peek() {
	case ',':
		d.pos++
		d.skipSpace()
		return true, nil
	case '}':
		d.pos++
		return false, nil
	}
	return false, d.fail("expected , or } after object member")
}

// key reads an object key and the colon after it, and returns the field
// it names.
func (d *strokeDecoder) key() (field, error) {
	if d.peek() != '"' {
		return fieldOther, d.fail("expected object key")
	}
	start := d.pos + 1
	plain, err := d.skipString()
	if err != nil {
		return fieldOther, err
	}
	name := d.data[start : d.pos-1]
	f := fieldOther
	if plain {
		f = plainField(name)
	} else {
		f = foldedField(name)
	}
	d.skipSpace()
	if d.peek() != ':' {
		return fieldOther, d.fail("expected : after object key")
	}
	d.pos++
	d.skipSpace()
	return f, nil
}

// plainField names the field a key of ASCII without escapes matches,
// ignoring case as encoding/json does.
func plainField(name []byte) field {
	switch len(name) {
	case 1:
		switch name[0] | 0x20 {
		case 'x':
			return fieldX
		case 'y':
			return fieldY
		}
	case 4:
		if asciiEqualFold(name, "time") {
			return fieldTime
		}
	case 6:
		if asciiEqualFold(name, "points") {
			return fieldPoints
		}
	}
	return fieldOther
}

// asciiEqualFold reports whether b is lower, an ASCII word in lower case,
// in any mix of cases.
func asciiEqualFold(b []byte, lower string) bool {
	for i := range len(lower) {
		// For a letter c, c|0x20 is its lower case; only c and c-0x20
		// map to it.
		if b[i]|0x20 != lower[i] {
			return false
		}
	}
	return true
}

// foldedField names the field a key with escapes or non-ASCII bytes
// matches. It unescapes the key as encoding/json does (an invalid
// surrogate or invalid UTF-8 becomes U+FFFD) and folds each rune to the
// smallest of its case-fold set, as encoding/json's foldName does, so
// "\u0058", "TİME" (no match) and "pointſ" (a match) go the same way.
// The key has been validated by skipString.
func foldedField(name []byte) field {
	var folded [len("points") + 1]rune
	n := 0
	for i := 0; i < len(name); {
		var r rune
		r, i = keyRune(name, i)
		if n == len(folded) {
			return fieldOther
		}
		folded[n] = foldRune(r)
		n++
	}
	switch k := folded[:n]; {
	case runesAre(k, "X"):
		return fieldX
	case runesAre(k, "Y"):
		return fieldY
	case runesAre(k, "TIME"):
		return fieldTime
	case runesAre(k, "POINTS"):
		return fieldPoints
	}
	return fieldOther
}

// keyRune decodes the rune of a JSON string's contents at s[i] as
// encoding/json's unquote does and returns it with the index after it.
func keyRune(s []byte, i int) (rune, int) {
	c := s[i]
	if c >= utf8.RuneSelf {
		r, size := utf8.DecodeRune(s[i:])
		return r, i + size
	}
	if c != '\\' || i+1 >= len(s) {
		return rune(c), i + 1
	}
	switch s[i+1] {
	case 'b':
		return '\b', i + 2
	case 'f':
		return '\f', i + 2
	case 'n':
		return '\n', i + 2
	case 'r':
		return '\r', i + 2
	case 't':
		return '\t', i + 2
	case 'u':
		r := hex4(s[i+2:])
		if r < 0 {
			return utf8.RuneError, len(s) // not reached: validated
		}
		i += 6
		if utf16.IsSurrogate(r) {
			if i+1 < len(s) && s[i] == '\\' && s[i+1] == 'u' {
				if dec := utf16.DecodeRune(r, hex4(s[i+2:])); dec != utf8.RuneError {
					return dec, i + 6
				}
			}
			return utf8.RuneError, i
		}
		return r, i
	}
	return rune(s[i+1]), i + 2 // \" \\ \/
}

// hex4 decodes the four hex digits at the start of b, or returns -1.
func hex4(b []byte) rune {
	if len(b) < 4 {
		return -1
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

// foldRune folds r as encoding/json does: ASCII to upper case, anything
// else to the smallest rune of its simple case-fold set.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'a' <= r && r <= 'z' {
			r -= 'a' - 'A'
		}
		return r
	}
	for {
		r2 := unicode.SimpleFold(r)
		if r2 <= r {
			return r2
		}
		r = r2
	}
}

// runesAre reports whether rs spells the ASCII string s.
func runesAre(rs []rune, s string) bool {
	if len(rs) != len(s) {
		return false
	}
	for i, r := range rs {
		if r != rune(s[i]) {
			return false
		}
	}
	return true
}

// floatField decodes x or y: a number into *dst, or null, which leaves
// *dst as it was.
func (d *strokeDecoder) floatField(dst *float64) error {
	switch c := d.peek(); {
	case c == 'n':
		return d.literal("null")
	case c == '-' || isDigit(c):
		v, err := d.float()
		if err != nil {
			return err
		}
		*dst = v
		return nil
	}
	return d.fail("coordinate is not a number")
}

// intField decodes time: an integer into *dst, or null, which leaves *dst
// as it was.
func (d *strokeDecoder) intField(dst *int64) error {
	switch c := d.peek(); {
	case c == 'n':
		return d.literal("null")
	case c == '-' || isDigit(c):
		v, err := d.int()
		if err != nil {
			return err
		}
		*dst = v
		return nil
	}
	return d.fail("time is not a number")
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// float reads a JSON number and converts it as strconv.ParseFloat does:
// decimalToFloat takes the numbers browsers write, ParseFloat the rest.
func (d *strokeDecoder) float() (float64, error) {
	start := d.pos
	neg := d.peek() == '-'
	if neg {
		d.pos++
	}
	var (
		mant  uint64 // the significant digits
		exp   int    // the power of ten mant is scaled by
		exact = true // whether mant holds every significant digit
	)
	switch c := d.peek(); {
	case c == '0':
		d.pos++
	case '1' <= c && c <= '9':
		mant, _, exact = d.digits(0)
	default:
		return 0, d.fail("invalid number")
	}
	if d.peek() == '.' {
		d.pos++
		if !isDigit(d.peek()) {
			return 0, d.fail("invalid number")
		}
		var n int
		var all bool
		mant, n, all = d.digits(mant)
		exp, exact = -n, exact && all
	}
	if c := d.peek(); c == 'e' || c == 'E' {
		d.pos++
		eneg := false
		switch d.peek() {
		case '-':
			eneg = true
			d.pos++
		case '+':
			d.pos++
		}
		if !isDigit(d.peek()) {
			return 0, d.fail("invalid number")
		}
		e := 0
		for d.pos < len(d.data) && isDigit(d.data[d.pos]) {
			if e < 1000 {
				e = e*10 + int(d.data[d.pos]-'0')
			}
			d.pos++
		}
		if eneg {
			e = -e
		}
		exp += e
	}

	if exact {
		if f, ok := decimalToFloat(mant, exp); ok {
			if neg {
				f = -f
			}
			return f, nil
		}
	}
	f, err := strconv.ParseFloat(string(d.data[start:d.pos]), 64)
	if err != nil {
		return 0, d.fail("number out of range")
	}
	return f, nil
}

// digits reads the run of digits at d.pos onto mant while mant has room
// (19 significant digits always fit in a uint64), and returns it with how
// many digits it took and whether it took them all. Eight digits at a time
// when it can: browsers write coordinates with up to 17.
func (d *strokeDecoder) digits(mant uint64) (m uint64, taken int, all bool) {
	data, i := d.data, d.pos
	for mant < 1e10 && len(data)-i >= 8 {
		v := binary.LittleEndian.Uint64(data[i:])
		if !eightDigits(v) {
			break
		}
		mant = mant*1e8 + eightDigitsValue(v)
		taken += 8
		i += 8
	}
	all = true
	for ; i < len(data); i++ {
		c := data[i] - '0'
		if c > 9 {
			break
		}
		if mant >= 1e18 {
			all = false
			continue
		}
		mant = mant*10 + uint64(c)
		taken++
	}
	d.pos = i
	return mant, taken, all
}

// eightDigits reports whether the eight bytes of v are all ASCII digits:
// bytes whose high nibble is 3 both as they are and with 6 added, which
// lifts ':' to '?' out of that row. (A byte that carries into the next
// fails itself.)
func eightDigits(v uint64) bool {
	return v&(v+0x0606060606060606)&0xf0f0f0f0f0f0f0f0 == 0x3030303030303030
}

// eightDigitsValue returns the number eight ASCII digits spell, the first
// in the low byte of v, by combining pairs, then fours, then eights.
func eightDigitsValue(v uint64) uint64 {
	v = (v & 0x0f0f0f0f0f0f0f0f) * (1 + 10<<8) >> 8
	v = (v & 0x00ff00ff00ff00ff) * (1 + 100<<16) >> 16
	return (v & 0x0000ffff0000ffff) * (1 + 10000<<32) >> 32
}

// exactPow10 holds the powers of ten a float64 represents exactly.
var exactPow10 = [...]float64{
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
}

// pow10u holds the powers of ten a uint64 holds, up to 10^19.
var pow10u = func() (p [20]uint64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// decimalToFloat returns mant×10^exp rounded to the nearest float64, ties
// to even, as strconv.ParseFloat rounds it, for the cases it can settle
// quickly; ok is false for the rest.
//
// When mant fits in 53 bits and the power of ten is exact, one
// multiplication or division rounds correctly (ParseFloat takes the same
// shortcut). Browsers, though, write coordinates with 16 or 17 digits
// (float32 positions scaled by the device pixel ratio, printed as the
// shortest float64), which ParseFloat often settles only with its slow
// multi-precision fallback. For those nearestQuotient checks a candidate
// against the exact quotient in 128-bit integers instead.
func decimalToFloat(mant uint64, exp int) (f float64, ok bool) {
	switch {
	case mant <= 1<<53 && 0 <= exp && exp < len(exactPow10):
		return float64(mant) * exactPow10[exp], true
	case mant <= 1<<53 && -len(exactPow10) < exp && exp < 0:
		return float64(mant) / exactPow10[-exp], true
	case -len(pow10u) < exp && exp < 0:
		return nearestQuotient(mant, -exp)
	}
	return 0, false
}

// nearestQuotient returns mant/10^k (mant > 2^53, 1 <= k <= 19) rounded to
// the nearest float64, ties to even, when 128 bits suffice to prove it.
func nearestQuotient(mant uint64, k int) (float64, bool) {
	// Two roundings put the candidate within two units in the last place
	// of the answer; step towards it while the exact test says to.
	f := float64(mant) / exactPow10[k]
	for range 4 {
		dir, ok := roundsTo(mant, k, f)
		switch {
		case !ok:
			return 0, false
		case dir < 0:
			f = math.Nextafter(f, 0)
		case dir > 0:
			f = math.Nextafter(f, math.Inf(1))
		default:
			return f, true
		}
	}
	return 0, false
}

// roundsTo reports whether v = mant/10^k rounds to the positive normal
// float64 f (dir 0), or whether v lies below (-1) or above (+1) the values
// that round to f. ok is false when the test needs more than 128 bits.
func roundsTo(mant uint64, k int, f float64) (dir int, ok bool) {
	b := math.Float64bits(f)
	e := int(b >> 52 & 0x7ff)
	if e == 0 || e == 0x7ff {
		return 0, false // not a positive normal number
	}
	m := b&(1<<52-1) | 1<<52 // f = m×2^q
	q := e - 1075

	// Above the midpoint to the next float up, or on it with m odd
	// (a tie goes to the even neighbour)?
	c, ok := cmpQuotient(mant, k, 2*m+1, q-1)
	if !ok {
		return 0, false
	}
	if c > 0 || c == 0 && m&1 == 1 {
		return 1, true
	}
	// The same for the float below, which is half as far when m is a
	// power of two.
	if m == 1<<52 {
		c, ok = cmpQuotient(mant, k, 4*m-1, q-2)
	} else {
		c, ok = cmpQuotient(mant, k, 2*m-1, q-1)
	}
	if !ok {
		return 0, false
	}
	if c < 0 || c == 0 && m&1 == 1 {
		return -1, true
	}
	return 0, true
}

// cmpQuotient compares mant/10^k with a×2^p (a < 2^55, k <= 19) exactly:
// it compares mant×2^-p with a×10^k, both in 128 bits. ok is false when
// p > 0 or mant×2^-p does not fit.
func cmpQuotient(mant uint64, k int, a uint64, p int) (c int, ok bool) {
	s := -p
	if s < 0 || bits.Len64(mant)+s > 128 {
		return 0, false
	}
	var lhi, llo uint64 // mant×2^s
	if s >= 64 {
		lhi = mant << (s - 64)
	} else {
		lhi, llo = mant>>(64-s), mant<<s
	}
	rhi, rlo := bits.Mul64(a, pow10u[k])
	if lhi != rhi {
		return cmp.Compare(lhi, rhi), true
	}
	return cmp.Compare(llo, rlo), true
}

// int reads a JSON number that must be an integer within int64, as
// strconv.ParseInt requires: a fraction or an exponent is an error.
func (d *strokeDecoder) int() (int64, error) {
	neg := d.peek() == '-'
	if neg {
		d.pos++
	}
	var n uint64
	switch c := d.peek(); {
	case c == '0':
		d.pos++
	case '1' <= c && c <= '9':
		var all bool
		if n, _, all = d.digits(0); !all {
			return 0, d.fail("integer out of range") // more than 19 digits
		}
	default:
		return 0, d.fail("invalid number")
	}
	switch c := d.peek(); {
	case c == '.' || c == 'e' || c == 'E':
		return 0, d.fail("time is not an integer")
	case neg && n <= 1<<63:
		return -int64(n), nil // -int64(1<<63) wraps to math.MinInt64, as wanted
	case !neg && n <= math.MaxInt64:
		return int64(n), nil
	}
	return 0, d.fail("integer out of range")
}

// skipNumber steps over a JSON number without converting it.
func (d *strokeDecoder) skipNumber() error {
	if d.peek() == '-' {
		d.pos++
	}
	switch c := d.peek(); {
	case c == '0':
		d.pos++
	case '1' <= c && c <= '9':
		d.skipDigits()
	default:
		return d.fail("invalid value")
	}
	if d.peek() == '.' {
		d.pos++
		if !isDigit(d.peek()) {
			return d.fail("invalid number")
		}
		d.skipDigits()
	}
	if c := d.peek(); c == 'e' || c == 'E' {
		d.pos++
		if c := d.peek(); c == '+' || c == '-' {
			d.pos++
		}
		if !isDigit(d.peek()) {
			return d.fail("invalid number")
		}
		d.skipDigits()
	}
	return nil
}

func (d *strokeDecoder) skipDigits() {
	for d.pos < len(d.data) && isDigit(d.data[d.pos]) {
		d.pos++
	}
}

// skipString steps over the string at d.pos, checking its escapes and
// that it holds no control characters, as encoding/json's scanner does.
// It reports whether the string is plain: ASCII without escapes.
func (d *strokeDecoder) skipString() (plain bool, err error) {
	d.pos++ // the opening quote
	plain = true
	for d.pos < len(d.data) {
		switch c := d.data[d.pos]; {
		case c == '"':
			d.pos++
			return plain, nil
		case c == '\\':
			plain = false
			if err := d.skipEscape(); err != nil {
				return false, err
			}
		case c < 0x20:
			return false, d.fail("control character in string")
		default:
			if c >= utf8.RuneSelf {
				plain = false
			}
			d.pos++
		}
	}
	return false, d.fail("unterminated string")
}

// skipEscape steps over the escape sequence at d.pos.
func (d *strokeDecoder) skipEscape() error {
	d.pos++ // the backslash
	switch d.peek() {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		d.pos++
		return nil
	case 'u':
		if hex4(d.data[d.pos+1:]) < 0 {
			return d.fail("invalid \\u escape")
		}
		d.pos += 5
		return nil
	}
	return d.fail("invalid escape")
}

// skipValue validates and steps over the value of a key we do not keep.
// depth is the nesting depth of the object holding it.
func (d *strokeDecoder) skipValue(depth int) error {
	switch d.peek() {
	case '{', '[':
		return d.skipContainer(depth)
	default:
		return d.skipScalar()
	}
}

// skipScalar steps over a string, number, true, false or null.
func (d *strokeDecoder) skipScalar() error {
	switch d.peek() {
	case '"':
		_, err := d.skipString()
		return err
	case 't':
		return d.literal("true")
	case 'f':
		return d.literal("false")
	case 'n':
		return d.literal("null")
	}
	return d.skipNumber()
}

// skipContainer validates and steps over the array or object at d.pos,
// nested in depth levels already. It keeps a stack of the brackets it has
// to close rather than recursing, so the 10000 levels encoding/json allows
// cost no goroutine stack.
func (d *strokeDecoder) skipContainer(depth int) error {
	var inline [32]byte
	closers := inline[:0]
	for {
		// d.pos is at a value: open a container, or skip a scalar.
		switch c := d.peek(); c {
		case '{', '[':
			if depth+len(closers)+1 > maxJSONDepth {
				return d.fail("exceeded max depth")
			}
			d.pos++
			d.skipSpace()
			closer := byte(']')
			if c == '{' {
				closer = '}'
			}
			if d.peek() == closer {
				d.pos++
				break // an empty container is a complete value
			}
			closers = append(closers, closer)
			if c == '{' {
				if _, err := d.key(); err != nil {
					return err
				}
			}
			continue // to its first value
		default:
			if err := d.skipScalar(); err != nil {
				return err
			}
		}
		// A value is complete: close containers until one has another
		// element, or the outermost one is closed.
		for {
			if len(closers) == 0 {
				return nil
			}
			closer := closers[len(closers)-1]
			d.skipSpace()
			c := d.peek()
			if c == closer {
				d.pos++
				closers = closers[:len(closers)-1]
				continue
			}
			if c != ',' {
				return d.fail("expected , or closing bracket")
			}
			d.pos++
			d.skipSpace()
			if closer == '}' {
				if _, err := d.key(); err != nil {
					return err
				}
			}
			break
		}
	}
}
