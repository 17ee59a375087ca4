package main

import (
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"
)

// The Go release ikrar is built with carries its standard library's
// security fixes, so every place that chooses a toolchain must name the one
// go.mod names: a container built from an older base image, or a CI run on
// the machine's older go, would ship the fixed vulnerabilities again.
func TestToolchainNamedEverywhere(t *testing.T) {
	root := filepath.Join("..", "..")
	read := func(name string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	mod, err := modfile.ParseLax("go.mod", []byte(read("go.mod")), nil)
	if err != nil {
		t.Fatal(err)
	}
	if mod.Go == nil || strings.Count(mod.Go.Version, ".") != 2 {
		t.Fatalf("go.mod names no exact Go release (go line %v): the toolchain would depend on the machine", mod.Go)
	}
	want := "go" + mod.Go.Version
	if mod.Toolchain != nil && mod.Toolchain.Name != want {
		t.Errorf("go.mod: toolchain %s, go line %s", mod.Toolchain.Name, want)
	}
	if runtime.Version() != want {
		t.Errorf("tests run on %s, go.mod names %s", runtime.Version(), want)
	}

	exportLine := "export GOTOOLCHAIN=" + want
	if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(exportLine) + `$`).MatchString(read(".ci/run")) {
		t.Errorf(".ci/run lacks %q", exportLine)
	}
	// The README's first commands must work in a fresh shell, whose go
	// ignores go.mod's release unless GOTOOLCHAIN says so.
	readme := read("README.md")
	start := strings.Index(readme, "```sh\n")
	if start < 0 {
		t.Fatal("README.md has no sh block")
	}
	first := readme[start+len("```sh\n"):]
	first = first[:strings.Index(first, "```")]
	if !strings.HasPrefix(first, exportLine+"\n") {
		t.Errorf("README's first commands do not start with %q:\n%s", exportLine, first)
	}
	m := regexp.MustCompile(`(?m)^FROM golang:(\S+?)-\S+ AS build$`).FindStringSubmatch(read("Dockerfile"))
	if m == nil {
		t.Fatal("Dockerfile has no golang:<version>-<os> build stage")
	}
	if "go"+m[1] != want {
		t.Errorf("Dockerfile builds with golang:%s, go.mod names %s", m[1], want)
	}
}
