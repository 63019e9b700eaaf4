package engine

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestCodesListsEveryCode reads the probes' source: every constant named
// Code... with a string value must be in Codes, so the window's words for
// codes (checked in package diagnose) cover each one.
func TestCodesListsEveryCode(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	more, _ := filepath.Glob("netenv/*.go")
	files = append(files, more...)
	fset := token.NewFileSet()
	found := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok {
				return true
			}
			for i, id := range vs.Names {
				if !strings.HasPrefix(id.Name, "Code") || i >= len(vs.Values) {
					continue
				}
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					continue
				}
				v, _ := strconv.Unquote(lit.Value)
				found++
				if !slices.Contains(Codes(), v) {
					t.Errorf("%s: %s = %q is not in Codes()", name, id.Name, v)
				}
			}
			return true
		})
	}
	if found < 30 {
		t.Fatalf("found only %d Code constants; is the source still laid out this way?", found)
	}
	for _, c := range []string{"status_426", "needs_tcp", "after_upgrade"} {
		if fam, v := CodeFamily(c); fam == c || v == "" {
			t.Errorf("CodeFamily(%q) = %q, %q", c, fam, v)
		}
	}
}
