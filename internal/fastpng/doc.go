// Package fastpng decodes the PNGs a signing phone sends, composited onto
// white as 8-bit gray, several times faster than image/png.Decode followed
// by a walk over its image. It is a speed-only replacement: for every
// image it decodes it accepts and rejects what png.Decode does (chunk
// order, checksums, lengths and all) and gives exactly the pixels Flatten
// gives of png.Decode's image; the tests and FuzzDecode hold it to that.
//
// Which inputs take which path:
//
//   - Decode itself: non-interlaced images of 8 bits per sample or fewer
//     (gray at 1, 2, 4 or 8 bits; paletted at 1, 2, 4 or 8; RGB, gray with
//     alpha and RGBA at 8), with or without tRNS, whose IHDR is the first
//     chunk and whose size is within the caller's Limits. A browser
//     canvas's export (8-bit RGBA) is one.
//   - image/png, the reference: everything else (16-bit samples,
//     interlacing, a missing or misplaced IHDR, a size outside Limits, a
//     file that is not a PNG). Decode returns ErrUnsupported, and the
//     caller decodes with png.Decode and Flatten.
//
// Where png.Decode makes an image.NRGBA (480 KB for a 600×200 canvas), a
// bufio.Reader and a zlib reader for every call, Decode parses the chunks in
// place, inflates the IDAT payloads straight from the input with a pooled
// inflater, and unfilters each row into one of two reused row buffers,
// compositing it onto white as soon as it is read.
package fastpng
