package qr

// Reed–Solomon error correction over GF(2⁸) (7.5.2): the field is built on
// the primitive polynomial x⁸+x⁴+x³+x²+1 with α = 2, and the error
// correction codewords of a block are the remainder of the data, as a
// polynomial times x^n, divided by the generator polynomial
// (x−α⁰)(x−α¹)…(x−α^(n−1)) of degree n.

// primitive is the field's primitive polynomial, 0x11d.
const primitive = 1<<8 | 1<<4 | 1<<3 | 1<<2 | 1

// gfExp[i] is α^i. It runs over two periods of 255, so that the sum of two
// logarithms indexes it without a modulo.
var gfExp [2 * 255]byte

// gfLog[x] is the logarithm to base α of x, for x ≠ 0.
var gfLog [256]byte

// generators[n] holds the coefficients of the generator polynomial of
// degree n as logarithms, highest degree first, without the leading 1; it
// is set for the degrees of Table 9. None of these coefficients is zero
// (TestGenerators), so each has a logarithm.
var generators [31][]byte

func init() {
	x := 1
	for i := range 255 {
		gfExp[i], gfExp[i+255] = byte(x), byte(x)
		gfLog[x] = byte(i)
		x <<= 1
		if x&0x100 != 0 {
			x ^= primitive
		}
	}
	for _, v := range versionTable[1:] {
		for _, b := range v.blocks {
			if generators[b.perBlock] == nil {
				generators[b.perBlock] = generatorLogs(int(b.perBlock))
			}
		}
	}
}

// gfMul multiplies in GF(2⁸).
func gfMul(a, b byte) byte {
	if a == 0 || b == 0 {
		return 0
	}
	return gfExp[int(gfLog[a])+int(gfLog[b])]
}

// generatorPoly returns the generator polynomial of degree n, highest
// degree first, the leading 1 included.
func generatorPoly(n int) []byte {
	g := make([]byte, 1, n+1)
	g[0] = 1
	for i := range n {
		// g ← g·(x + αⁱ); minus is plus in GF(2⁸).
		root := gfExp[i]
		g = append(g, 0)
		for j := len(g) - 1; j > 0; j-- {
			g[j] ^= gfMul(g[j-1], root)
		}
	}
	return g
}

// generatorLogs is generatorPoly(n) without its leading 1, as logarithms.
func generatorLogs(n int) []byte {
	g := generatorPoly(n)[1:]
	logs := make([]byte, n)
	for i, c := range g {
		logs[i] = gfLog[c]
	}
	return logs
}

// rsRemainder sets ecc, of the generator's degree, to the error correction
// codewords of data: polynomial long division done as a shift register.
func rsRemainder(data, ecc []byte, gen []byte) {
	clear(ecc)
	last := len(ecc) - 1
	gen = gen[:len(ecc)]
	for _, d := range data {
		factor := d ^ ecc[0]
		copy(ecc, ecc[1:])
		ecc[last] = 0
		if factor == 0 {
			continue
		}
		f := int(gfLog[factor])
		for i, g := range gen {
			ecc[i] ^= gfExp[f+int(g)]
		}
	}
}

// interleave computes the error correction codewords of each block of data
// laid out as lay, into ecc, and writes the final sequence of codewords to
// out (7.6): the first data codeword of every block, then the second, and
// so on, the longer blocks finishing alone, then the error correction
// codewords the same way.
func interleave(out, data, ecc []byte, lay blockLayout) {
	per := lay.ecPerBlock
	gen := generators[per]
	start := 0
	for b := range lay.blocks {
		n := lay.shortLen
		if b >= lay.short {
			n++
		}
		rsRemainder(data[start:start+n], ecc[b*per:(b+1)*per], gen)
		start += n
	}

	k := 0
	for i := range lay.shortLen + 1 {
		for b := range lay.blocks {
			if b < lay.short {
				if i == lay.shortLen {
					continue
				}
				out[k] = data[b*lay.shortLen+i]
			} else {
				out[k] = data[b*lay.shortLen+(b-lay.short)+i]
			}
			k++
		}
	}
	for i := range per {
		for b := range lay.blocks {
			out[k] = ecc[b*per+i]
			k++
		}
	}
}
