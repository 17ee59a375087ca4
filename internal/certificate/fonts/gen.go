//go:build ignore

// gen.go regenerates the certificate fonts: DejaVu Sans (regular, bold,
// oblique) cut to the Windows-1252 repertoire and converted with fpdf's
// MakeFont into single-byte font definitions (.json + zlib'd .z), which the
// renderer embeds and loads with AddFontFromBytes. A UTF-8 font would be
// re-parsed for every PDF (~4 ms, see shared/PERF-NOTES.md); these are not.
//
// Needs pyftsubset (Debian: apt-get install fonttools) and the DejaVu TTFs
// (Debian: fonts-dejavu-core). Run from internal/certificate:
//
//	go generate ./internal/certificate
//
// or directly: cd internal/certificate/fonts && go run gen.go
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"codeberg.org/go-pdf/fpdf"
)

func main() {
	src := flag.String("src", "/usr/share/fonts/truetype/dejavu", "folder holding the DejaVu TTFs")
	dst := flag.String("dst", ".", "output folder")
	flag.Parse()

	// The encoding map ships inside the fpdf module.
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "codeberg.org/go-pdf/fpdf").Output()
	if err != nil {
		log.Fatalf("locate fpdf module: %v", err)
	}
	mapFile := filepath.Join(strings.TrimSpace(string(out)), "font", "cp1252.map")
	unicodes, err := mapUnicodes(mapFile)
	if err != nil {
		log.Fatal(err)
	}

	tmp, err := os.MkdirTemp("", "ikrar-fonts")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)

	for _, name := range []string{"DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"} {
		cut := filepath.Join(tmp, name+".ttf")
		// No hinting and no layout tables: PDF viewers do not use them for
		// a simple font, and they are most of the file.
		cmd := exec.Command("pyftsubset", filepath.Join(*src, name+".ttf"),
			"--unicodes="+unicodes,
			"--layout-features=",
			"--no-hinting",
			"--desubroutinize",
			"--name-IDs=0,1,2,3,4,5,6",
			"--output-file="+cut)
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			log.Fatalf("subset %s: %v", name, err)
		}
		if err := fpdf.MakeFont(cut, mapFile, *dst, os.Stderr, true); err != nil {
			log.Fatalf("makefont %s: %v", name, err)
		}
		fmt.Println("wrote", filepath.Join(*dst, name+".json"), filepath.Join(*dst, name+".z"))
	}
}

// mapUnicodes lists the code points of an fpdf encoding map in pyftsubset's
// --unicodes syntax.
func mapUnicodes(mapFile string) (string, error) {
	b, err := os.ReadFile(mapFile)
	if err != nil {
		return "", err
	}
	var cps []string
	for _, line := range strings.Split(string(b), "\n") {
		var pos, uv int
		var name string
		if _, err := fmt.Sscanf(line, "!%x U+%x %s", &pos, &uv, &name); err != nil || name == ".notdef" {
			continue
		}
		cps = append(cps, fmt.Sprintf("%04X", uv))
	}
	if len(cps) == 0 {
		return "", fmt.Errorf("%s: no code points", mapFile)
	}
	return strings.Join(cps, ","), nil
}
