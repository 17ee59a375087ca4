package certificate

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// A certificate is signed over its own bytes by one incremental update
// appended to the rendered PDF (docs/FORMATS.md §6): one object holding an
// Ed25519 signature by the registry's log key, a cross-reference section
// for it and a trailer pointing back to the rendered file's. The update is
// fully determined by the rendered bytes and the signed values, so a
// verifier rebuilds it and compares: every byte of the file is covered,
// the rendered part by its SHA-256 in the signed message and the update by
// being the only bytes the spec allows.

// pdfSigVersion starts the signed message. The NUL keeps it from ever
// being a note text (a checkpoint) or a QR claim signed by the same key.
const pdfSigVersion = "ikrar-pdf/v1\x00"

// pdfSigType marks the signature object; it is how a verifier tells an
// ikrar-signed PDF from an unsigned one.
const pdfSigType = "/Type /IkrarSignature"

var (
	// ErrNoPDFSignature means the PDF carries no ikrar signature: a
	// certificate issued before certificates were signed, or not an ikrar
	// PDF at all.
	ErrNoPDFSignature = errors.New("no embedded ikrar signature in the PDF")
	// ErrPDFAltered means the PDF carries an ikrar signature that does not
	// cover the file as it is.
	ErrPDFAltered = errors.New("the PDF is not the one its embedded signature covers")
	// ErrPDFKeyUnknown means the PDF's signature names a key that is not
	// among the verifier keys given.
	ErrPDFKeyUnknown = errors.New("the PDF is signed by a key that is not in the key file")
)

// PDFSignature is an ikrar signature found in a PDF.
type PDFSignature struct {
	Origin    string // the registry's origin, the name of its log key
	Code      string // the certificate code
	KeyHash   uint32 // note key hash of the signing key
	Digest    [sha256.Size]byte
	Signature []byte
	// Signed is how many bytes of the file the signature covers: all but
	// the update.
	Signed int
}

// pdfSigMessage is the signed message: the version line with its NUL, then
// the origin, the code and the hex SHA-256 of the rendered bytes, each on a
// line of its own.
func pdfSigMessage(origin, code string, digest [sha256.Size]byte) []byte {
	b := make([]byte, 0, len(pdfSigVersion)+len(origin)+len(code)+3+2*sha256.Size)
	b = append(b, pdfSigVersion...)
	b = append(b, origin...)
	b = append(b, '\n')
	b = append(b, code...)
	b = append(b, '\n')
	b = hex.AppendEncode(b, digest[:])
	return append(b, '\n')
}

// pdfTrailer is what the update copies from the rendered file's last
// trailer.
type pdfTrailer struct {
	size       int    // /Size: the signature object takes this number
	root, info string // "n g R"
	startxref  int    // where the rendered file's cross-reference section starts
}

// SignPDF appends the registry's signature to a rendered certificate of
// code, with signer, the registry's current log key, whose name is the
// origin. pdf must be a file as Render writes it, not signed yet.
func SignPDF(pdf []byte, code string, signer note.Signer) ([]byte, error) {
	if bytes.Contains(pdf, []byte(pdfSigType)) {
		return nil, errors.New("sign PDF: it is signed already")
	}
	if !validSigCode(code) {
		return nil, fmt.Errorf("sign PDF: certificate code %q: want 1 to 32 digits or upper-case letters", code)
	}
	tr, err := lastTrailer(pdf)
	if err != nil {
		return nil, fmt.Errorf("sign PDF: %w", err)
	}
	digest := sha256.Sum256(pdf)
	sig, err := signer.Sign(pdfSigMessage(signer.Name(), code, digest))
	if err != nil {
		return nil, fmt.Errorf("sign PDF: %w", err)
	}
	s := PDFSignature{Origin: signer.Name(), Code: code, KeyHash: signer.KeyHash(), Digest: digest, Signature: sig, Signed: len(pdf)}
	update := pdfUpdate(s, tr)
	out := make([]byte, 0, len(pdf)+len(update))
	return append(append(out, pdf...), update...), nil
}

// pdfUpdate is the update that carries s, appended to the s.Signed
// rendered bytes whose last trailer is tr.
func pdfUpdate(s PDFSignature, tr pdfTrailer) []byte {
	b := fmt.Appendf(nil, "%d 0 obj\n<< %s /V 1 /Origin <%x> /Code (%s) /Key <%08x> /Digest <%x> /Signature <%x> >>\nendobj\n",
		tr.size, pdfSigType, s.Origin, s.Code, s.KeyHash, s.Digest, s.Signature)
	xref := s.Signed + len(b)
	return fmt.Appendf(b, "xref\n%d 1\n%010d 00000 n \ntrailer\n<< /Size %d /Root %s /Info %s /Prev %d >>\nstartxref\n%d\n%%%%EOF\n",
		tr.size, s.Signed, tr.size+1, tr.root, tr.info, tr.startxref, xref)
}

// VerifyPDF checks the ikrar signature of a certificate PDF with the
// registry's published keys and returns it with the key that signed it.
// It fails with ErrNoPDFSignature if the file carries none, and with an
// error wrapping ErrPDFAltered if any byte differs from what was signed
// (anything appended after the signature included), and with
// ErrPDFKeyUnknown if no key in verifiers has the origin for its name and
// the key hash the file gives.
func VerifyPDF(pdf []byte, verifiers note.Verifiers) (PDFSignature, note.Verifier, error) {
	s, err := findPDFSignature(pdf)
	if err != nil {
		return s, nil, err
	}
	altered := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrPDFAltered}, args...)...)
	}
	signed := pdf[:s.Signed]
	if sha256.Sum256(signed) != s.Digest {
		return s, nil, altered("the %d signed bytes have another SHA-256 than the signature gives", s.Signed)
	}
	tr, err := lastTrailer(signed)
	if err != nil {
		return s, nil, altered("%v", err)
	}
	if want := pdfUpdate(s, tr); !bytes.Equal(pdf[s.Signed:], want) {
		return s, nil, altered("the signature's update is not as ikrar writes it")
	}
	v, err := verifiers.Verifier(s.Origin, s.KeyHash)
	if err != nil {
		return s, nil, fmt.Errorf("%w: key %s+%08x", ErrPDFKeyUnknown, s.Origin, s.KeyHash)
	}
	if !v.Verify(pdfSigMessage(s.Origin, s.Code, s.Digest), s.Signature) {
		return s, v, altered("the Ed25519 signature does not verify with key %s+%08x", s.Origin, s.KeyHash)
	}
	return s, v, nil
}

// findPDFSignature reads the signature values from the update at the end
// of pdf. The last bytes must be "startxref", the update's cross-reference
// offset and "%%EOF", each ended by LF; its cross-reference section's one
// entry gives where the update, and so the signed bytes, begin.
func findPDFSignature(pdf []byte) (PDFSignature, error) {
	var s PDFSignature
	if !bytes.Contains(pdf, []byte(pdfSigType)) {
		return s, ErrNoPDFSignature
	}
	fail := func(what string) error { return fmt.Errorf("%w: %s", ErrPDFAltered, what) }
	xref, ok := tailStartxref(pdf)
	if !ok || xref >= len(pdf) {
		return s, fail("the file does not end with the signature's update")
	}
	// "xref\n<n> 1\n<10-digit offset> 00000 n \n"
	f := strings.Fields(string(pdf[xref:min(len(pdf), xref+64)]))
	if len(f) < 6 || f[0] != "xref" || f[2] != "1" || len(f[3]) != 10 || f[4] != "00000" || f[5] != "n" {
		return s, fail("the update's cross-reference section is malformed")
	}
	start, err := strconv.Atoi(f[3])
	if err != nil || start <= 0 || start >= xref {
		return s, fail("the update's cross-reference section is malformed")
	}
	s.Signed = start
	// "<n> 0 obj\n<< /Type /IkrarSignature /V 1 /Origin <hex> /Code (code) /Key <hex> /Digest <hex> /Signature <hex> >>"
	obj := string(pdf[start:xref])
	_, dict, ok := strings.Cut(obj, " 0 obj\n<< "+pdfSigType+" /V 1 ")
	if !ok {
		return s, fail("the signature object is malformed")
	}
	fields := strings.Fields(dict)
	if len(fields) < 10 || fields[0] != "/Origin" || fields[2] != "/Code" || fields[4] != "/Key" || fields[6] != "/Digest" || fields[8] != "/Signature" {
		return s, fail("the signature object is malformed")
	}
	origin, err1 := hexString(fields[1])
	key, err2 := hexString(fields[5])
	digest, err3 := hexString(fields[7])
	sig, err4 := hexString(fields[9])
	code := strings.TrimSuffix(strings.TrimPrefix(fields[3], "("), ")")
	if err := errors.Join(err1, err2, err3, err4); err != nil || len(key) != 4 || len(digest) != sha256.Size || !validSigCode(code) {
		return s, fail("the signature object is malformed")
	}
	s.Origin, s.Code, s.KeyHash, s.Signature = string(origin), code, binary.BigEndian.Uint32(key), sig
	copy(s.Digest[:], digest)
	return s, nil
}

// tailStartxref reads the offset of "startxref\n<offset>\n%%EOF\n" that
// ends pdf; ok is false if pdf does not end so.
func tailStartxref(pdf []byte) (int, bool) {
	rest, ok := bytes.CutSuffix(pdf, []byte("\n%%EOF\n"))
	if !ok {
		return 0, false
	}
	i := bytes.LastIndexByte(rest, '\n')
	if i < 0 || !bytes.HasSuffix(rest[:i], []byte("startxref")) {
		return 0, false
	}
	n, err := strconv.Atoi(string(rest[i+1:]))
	if err != nil || n < 0 || strconv.Itoa(n) != string(rest[i+1:]) {
		return 0, false
	}
	return n, true
}

// lastTrailer reads the trailer that ends a rendered PDF:
// "trailer", a dictionary of /Size, /Root and /Info (in any order and
// spacing), "startxref", the offset and "%%EOF", which ends the file.
func lastTrailer(pdf []byte) (pdfTrailer, error) {
	var tr pdfTrailer
	var ok bool
	if tr.startxref, ok = tailStartxref(pdf); !ok {
		return tr, errors.New("the rendered PDF does not end with startxref and %%EOF")
	}
	i := bytes.LastIndex(pdf, []byte("trailer"))
	j := bytes.LastIndex(pdf, []byte("startxref"))
	if i < 0 || j < i {
		return tr, errors.New("the rendered PDF has no trailer")
	}
	dict := strings.NewReplacer("<<", " << ", ">>", " >> ", "/", " /").Replace(string(pdf[i+len("trailer") : j]))
	f := strings.Fields(dict)
	if len(f) < 2 || f[0] != "<<" || f[len(f)-1] != ">>" {
		return tr, errors.New("the rendered PDF's trailer is not a dictionary")
	}
	f = f[1 : len(f)-1]
	ref := func(f []string) (string, bool) {
		if len(f) < 3 || f[2] != "R" || !isUint(f[0]) || !isUint(f[1]) {
			return "", false
		}
		return f[0] + " " + f[1] + " R", true
	}
	for len(f) > 0 {
		var n int
		switch f[0] {
		case "/Size":
			if len(f) < 2 || !isUint(f[1]) {
				return tr, errors.New("the rendered PDF's trailer has a malformed /Size")
			}
			tr.size, _ = strconv.Atoi(f[1])
			n = 2
		case "/Root", "/Info":
			v, ok := ref(f[1:])
			if !ok {
				return tr, fmt.Errorf("the rendered PDF's trailer has a malformed %s", f[0])
			}
			if f[0] == "/Root" {
				tr.root = v
			} else {
				tr.info = v
			}
			n = 4
		default:
			return tr, fmt.Errorf("the rendered PDF's trailer has %s, which ikrar does not write", f[0])
		}
		f = f[n:]
	}
	if tr.size <= 0 || tr.root == "" || tr.info == "" {
		return tr, errors.New("the rendered PDF's trailer lacks /Size, /Root or /Info")
	}
	return tr, nil
}

func isUint(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n >= 0 && strconv.Itoa(n) == s
}

// hexString decodes a PDF hex string as the update writes it: "<", an
// even number of lower-case hex digits, ">".
func hexString(s string) ([]byte, error) {
	inner, ok := strings.CutPrefix(s, "<")
	if inner, ok2 := strings.CutSuffix(inner, ">"); ok && ok2 {
		return hex.DecodeString(inner)
	}
	return nil, fmt.Errorf("%q is not a hex string", s)
}

// validSigCode reports whether code is a certificate code as the update
// writes it: 1 to 32 digits or upper-case ASCII letters, so the literal
// string needs no escape.
func validSigCode(code string) bool {
	if len(code) == 0 || len(code) > 32 {
		return false
	}
	for _, c := range []byte(code) {
		if (c < '0' || c > '9') && (c < 'A' || c > 'Z') {
			return false
		}
	}
	return true
}
