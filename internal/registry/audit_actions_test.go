package registry_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// TestAuditActionsListed reads every audit call of the package and checks
// that the action it writes is in registry.AuditActions, which the audit
// trail labels: no action reaches the page as a raw key (issue 14 item 5).
func TestAuditActionsListed(t *testing.T) {
	written := auditActionsWritten(t)
	if len(written) < 20 {
		t.Fatalf("found only %d audit actions in the code: %v", len(written), written)
	}
	for _, a := range written {
		if !slices.Contains(registry.AuditActions, a) {
			t.Errorf("the code writes audit action %q, which registry.AuditActions does not list", a)
		}
	}
	for _, a := range registry.AuditActions {
		if !slices.Contains(written, a) {
			t.Errorf("registry.AuditActions lists %q, which no audit call writes", a)
		}
	}
}

// auditActionsWritten are the actions of the package's s.audit and
// s.audited calls: a literal, a literal assigned to the variable passed,
// or "export." and "event." joined to an export kind or an event status an officer can set.
func auditActionsWritten(t *testing.T) []string {
	t.Helper()
	suffixes := map[string][]string{"event.": {string(registry.StatusOpen), string(registry.StatusClosed)}}
	for _, k := range registry.ExportKinds {
		suffixes["export."] = append(suffixes["export."], string(k))
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var out []string
	add := func(a string) {
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok || (sel.Sel.Name != "audit" && sel.Sel.Name != "audited") || len(call.Args) < 4 {
					return true
				}
				at := fset.Position(call.Pos())
				switch arg := call.Args[3].(type) {
				case *ast.BasicLit:
					add(unquote(t, arg))
				case *ast.Ident:
					lits := assignedLiterals(t, fn.Body, arg.Name)
					if len(lits) == 0 {
						t.Errorf("%s: cannot tell which actions %s holds", at, arg.Name)
					}
					for _, l := range lits {
						add(l)
					}
				case *ast.BinaryExpr:
					lit, ok := arg.X.(*ast.BasicLit)
					if !ok || suffixes[unquote(t, lit)] == nil {
						t.Errorf("%s: cannot tell which actions this audit call writes", at)
						break
					}
					for _, s := range suffixes[unquote(t, lit)] {
						add(unquote(t, lit) + s)
					}
				default:
					t.Errorf("%s: cannot tell which action this audit call writes", at)
				}
				return true
			})
		}
	}
	return out
}

// assignedLiterals are the string literals assigned to name in body.
func assignedLiterals(t *testing.T, body *ast.BlockStmt, name string) []string {
	var out []string
	ast.Inspect(body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok {
			return true
		}
		for i, l := range as.Lhs {
			if id, ok := l.(*ast.Ident); ok && id.Name == name && i < len(as.Rhs) {
				if lit, ok := as.Rhs[i].(*ast.BasicLit); ok {
					out = append(out, unquote(t, lit))
				}
			}
		}
		return true
	})
	return out
}

func unquote(t *testing.T, lit *ast.BasicLit) string {
	s, err := strconv.Unquote(lit.Value)
	if err != nil {
		t.Fatalf("literal %s: %v", lit.Value, err)
	}
	return s
}
