package web

import (
	"fmt"
	"html"
	"html/template"
	"strconv"
	"text/template/parse"
)

// A verification page calls t about sixty times, and html/template calls
// every function through reflection and pipes every result through an
// escaper: most of the page's rendering time, for texts that are the same
// on every request. foldConstants resolves those calls once, when the
// page is parsed for a language:
//
//   - {{t "Nama"}} becomes the text "Name", HTML-escaped;
//   - a call used as an argument, printf (t "ukuran %d") .Size, becomes
//     the string constant printf "size %d" .Size.
//
// Only calls whose single argument is a string literal are folded; a call
// with a field or variable argument stays a call. A folded action becomes
// a text node, which html/template leaves as it is, so it is escaped here
// with html.EscapeString: right in element content and quoted attribute
// values, which is everywhere the pages call these functions (they have no
// inline scripts or styles, by the content security policy).
type constFuncs map[string]func(string) (string, error)

// foldConstants rewrites every template of set t; it must run before the
// set is first executed (html/template escapes on first use).
func foldConstants(t *template.Template, funcs constFuncs) error {
	for _, tt := range t.Templates() {
		if tt.Tree == nil || tt.Tree.Root == nil {
			continue
		}
		if err := foldList(tt.Tree.Root, funcs); err != nil {
			return fmt.Errorf("template %s: %w", tt.Name(), err)
		}
	}
	return nil
}

func foldList(l *parse.ListNode, funcs constFuncs) error {
	if l == nil {
		return nil
	}
	for i, n := range l.Nodes {
		switch n := n.(type) {
		case *parse.ActionNode:
			text, ok, err := constCall(n.Pipe, funcs)
			if err != nil {
				return err
			}
			if ok {
				l.Nodes[i] = &parse.TextNode{NodeType: parse.NodeText, Pos: n.Pos, Text: []byte(html.EscapeString(text))}
				continue
			}
			if err := foldPipe(n.Pipe, funcs); err != nil {
				return err
			}
		case *parse.IfNode:
			if err := foldBranch(&n.BranchNode, funcs); err != nil {
				return err
			}
		case *parse.RangeNode:
			if err := foldBranch(&n.BranchNode, funcs); err != nil {
				return err
			}
		case *parse.WithNode:
			if err := foldBranch(&n.BranchNode, funcs); err != nil {
				return err
			}
		case *parse.TemplateNode:
			if err := foldPipe(n.Pipe, funcs); err != nil {
				return err
			}
		}
	}
	return nil
}

func foldBranch(b *parse.BranchNode, funcs constFuncs) error {
	if err := foldPipe(b.Pipe, funcs); err != nil {
		return err
	}
	if err := foldList(b.List, funcs); err != nil {
		return err
	}
	return foldList(b.ElseList, funcs)
}

// foldPipe replaces the constant calls among the arguments of p's commands
// with their results.
func foldPipe(p *parse.PipeNode, funcs constFuncs) error {
	if p == nil {
		return nil
	}
	for _, cmd := range p.Cmds {
		for i, arg := range cmd.Args {
			sub, ok := arg.(*parse.PipeNode)
			if !ok {
				continue
			}
			text, ok, err := constCall(sub, funcs)
			if err != nil {
				return err
			}
			if !ok {
				if err := foldPipe(sub, funcs); err != nil {
					return err
				}
				continue
			}
			cmd.Args[i] = &parse.StringNode{NodeType: parse.NodeString, Pos: sub.Pos, Quoted: strconv.Quote(text), Text: text}
		}
	}
	return nil
}

// constCall reports whether p is exactly one call of a folded function on
// a string literal, with no variables declared, and if so its result.
func constCall(p *parse.PipeNode, funcs constFuncs) (string, bool, error) {
	if p == nil || len(p.Decl) > 0 || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 2 {
		return "", false, nil
	}
	id, ok := p.Cmds[0].Args[0].(*parse.IdentifierNode)
	if !ok {
		return "", false, nil
	}
	lit, ok := p.Cmds[0].Args[1].(*parse.StringNode)
	if !ok {
		return "", false, nil
	}
	f, ok := funcs[id.Ident]
	if !ok {
		return "", false, nil
	}
	out, err := f(lit.Text)
	if err != nil {
		return "", false, fmt.Errorf("%s %q: %w", id.Ident, lit.Text, err)
	}
	return out, true, nil
}
