package web

import (
	"bytes"
	"html/template"
	"strings"
	"testing"
)

// Folding constant calls at parse time renders exactly what calling them
// at run time renders, in every place the pages use them.
func TestFoldConstantsRendersTheSame(t *testing.T) {
	const src = `{{define "inner"}}<i>{{t "Nama"}}</i>{{end}}` +
		`<p>{{t "Nama"}}</p>` +
		`<p title="{{t "A & B"}}" data-x='{{t "it's"}}'>{{t "<b>x</b>"}}</p>` +
		`<a href="{{static "js/app.js"}}">{{printf (t "ukuran %d") .N}}</a>` +
		`{{if .On}}{{t "Nama"}}{{else}}{{t "Tidak"}}{{end}}` +
		`{{range .List}}{{t "Nama"}} {{.}}{{end}}` +
		`{{with .N}}{{printf "%s %d" (t "ukuran") .}}{{end}}` +
		`{{template "inner" .}}` +
		`<p>{{t .Dynamic}}</p>`
	tr := map[string]string{"Nama": "Name", "A & B": "A & \"B\"", "it's": "it's", "<b>x</b>": "<b>y</b>",
		"ukuran %d": "size %d", "ukuran": "size", "Tidak": "No", "dyn": "Dynamic <text>"}
	funcs := template.FuncMap{
		"t":      func(s string) string { return tr[s] },
		"static": func(s string) string { return "/static/" + s + "?v=abc&x=1" },
	}
	consts := constFuncs{
		"t":      func(s string) (string, error) { return tr[s], nil },
		"static": func(s string) (string, error) { return "/static/" + s + "?v=abc&x=1", nil },
	}
	data := map[string]any{"N": 7, "On": true, "List": []string{"a", "b"}, "Dynamic": "dyn"}

	render := func(fold bool) string {
		tpl := template.Must(template.New("page").Funcs(funcs).Parse(src))
		if fold {
			if err := foldConstants(tpl, consts); err != nil {
				t.Fatal(err)
			}
		}
		var b bytes.Buffer
		if err := tpl.Execute(&b, data); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	plain, folded := render(false), render(true)
	if plain != folded {
		t.Fatalf("folded page differs:\nplain:  %s\nfolded: %s", plain, folded)
	}
	for _, want := range []string{"<p>Name</p>", "&lt;b&gt;y&lt;/b&gt;", "size 7", "Dynamic &lt;text&gt;", "<i>Name</i>"} {
		if !strings.Contains(folded, want) {
			t.Errorf("page lacks %q:\n%s", want, folded)
		}
	}
}

// A page naming a static file that does not exist fails at parse time.
func TestFoldConstantsReportsMissingStatic(t *testing.T) {
	st := &staticFiles{files: map[string]staticFile{}}
	tpl := template.Must(template.New("page").Funcs(template.FuncMap{"static": st.mustURL}).Parse(`<script src="{{static "js/gone.js"}}"></script>`))
	err := foldConstants(tpl, constFuncs{"static": st.url})
	if err == nil || !strings.Contains(err.Error(), "js/gone.js") {
		t.Fatalf("err = %v, want one naming js/gone.js", err)
	}
}
