package report

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"html"
	"io"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// sRGBProfile is the ICC's sRGB v4 profile (icc/LICENSE.color.org: may be
// copied and embedded without restriction), the output intent of a PDF/A
// document: every colour the reports use is device RGB.
//
//go:embed icc/sRGB2014.icc
var sRGBProfile []byte

// pdfA makes the document PDF/A-2b, the archival form a certified signing
// service (BSrE through SRIKANDI or a regional hub) signs: fonts are
// embedded already (certificate.NewDocument); this adds the sRGB output
// intent and the XMP metadata that declares the conformance and repeats
// the Info dictionary (title, author, producer, dates: the same instant,
// in UTC, which fpdf writes there without a zone as newDoc passes UTC).
func (d doc) pdfA(title, author string, generated time.Time) {
	d.AddOutputIntent(fpdf.OutputIntentType{SubtypeIdent: fpdf.OutputIntent_GTS_PDFA1,
		OutputConditionIdentifier: "sRGB IEC61966-2.1", Info: "sRGB IEC61966-2.1", ICCProfile: sRGBProfile})
	at := generated.UTC().Format("2006-01-02T15:04:05Z")
	esc := html.EscapeString
	d.SetXmpMetadata([]byte(`<?xpacket begin="` + "\ufeff" + `" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
<pdfaid:part>2</pdfaid:part>
<pdfaid:conformance>B</pdfaid:conformance>
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">` + esc(title) + `</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>` + esc(author) + `</rdf:li></rdf:Seq></dc:creator>
<xmp:CreatorTool>ikrar</xmp:CreatorTool>
<xmp:CreateDate>` + at + `</xmp:CreateDate>
<xmp:ModifyDate>` + at + `</xmp:ModifyDate>
<pdf:Producer>ikrar</pdf:Producer>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`))
}

// outputPDFA writes the document as output does, with two repairs to the
// trailer: the file identifier PDF/A requires (fpdf writes one only for
// encrypted files), and the Info reference, which fpdf takes to be the
// object before the catalog although the output intent's profile stream
// sits between them (so it named the ICC stream). The trailer follows the
// cross-reference table: changing it moves no object. The identifier is
// derived from the bytes, so the same report gives the same file.
func (d doc) outputPDFA(w io.Writer, what string) error {
	var buf bytes.Buffer
	if err := d.output(&buf, what); err != nil {
		return err
	}
	b := buf.Bytes()
	const trailer = "\ntrailer\n<<\n"
	i := bytes.LastIndex(b, []byte(trailer))
	if i < 0 {
		return fmt.Errorf("write %s: no trailer to add a file identifier to", what)
	}
	var size, root, info int
	if _, err := fmt.Sscanf(string(b[i+len(trailer):]), "/Size %d\n/Root %d 0 R\n/Info %d 0 R\n", &size, &root, &info); err != nil {
		return fmt.Errorf("write %s: unexpected trailer: %w", what, err)
	}
	info = root - 2 // Info, the profile stream, the catalog
	if !bytes.Contains(b, []byte(fmt.Sprintf("\n%d 0 obj\n<<\n/Producer ", info))) {
		return fmt.Errorf("write %s: object %d is not the Info dictionary", what, info)
	}
	sum := sha256.Sum256(b)
	id := hex.EncodeToString(sum[:16])
	out := make([]byte, 0, len(b)+80)
	out = append(out, b[:i+len(trailer)]...)
	out = append(out, fmt.Sprintf("/Size %d\n/Root %d 0 R\n/Info %d 0 R\n/ID [<%s> <%s>]\n", size, root, info, id, id)...)
	rest := b[i+len(trailer):]
	out = append(out, rest[bytes.Index(rest, []byte(">>\n")):]...)
	_, err := w.Write(out)
	return err
}
