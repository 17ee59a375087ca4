package web_test

import (
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ikrar-id/ikrar"
)

// TestEveryClassHasCSS checks that each class the templates and the static
// scripts put on an element is a selector of static/css/app.css: a class
// without a rule is a layout the author meant and the browser never saw
// (issue 14 item 2: "Keluar" as a big grey button, "Cari" below its field).
func TestEveryClassHasCSS(t *testing.T) {
	css, err := fs.ReadFile(ikrar.Static, "static/css/app.css")
	if err != nil {
		t.Fatal(err)
	}
	defined := cssClasses(string(css))
	if len(defined) < 50 {
		t.Fatalf("read only %d classes from app.css", len(defined))
	}
	used := map[string][]string{} // class → files using it
	prefixes := map[string][]string{}
	tmpls, _ := fs.Glob(ikrar.Templates, "templates/*.html")
	for _, name := range tmpls {
		b, err := fs.ReadFile(ikrar.Templates, name)
		if err != nil {
			t.Fatal(err)
		}
		classes, prefs := templateClasses(string(b))
		for _, c := range classes {
			used[c] = append(used[c], name)
		}
		for _, p := range prefs {
			prefixes[p] = append(prefixes[p], name)
		}
	}
	scripts, _ := fs.Glob(ikrar.Static, "static/js/*.js")
	for _, name := range scripts {
		b, err := fs.ReadFile(ikrar.Static, name)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range scriptClasses(string(b)) {
			used[c] = append(used[c], name)
		}
	}
	if len(used) < 50 {
		t.Fatalf("found only %d classes in templates and scripts", len(used))
	}
	for _, c := range slices.Sorted(mapKeys(used)) {
		if !defined[c] {
			t.Errorf("class %q (%s) has no rule in app.css", c, strings.Join(slices.Compact(used[c]), ", "))
		}
	}
	for _, p := range slices.Sorted(mapKeys(prefixes)) {
		found := false
		for c := range defined {
			found = found || strings.HasPrefix(c, p)
		}
		if !found {
			t.Errorf("class prefix %q (%s) has no rule in app.css", p, strings.Join(slices.Compact(prefixes[p]), ", "))
		}
	}
}

// TestClassScanners shows the scanners find what a missing rule would
// hide, so that TestEveryClassHasCSS cannot pass by reading nothing.
func TestClassScanners(t *testing.T) {
	defined := cssClasses("/* .ghost */ .a, nav .b:hover > .c::before { x: 1.5rem }\n@media (min-width: 600px) { .d.e { y: .5em } }")
	if got := slices.Sorted(mapKeys(defined)); !slices.Equal(got, []string{"a", "b", "c", "d", "e"}) {
		t.Errorf("css classes = %v", got)
	}
	classes, prefs := templateClasses(`<main class="container{{block "width" .}}{{end}}"><form class="inline"><b class="x {{if .A}}on{{else}}off{{end}} badge-{{.S}}"></b>{{define "width"}} narrow{{end}}`)
	if want := []string{"container", "inline", "x", "on", "off", "narrow"}; !sameSet(classes, want) {
		t.Errorf("template classes = %v, want %v", classes, want)
	}
	if !slices.Equal(prefs, []string{"badge-"}) {
		t.Errorf("template prefixes = %v", prefs)
	}
	js := `a.className = 'p ' + ({v: 'q'}[x.replace('z-', '')] || 'r'); b.classList.toggle("s", on); el('li', 'u', t)`
	if got := scriptClasses(js); !sameSet(got, []string{"p", "q", "r", "s", "u"}) {
		t.Errorf("script classes = %v", got)
	}
}

var (
	cssCommentRE = regexp.MustCompile(`(?s)/\*.*?\*/`)
	cssClassRE   = regexp.MustCompile(`\.(-?[A-Za-z_][\w-]*)`)
	classAttrRE  = regexp.MustCompile(`\sclass="((?:[^"{]|\{\{.*?\}\}|\{)*)"`)
	actionRE     = regexp.MustCompile(`\{\{.*?\}\}`)
	// gluedRE is a word glued to an action that prints a value.
	gluedRE     = regexp.MustCompile(`([\w-]+)\{\{-?\s*[.$].*?\}\}`)
	jsReplaceRE = regexp.MustCompile(`\.replace\([^)]*\)`)
	widthRE     = regexp.MustCompile(`\{\{define "width"\}\}([^{]*)\{\{end\}\}`)
	jsStringRE  = regexp.MustCompile(`'([^']*)'|"([^"]*)"`)
	jsClassRE   = regexp.MustCompile(`className\s*=\s*([^;\n]+)|classList\.(?:add|remove|toggle)\(([^)]*)\)|\bel\('[a-z0-9]+',\s*('[^']*')`)
)

// cssClasses are the classes named in the selectors of css.
func cssClasses(css string) map[string]bool {
	css = cssCommentRE.ReplaceAllString(css, "")
	out := map[string]bool{}
	for _, part := range strings.Split(css, "}") {
		for _, sel := range strings.Split(part, "{") {
			if strings.Contains(sel, ":") && !strings.ContainsAny(sel, ",.#>[") && !strings.HasPrefix(strings.TrimSpace(sel), "@") {
				continue // a declaration block's body, not a selector
			}
			if strings.Contains(sel, ";") {
				continue
			}
			for _, m := range cssClassRE.FindAllStringSubmatch(sel, -1) {
				out[m[1]] = true
			}
		}
	}
	return out
}

// templateClasses are the classes of a template's class attributes: the
// literal words, those inside {{if}} branches, and the width block's.
// A word glued to an action ("badge-{{.Status}}") is a prefix.
func templateClasses(src string) (classes, prefixes []string) {
	var values []string
	for _, m := range classAttrRE.FindAllStringSubmatch(src, -1) {
		values = append(values, m[1])
	}
	for _, m := range widthRE.FindAllStringSubmatch(src, -1) {
		values = append(values, m[1])
	}
	for _, v := range values {
		for _, m := range gluedRE.FindAllStringSubmatch(v, -1) {
			prefixes = append(prefixes, m[1])
		}
		v = gluedRE.ReplaceAllString(v, " ")
		classes = append(classes, strings.Fields(actionRE.ReplaceAllString(v, " "))...)
	}
	return classes, prefixes
}

// scriptClasses are the classes a script sets: the strings of className
// assignments, of classList calls and of live.js's el(tag, class).
func scriptClasses(src string) []string {
	var out []string
	for _, m := range jsClassRE.FindAllStringSubmatch(src, -1) {
		expr := jsReplaceRE.ReplaceAllString(m[1]+m[2]+m[3], "")
		for i, s := range jsStringRE.FindAllStringSubmatch(expr, -1) {
			if m[2] != "" && i > 0 {
				break // classList.toggle's class is its first argument
			}
			out = append(out, strings.Fields(s[1]+s[2])...)
		}
	}
	return out
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}
