package fastpng

import "encoding/binary"

// Adler-32 as zlib streams carry it (RFC 1950).
const (
	adlerMod = 65521
	// adlerBlock is how many bytes are summed between reductions mod
	// adlerMod: the largest multiple of 32 up to 5552, the most that
	// cannot overflow s2.
	adlerBlock = 5536
)

// Adler32 returns the Adler-32 checksum adler extended by p, the same
// as hash/adler32 computes.
//
// It is here rather than hash/adler32 because of what a signature's pixel
// data is: long runs of zeros before it is flattened (filtered transparent
// pixels) and of 0xff after (white). Thirty-two bytes c add 32c to s1 and
// 32·s1 + 528c to s2 in one step, which makes the checksum of a decoded
// 600×200 signature some four times cheaper than a byte at a time.
func Adler32(adler uint32, p []byte) uint32 {
	s1, s2 := adler&0xffff, adler>>16
	for len(p) > 0 {
		n := min(len(p), adlerBlock)
		block := p[:n]
		p = p[n:]
		for len(block) >= 32 {
			q := (*[32]byte)(block)
			block = block[32:]
			v0 := binary.LittleEndian.Uint64(q[0:])
			v1 := binary.LittleEndian.Uint64(q[8:])
			v2 := binary.LittleEndian.Uint64(q[16:])
			v3 := binary.LittleEndian.Uint64(q[24:])
			switch {
			case v0|v1|v2|v3 == 0:
				s2 += 32 * s1
			case v0&v1&v2&v3 == 1<<64-1:
				s2 += 32*s1 + 528*0xff
				s1 += 32 * 0xff
			default:
				s1, s2 = adlerWord(s1, s2, v0)
				s1, s2 = adlerWord(s1, s2, v1)
				s1, s2 = adlerWord(s1, s2, v2)
				s1, s2 = adlerWord(s1, s2, v3)
			}
		}
		for _, c := range block {
			s1 += uint32(c)
			s2 += s1
		}
		s1 %= adlerMod
		s2 %= adlerMod
	}
	return s2<<16 | s1
}

// adlerWord adds the eight bytes of v, little-endian, to the sums: 8·s1
// plus 8, 7, …, 1 times the bytes to s2, and the bytes to s1. The sums of
// bytes are taken four at a time in 16-bit lanes, where they cannot carry
// into each other, by multiplying with the weights.
func adlerWord(s1, s2 uint32, v uint64) (uint32, uint32) {
	const lanes = 0x00ff00ff00ff00ff
	even, odd := v&lanes, v>>8&lanes // bytes 0, 2, 4, 6 and 1, 3, 5, 7
	sum := (even + odd) * 0x0001000100010001 >> 48
	weighted := even*0x0008000600040002>>48 + odd*0x0007000500030001>>48
	return s1 + uint32(sum), s2 + 8*s1 + uint32(weighted)
}
