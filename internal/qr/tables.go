package qr

// ecBlocks is the error correction of a version at one level: every block
// has perBlock error correction codewords, and there are count blocks.
type ecBlocks struct {
	perBlock uint8
	count    uint8
}

// versionTable is, for versions 1 to 40, the total number of codewords and
// the error correction blocks at levels L, M, Q and H, from ISO/IEC
// 18004:2015 Table 9 ("Error correction characteristics for QR Code"). The
// data codewords are what the error correction leaves; Table 9 splits them
// evenly over the blocks, the last blocks (its second group) taking one
// codeword more when they do not divide evenly, which dataBlocks derives.
var versionTable = [41]struct {
	total  uint16
	blocks [4]ecBlocks // by Level
}{
	1:  {26, [4]ecBlocks{{7, 1}, {10, 1}, {13, 1}, {17, 1}}},
	2:  {44, [4]ecBlocks{{10, 1}, {16, 1}, {22, 1}, {28, 1}}},
	3:  {70, [4]ecBlocks{{15, 1}, {26, 1}, {18, 2}, {22, 2}}},
	4:  {100, [4]ecBlocks{{20, 1}, {18, 2}, {26, 2}, {16, 4}}},
	5:  {134, [4]ecBlocks{{26, 1}, {24, 2}, {18, 4}, {22, 4}}},
	6:  {172, [4]ecBlocks{{18, 2}, {16, 4}, {24, 4}, {28, 4}}},
	7:  {196, [4]ecBlocks{{20, 2}, {18, 4}, {18, 6}, {26, 5}}},
	8:  {242, [4]ecBlocks{{24, 2}, {22, 4}, {22, 6}, {26, 6}}},
	9:  {292, [4]ecBlocks{{30, 2}, {22, 5}, {20, 8}, {24, 8}}},
	10: {346, [4]ecBlocks{{18, 4}, {26, 5}, {24, 8}, {28, 8}}},
	11: {404, [4]ecBlocks{{20, 4}, {30, 5}, {28, 8}, {24, 11}}},
	12: {466, [4]ecBlocks{{24, 4}, {22, 8}, {26, 10}, {28, 11}}},
	13: {532, [4]ecBlocks{{26, 4}, {22, 9}, {24, 12}, {22, 16}}},
	14: {581, [4]ecBlocks{{30, 4}, {24, 9}, {20, 16}, {24, 16}}},
	15: {655, [4]ecBlocks{{22, 6}, {24, 10}, {30, 12}, {24, 18}}},
	16: {733, [4]ecBlocks{{24, 6}, {28, 10}, {24, 17}, {30, 16}}},
	17: {815, [4]ecBlocks{{28, 6}, {28, 11}, {28, 16}, {28, 19}}},
	18: {901, [4]ecBlocks{{30, 6}, {26, 13}, {28, 18}, {28, 21}}},
	19: {991, [4]ecBlocks{{28, 7}, {26, 14}, {26, 21}, {26, 25}}},
	20: {1085, [4]ecBlocks{{28, 8}, {26, 16}, {30, 20}, {28, 25}}},
	21: {1156, [4]ecBlocks{{28, 8}, {26, 17}, {28, 23}, {30, 25}}},
	22: {1258, [4]ecBlocks{{28, 9}, {28, 17}, {30, 23}, {24, 34}}},
	23: {1364, [4]ecBlocks{{30, 9}, {28, 18}, {30, 25}, {30, 30}}},
	24: {1474, [4]ecBlocks{{30, 10}, {28, 20}, {30, 27}, {30, 32}}},
	25: {1588, [4]ecBlocks{{26, 12}, {28, 21}, {30, 29}, {30, 35}}},
	26: {1706, [4]ecBlocks{{28, 12}, {28, 23}, {28, 34}, {30, 37}}},
	27: {1828, [4]ecBlocks{{30, 12}, {28, 25}, {30, 34}, {30, 40}}},
	28: {1921, [4]ecBlocks{{30, 13}, {28, 26}, {30, 35}, {30, 42}}},
	29: {2051, [4]ecBlocks{{30, 14}, {28, 28}, {30, 38}, {30, 45}}},
	30: {2185, [4]ecBlocks{{30, 15}, {28, 29}, {30, 40}, {30, 48}}},
	31: {2323, [4]ecBlocks{{30, 16}, {28, 31}, {30, 43}, {30, 51}}},
	32: {2465, [4]ecBlocks{{30, 17}, {28, 33}, {30, 45}, {30, 54}}},
	33: {2611, [4]ecBlocks{{30, 18}, {28, 35}, {30, 48}, {30, 57}}},
	34: {2761, [4]ecBlocks{{30, 19}, {28, 37}, {30, 51}, {30, 60}}},
	35: {2876, [4]ecBlocks{{30, 19}, {28, 38}, {30, 53}, {30, 63}}},
	36: {3034, [4]ecBlocks{{30, 20}, {28, 40}, {30, 56}, {30, 66}}},
	37: {3196, [4]ecBlocks{{30, 21}, {28, 43}, {30, 59}, {30, 70}}},
	38: {3362, [4]ecBlocks{{30, 22}, {28, 45}, {30, 62}, {30, 74}}},
	39: {3532, [4]ecBlocks{{30, 24}, {28, 47}, {30, 65}, {30, 77}}},
	40: {3706, [4]ecBlocks{{30, 25}, {28, 49}, {30, 68}, {30, 81}}},
}

// alignmentTable is, for each version, the row and column coordinates of
// the centres of the alignment patterns, from ISO/IEC 18004:2015 Annex E,
// Table E.1. Patterns sit at every pairing of two coordinates except the
// three that would overlap a finder pattern.
var alignmentTable = [41][]uint8{
	2:  {6, 18},
	3:  {6, 22},
	4:  {6, 26},
	5:  {6, 30},
	6:  {6, 34},
	7:  {6, 22, 38},
	8:  {6, 24, 42},
	9:  {6, 26, 46},
	10: {6, 28, 50},
	11: {6, 30, 54},
	12: {6, 32, 58},
	13: {6, 34, 62},
	14: {6, 26, 46, 66},
	15: {6, 26, 48, 70},
	16: {6, 26, 50, 74},
	17: {6, 30, 54, 78},
	18: {6, 30, 56, 82},
	19: {6, 30, 58, 86},
	20: {6, 34, 62, 90},
	21: {6, 28, 50, 72, 94},
	22: {6, 26, 50, 74, 98},
	23: {6, 30, 54, 78, 102},
	24: {6, 28, 54, 80, 106},
	25: {6, 32, 58, 84, 110},
	26: {6, 30, 58, 86, 114},
	27: {6, 34, 62, 90, 118},
	28: {6, 26, 50, 74, 98, 122},
	29: {6, 30, 54, 78, 102, 126},
	30: {6, 26, 52, 78, 104, 130},
	31: {6, 30, 56, 82, 108, 134},
	32: {6, 34, 60, 86, 112, 138},
	33: {6, 30, 58, 86, 114, 142},
	34: {6, 34, 62, 90, 118, 146},
	35: {6, 30, 54, 78, 102, 126, 150},
	36: {6, 24, 50, 76, 102, 128, 154},
	37: {6, 28, 54, 80, 106, 132, 158},
	38: {6, 32, 58, 84, 110, 136, 162},
	39: {6, 26, 54, 82, 110, 138, 166},
	40: {6, 30, 58, 86, 114, 142, 170},
}

// levelBits are the error correction level indicators of the format
// information, by Level (Table 12).
var levelBits = [4]uint16{L: 0b01, M: 0b00, Q: 0b11, H: 0b10}

// blockLayout is how a version and level split their codewords.
type blockLayout struct {
	data       int // data codewords in all
	ecPerBlock int
	blocks     int
	short      int // blocks with shortLen data codewords; the rest have one more
	shortLen   int
}

func layoutOf(version int, level Level) blockLayout {
	v := versionTable[version]
	b := v.blocks[level]
	total, per, count := int(v.total), int(b.perBlock), int(b.count)
	data := total - per*count
	return blockLayout{
		data:       data,
		ecPerBlock: per,
		blocks:     count,
		short:      count - data%count,
		shortLen:   data / count,
	}
}

// dataCodewords is the number of data codewords of a version at level.
func dataCodewords(version int, level Level) int {
	v := versionTable[version]
	b := v.blocks[level]
	return int(v.total) - int(b.perBlock)*int(b.count)
}
