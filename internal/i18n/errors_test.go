package i18n

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// moduleDir is the root of the module, whose non-test Go files
// TestErrorsThroughConstructor reads.
const moduleDir = "../.."

// constructor is a function that makes a user-facing error, and which of
// its arguments is the message's format.
type constructor struct {
	pkg, name string // package name ("registry") and function name
	format    int
}

// TestErrorsThroughConstructor holds the module to one way of making an
// error a user will read, so that the web layer translates it by looking
// its format up in the catalog and never has to recognise formatted
// Indonesian text. Over every non-test .go file of the module:
//
//  1. A user-facing error is made by a constructor: registry.Errorf,
//     registry.Wrapf or registry.Wrap (and an audit entry's detail by
//     registry.Detailf, held to the same rules), or a function of the module that
//     passes one of its own parameters on as the format of a constructor
//     (ink's bad(msg, cause)), which becomes a constructor in turn.
//  2. Each call of a constructor gives its format as a string literal, or
//     as a constant of the same package declared with one; an Indonesian
//     format must be a key of the catalog as it stands (not only part of
//     one), since that is how it is translated, and no format is only
//     verbs ("%s"), which would hide the text. The call inside a derived
//     constructor that passes its parameter on is the one exception.
//  3. No registry.Error composite literal outside internal/registry's
//     error.go: a literal could set Message without Format.
//  4. No constructor argument is registry.ErrorMessage(...): an error
//     quoted in another message is passed as the error, so that its
//     translation comes from its own format.
//
// Errors made otherwise (errors.New, fmt.Errorf) are not refused: the
// error handler shows any error without a registry.Error in its chain as
// the generic "Terjadi kesalahan pada server", so their text never
// reaches a user.
func TestErrorsThroughConstructor(t *testing.T) {
	type file struct {
		path string
		dir  string
		f    *ast.File
	}
	fset := token.NewFileSet()
	var files []file
	err := filepath.WalkDir(moduleDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "testdata", "node_modules", "vendor":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Errorf("parse %s: %v", p, err)
			return nil
		}
		files = append(files, file{p, filepath.Dir(p), f})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	ctors := []constructor{{"registry", "Errorf", 1}, {"registry", "Wrapf", 2}, {"registry", "Wrap", 2}, {"registry", "Detailf", 0}}
	// isCall returns the constructor fn calls, as seen from package pkg.
	isCall := func(pkg string, call *ast.CallExpr) (constructor, bool) {
		for _, c := range ctors {
			switch fn := call.Fun.(type) {
			case *ast.Ident:
				if pkg == c.pkg && fn.Name == c.name {
					return c, true
				}
			case *ast.SelectorExpr:
				if x, ok := fn.X.(*ast.Ident); ok && x.Name == c.pkg && fn.Sel.Name == c.name {
					return c, true
				}
			}
		}
		return constructor{}, false
	}
	// Derived constructors, until no new one turns up.
	forwards := map[*ast.CallExpr]bool{}
	for changed := true; changed; {
		changed = false
		for _, fl := range files {
			pkg := fl.f.Name.Name
			for _, decl := range fl.f.Decls {
				fd, ok := decl.(*ast.FuncDecl)
				if !ok || fd.Body == nil || fd.Recv != nil {
					continue
				}
				params := map[string]int{}
				i := 0
				for _, field := range fd.Type.Params.List {
					for _, n := range field.Names {
						params[n.Name] = i
						i++
					}
					if len(field.Names) == 0 {
						i++
					}
				}
				ast.Inspect(fd.Body, func(n ast.Node) bool {
					call, ok := n.(*ast.CallExpr)
					if !ok || forwards[call] {
						return true
					}
					c, ok := isCall(pkg, call)
					if !ok || c.format >= len(call.Args) {
						return true
					}
					id, ok := call.Args[c.format].(*ast.Ident)
					if !ok {
						return true
					}
					if idx, ok := params[id.Name]; ok {
						forwards[call] = true
						ctors = append(ctors, constructor{pkg, fd.Name.Name, idx})
						changed = true
					}
					return true
				})
			}
		}
	}

	// Constants declared with a string literal, per package directory.
	consts := map[string]map[string]string{}
	for _, fl := range files {
		for _, decl := range fl.f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if i >= len(vs.Values) {
						continue
					}
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						if s, err := strconv.Unquote(lit.Value); err == nil {
							if consts[fl.dir] == nil {
								consts[fl.dir] = map[string]string{}
							}
							consts[fl.dir][n.Name] = s
						}
					}
				}
			}
		}
	}

	calls := 0
	for _, fl := range files {
		pkg := fl.f.Name.Name
		inErrorGo := pkg == "registry" && filepath.Base(fl.path) == "error.go"
		ast.Inspect(fl.f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CompositeLit:
				if isRegistryError(pkg, n.Type) && !inErrorGo {
					t.Errorf("%s: a registry.Error literal; make it with registry.Errorf, Wrapf or Wrap", fset.Position(n.Pos()))
				}
			case *ast.CallExpr:
				c, ok := isCall(pkg, n)
				if !ok || forwards[n] {
					return true
				}
				calls++
				pos := fset.Position(n.Pos())
				if c.format >= len(n.Args) {
					t.Errorf("%s: %s.%s without a format", pos, c.pkg, c.name)
					return true
				}
				var format string
				switch a := n.Args[c.format].(type) {
				case *ast.BasicLit:
					format, _ = strconv.Unquote(a.Value)
				case *ast.Ident:
					s, ok := consts[fl.dir][a.Name]
					if !ok {
						t.Errorf("%s: the format of %s.%s is %s, not a literal or a constant", pos, c.pkg, c.name, a.Name)
						return true
					}
					format = s
				default:
					t.Errorf("%s: the format of %s.%s is not a literal or a constant", pos, c.pkg, c.name)
					return true
				}
				if strings.TrimSpace(verbRE.ReplaceAllString(format, "")) == "" {
					t.Errorf("%s: the format %q of %s.%s is only verbs: the message's text escapes the catalog", pos, format, c.pkg, c.name)
				}
				if indonesian(format) != "" {
					if _, ok := catalog[format]; !ok {
						t.Errorf("%s: no catalog entry for the format %q", pos, format)
					}
				}
				for _, a := range n.Args[c.format+1:] {
					if inner, ok := a.(*ast.CallExpr); ok {
						if sel, ok := inner.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "ErrorMessage" {
							t.Errorf("%s: pass the error itself, not its ErrorMessage, to %s.%s", pos, c.pkg, c.name)
						}
					}
				}
			}
			return true
		})
	}
	if calls < 100 {
		t.Fatalf("only %d calls of error constructors found", calls)
	}
}

// isRegistryError reports whether a composite literal's type is
// registry.Error (Error inside package registry).
func isRegistryError(pkg string, typ ast.Expr) bool {
	switch typ := typ.(type) {
	case *ast.Ident:
		return pkg == "registry" && typ.Name == "Error"
	case *ast.SelectorExpr:
		x, ok := typ.X.(*ast.Ident)
		return ok && x.Name == "registry" && typ.Sel.Name == "Error"
	}
	return false
}
