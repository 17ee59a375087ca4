package i18n

import (
	"go/ast"
	"go/parser"
	"go/token"
	"html"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"text/template/parse"
)

// The coverage tests read the repository's templates and Go code, so that
// a text added anywhere without its English fails here.
const (
	templatesDir = "../../templates"
	internalDir  = ".."
)

// indonesianWords are frequent Indonesian words that English text does not
// contain; one of them marks a text as Indonesian.
var indonesianWords = wordSet(`yang tidak dan atau untuk pada dengan sudah belum harus wajib anda
	silakan berkas ditemukan terlalu tanda tangan acara pegawai sertifikat kode organisasi kolom
	baris nama diisi dapat ini itu dari sebagai maksimal minimal pengguna sandi salah hanya bukan
	ada lagi coba tunggu halaman pribadi alasan dicabut peran tautan ditutup dibuka kosong gambar
	rusak permintaan formulir kesalahan masuk keluar periksa kembali simpan peserta unduh hapus
	cabut jabatan kerja baru buat buka tutup semua cari daftar impor ekspor pilih lihat ubah
	tambah nonaktifkan aktifkan akun peran jejak waktu tanggal tempat jumlah selesai belum
	diperbarui dilewati berhasil gagal oleh sebelum sesudah setelah terakhir terbaru lainnya`)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

var (
	wordRE = regexp.MustCompile(`\p{L}+`)
	// identRE matches names rather than text: paths, slugs, keys and
	// column names such as "nip_baru" or "/sertifikat.pdf?k=".
	identRE = regexp.MustCompile(`^[\p{L}0-9]*[_/.:?=-][\p{L}0-9_/.:?=-]*$`)
)

// indonesian returns the first Indonesian word of s, or "".
func indonesian(s string) string {
	if identRE.MatchString(s) {
		return ""
	}
	for _, w := range wordRE.FindAllString(s, -1) {
		if indonesianWords[strings.ToLower(w)] {
			return w
		}
	}
	return ""
}

// templateTexts parses a template and returns the literal of every t call
// and the text outside actions.
func templateTexts(t *testing.T, name, src string) (literals, text []string) {
	t.Helper()
	trees := map[string]*parse.Tree{}
	tr := parse.New(name)
	tr.Mode = parse.SkipFuncCheck | parse.ParseComments
	if _, err := tr.Parse(src, "{{", "}}", trees); err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	var walk func(n parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				walk(c)
			}
		case *parse.TextNode:
			text = append(text, string(n.Text))
		case *parse.ActionNode:
			walk(n.Pipe)
		case *parse.PipeNode:
			if n == nil {
				return
			}
			for _, c := range n.Cmds {
				walk(c)
			}
		case *parse.CommandNode:
			if len(n.Args) == 2 {
				if id, ok := n.Args[0].(*parse.IdentifierNode); ok && id.Ident == "t" {
					if s, ok := n.Args[1].(*parse.StringNode); ok {
						literals = append(literals, s.Text)
					}
				}
			}
			for _, a := range n.Args {
				walk(a)
			}
		case *parse.IfNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.TemplateNode:
			walk(n.Pipe)
		}
	}
	for _, tree := range trees {
		walk(tree.Root)
	}
	return literals, text
}

func templateFiles(t *testing.T) map[string]string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(templatesDir, "*.html"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no templates in %s: %v", templatesDir, err)
	}
	out := map[string]string{}
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(n)] = string(b)
	}
	return out
}

// TestTemplateTextsTranslated checks that every t "…" of every template has
// its English.
func TestTemplateTextsTranslated(t *testing.T) {
	n := 0
	for name, src := range templateFiles(t) {
		lits, _ := templateTexts(t, name, src)
		for _, s := range lits {
			n++
			if _, ok := catalog[s]; !ok {
				t.Errorf("%s: no English for %q", name, s)
			}
		}
	}
	if n < 100 {
		t.Fatalf("only %d t calls found in the templates", n)
	}
}

var (
	// Names typed as they are, such as the "nama" column of a roster, are
	// set in code or mono type and are not text to translate.
	codeRE       = regexp.MustCompile(`(?s)<(code|kbd|span class="mono")[^>]*>[^<]*</(code|kbd|span)>`)
	tagRE        = regexp.MustCompile(`(?s)<[^>]*>`)
	visibleAttrs = regexp.MustCompile(`\b(?:placeholder|aria-label|alt|title|data-msg-[a-z-]+)="([^"{]*)"`)
)

// TestTemplatesHaveNoRawText checks that templates show no Indonesian text
// of their own outside t: between tags, and in the attributes people read.
func TestTemplatesHaveNoRawText(t *testing.T) {
	for name, src := range templateFiles(t) {
		_, texts := templateTexts(t, name, src)
		for _, s := range texts {
			for _, m := range visibleAttrs.FindAllStringSubmatch(s, -1) {
				if w := indonesian(m[1]); w != "" {
					t.Errorf("%s: attribute text %q is not translated (%q)", name, m[1], w)
				}
			}
			visible := html.UnescapeString(tagRE.ReplaceAllString(codeRE.ReplaceAllString(s, " "), " "))
			// A tag cut by an action leaves its start or end behind.
			if i := strings.LastIndex(visible, "<"); i >= 0 {
				visible = visible[:i]
			}
			if i := strings.Index(visible, ">"); i >= 0 {
				visible = visible[i+1:]
			}
			if w := indonesian(visible); w != "" {
				t.Errorf("%s: text %q is not translated (%q)", name, strings.TrimSpace(visible), w)
			}
		}
	}
}

// notShown are Go functions and constants whose Indonesian text is not
// user interface and stays Indonesian in every language: pledge texts,
// which are signed as written.
var notShown = []string{"DefaultPledge", "VillageHeadPledge", "InstitutionPlaceholder"}

// notShownDirs are packages whose Indonesian output is a document that is
// Indonesian by design (the certificate, the Berita Acara and the other
// PDF reports that go on file), that name Indonesian things (dates), or
// that only tests use (rostertest writes hostile roster files; storetest
// and pgtest are the stores' shared suite and its databases), or that
// are data, shown as entered in either language (fixture is the demo's
// roster: names of agencies, units and people).
var notShownDirs = []string{"certificate", "report", "tanggal", "i18n", "rostertest", "fixture", "storetest", "pgtest"}

// TestGoTextsTranslated checks that every Indonesian string literal in the
// Go code that people may see has its English: as a text, as a format, or
// as a part of one (for messages built by concatenation).
func TestGoTextsTranslated(t *testing.T) {
	keys := make([]string, 0, len(catalog))
	for k := range catalog {
		keys = append(keys, k)
	}
	covered := func(s string) bool {
		if _, ok := catalog[s]; ok {
			return true
		}
		return slices.ContainsFunc(keys, func(k string) bool { return strings.Contains(k, strings.TrimSpace(s)) })
	}
	n := 0
	err := filepath.WalkDir(internalDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if slices.Contains(notShownDirs, d.Name()) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Errorf("parse %s: %v", p, err)
			return nil
		}
		for _, decl := range f.Decls {
			switch decl := decl.(type) {
			case *ast.GenDecl:
				if decl.Tok == token.IMPORT {
					continue
				}
			case *ast.FuncDecl:
				if slices.Contains(notShown, decl.Name.Name) {
					continue
				}
			}
			ast.Inspect(decl, func(node ast.Node) bool {
				switch node := node.(type) {
				case *ast.Field:
					node.Tag = nil // struct tags are not text
				case *ast.ValueSpec:
					if slices.ContainsFunc(node.Names, func(id *ast.Ident) bool { return slices.Contains(notShown, id.Name) }) {
						return false
					}
				}
				lit, ok := node.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil || indonesian(s) == "" {
					return true
				}
				n++
				if !covered(s) {
					t.Errorf("%s: no English for %q", fset.Position(lit.Pos()), s)
				}
				return true
			})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 100 {
		t.Fatalf("only %d Indonesian texts found in the Go code", n)
	}
}
