package roster

import (
	"bytes"
	"encoding/csv"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// ParseCSV reads a CSV roster. The separator (semicolon on Indonesian
// Windows, comma, or tab) is taken from the header line; the text may be
// UTF-8 with or without a byte-order mark, UTF-16 (Excel's "Unicode Text"),
// or Windows-1252 (older Excel exports).
func ParseCSV(r io.Reader) (Result, error) {
	data, err := readFile(r)
	if err != nil {
		return Result{}, err
	}
	text, err := decode(data)
	if err != nil {
		return Result{}, registry.Wrapf(err, registry.EBADROSTER, "Berkas tidak dapat dibaca sebagai teks. Simpan berkas sebagai \"CSV UTF-8\".")
	}
	if !strings.Contains(text, "\n") {
		text = strings.ReplaceAll(text, "\r", "\n") // classic Mac line endings
	}

	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = separator(text)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true // a stray quote in a name is not worth refusing a file
	cr.TrimLeadingSpace = cr.Comma != '\t'
	cr.ReuseRecord = true

	p := newParser()
	// encoding/csv skips empty lines and joins quoted line breaks, but the
	// spreadsheet counts an empty line as a row and a cell with line breaks
	// as one: the row number advances by the lines between records.
	row, lines := 0, 0 // spreadsheet row of the last record; file lines consumed through it
	var offset int64
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return Result{}, registry.Wrapf(err, registry.EBADROSTER, "Berkas CSV tidak dapat dibaca setelah baris %d.", row)
		}
		start, _ := cr.FieldPos(0)
		row += start - lines
		end := cr.InputOffset()
		lines += strings.Count(text[offset:end], "\n")
		offset = end
		if err := p.add(row, rec); err != nil {
			return Result{}, err
		}
	}
	return p.result()
}

// decode returns data as UTF-8 text without a byte-order mark.
func decode(data []byte) (string, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		b, err := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(data)
		return string(b), err
	}
	if utf8.Valid(data) || hasUTF8Sequence(data) {
		// A file that is mostly UTF-8 keeps its valid rows; rows with
		// stray bytes are refused rather than guessed at.
		return string(data), nil
	}
	b, err := charmap.Windows1252.NewDecoder().Bytes(data)
	return string(b), err
}

// hasUTF8Sequence reports whether data holds a multi-byte UTF-8 sequence,
// which Windows-1252 text almost never does by accident.
func hasUTF8Sequence(data []byte) bool {
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r != utf8.RuneError && size > 1 {
			return true
		}
		data = data[size:]
	}
	return false
}

// separator picks the most frequent of ; , and tab outside quotes on the
// first non-empty line; Excel writes the header with the same separator as
// the data.
func separator(text string) rune {
	line := text
	for line != "" {
		var rest string
		line, rest, _ = strings.Cut(line, "\n")
		if strings.TrimSpace(line) != "" {
			break
		}
		line = rest
	}
	counts := map[rune]int{}
	quoted := false
	for _, r := range line {
		switch {
		case r == '"':
			quoted = !quoted
		case !quoted && (r == ';' || r == ',' || r == '\t'):
			counts[r]++
		}
	}
	best := ','
	for _, r := range []rune{';', '\t'} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}
