// Package rostertest makes hostile roster files for tests and benchmarks:
// they are what a hostile tenant uploads, so the parsers' bounds can be
// proven against them.
package rostertest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"strings"
)

// XLSXBomb returns a valid XLSX workbook whose one sheet unpacks to about
// unpacked bytes — a roster header, then whitespace inside <sheetData> —
// while the file stays near unpacked/1000 bytes (deflate's best ratio):
// 1 GB unpacked is a file of about 1 MB. The sheet is deflated once per MB
// and the segments repeated, so making a bomb costs little more than the
// CRC of what it unpacks to.
func XLSXBomb(unpacked int64) []byte {
	const chunk = 1 << 20
	prefix := []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
		`<row r="1"><c r="A1" t="inlineStr"><is><t>nip</t></is></c><c r="B1" t="inlineStr"><is><t>nama</t></is></c></row>`)
	suffix := []byte(`</sheetData></worksheet>`)
	pad := bytes.Repeat([]byte(" "), chunk)
	n := max(unpacked/chunk, 1)

	var sheet bytes.Buffer
	padSegment := deflateSegment(pad, false)
	sheet.Write(deflateSegment(prefix, false))
	crc := crc32.ChecksumIEEE(prefix)
	for range n {
		sheet.Write(padSegment)
		crc = crc32.Update(crc, crc32.IEEETable, pad)
	}
	sheet.Write(deflateSegment(suffix, true))
	crc = crc32.Update(crc, crc32.IEEETable, suffix)
	size := uint64(len(prefix)) + uint64(n)*chunk + uint64(len(suffix))

	return workbook(&zip.FileHeader{Name: sheetPath, Method: zip.Deflate,
		CRC32: crc, CompressedSize64: uint64(sheet.Len()), UncompressedSize64: size}, sheet.Bytes())
}

// XLSXSheet returns a workbook whose one sheet is the given worksheet XML,
// for sheets no spreadsheet program would write (a row numbered 1,048,576
// after the header and nothing between).
func XLSXSheet(sheetXML string) []byte {
	var b bytes.Buffer
	fw, _ := flate.NewWriter(&b, flate.DefaultCompression)
	fw.Write([]byte(sheetXML))
	fw.Close()
	return workbook(&zip.FileHeader{Name: sheetPath, Method: zip.Deflate, CRC32: crc32.ChecksumIEEE([]byte(sheetXML)),
		CompressedSize64: uint64(b.Len()), UncompressedSize64: uint64(len(sheetXML))}, b.Bytes())
}

const sheetPath = "xl/worksheets/sheet1.xml"

// workbook zips the skeleton and the sheet, already deflated as its header
// says.
func workbook(sheet *zip.FileHeader, deflated []byte) []byte {
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, part := range skeleton {
		w, err := zw.Create(part.name)
		if err != nil {
			panic(err)
		}
		w.Write([]byte(part.body))
	}
	w, err := zw.CreateRaw(sheet)
	if err != nil {
		panic(err)
	}
	w.Write(deflated)
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return out.Bytes()
}

// deflateSegment compresses p with a fresh compressor, so the segment
// refers to nothing before it, and ends it on a byte boundary (a sync
// flush) or, for the last, with the final block: segments so made
// concatenate into one valid deflate stream.
func deflateSegment(p []byte, last bool) []byte {
	var b bytes.Buffer
	fw, _ := flate.NewWriter(&b, flate.BestCompression)
	fw.Write(p)
	if last {
		fw.Close()
	} else {
		fw.Flush()
	}
	return b.Bytes()
}

// skeleton is the rest of a minimal workbook with one sheet.
var skeleton = []struct{ name, body string }{
	{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
		`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
		`</Types>`},
	{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>` +
		`</Relationships>`},
	{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
		`<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`},
	{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
		`</Relationships>`},
}

// CSVRows returns a roster CSV of a header and n rows of cells bytes each,
// for bounds on rows and cells.
func CSVRows(n, cell int) []byte {
	var b strings.Builder
	b.WriteString("nip;nama\n")
	v := strings.Repeat("a", cell)
	for range n {
		b.WriteString("1;" + v + "\n")
	}
	return []byte(b.String())
}
