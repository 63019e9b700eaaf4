// Package layers holds the test that keeps imports going one way, as the
// table in checks/doc.go draws them.
package layers

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "codeberg.org/wsdoctor/wsdoctor"

// root is the module's folder, three up from here.
func root(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// layersOf reads the table of checks/doc.go: each package's floor, the
// top line highest.
func layersOf(t *testing.T, docGo string) map[string]int {
	t.Helper()
	b, err := os.ReadFile(docGo)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "//\t") {
			lines = append(lines, strings.TrimPrefix(l, "//\t"))
		}
	}
	floor := map[string]int{}
	for i, l := range lines {
		pkgs, _, _ := strings.Cut(l, "  ") // two spaces end the list
		for _, p := range strings.Split(pkgs, ",") {
			if p = strings.TrimSpace(p); p != "" {
				floor[p] = len(lines) - i
			}
		}
	}
	if len(floor) == 0 {
		t.Fatalf("%s: no layer table", docGo)
	}
	return floor
}

// imports are the module's packages that the non-test Go files of each
// package folder import, by folder relative to the module ("." for main).
func imports(t *testing.T, dir string) (deps, testDeps map[string]map[string]bool) {
	t.Helper()
	deps, testDeps = map[string]map[string]bool{}, map[string]map[string]bool{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != dir && (strings.HasPrefix(n, ".") || n == "testdata" || n == "dist" || n == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, filepath.Dir(path))
		rel = filepath.ToSlash(rel)
		into := deps
		if strings.HasSuffix(path, "_test.go") {
			into = testDeps
		}
		if into[rel] == nil {
			into[rel] = map[string]bool{}
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if p == module {
				into[rel]["."] = true
			} else if rest, ok := strings.CutPrefix(p, module+"/"); ok {
				into[rel][rest] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return deps, testDeps
}

// TestImportsGoDown fails on an import that climbs or goes sideways, on a
// package the table does not place, and on checktest outside tests.
func TestImportsGoDown(t *testing.T) {
	dir := root(t)
	floor := layersOf(t, filepath.Join(dir, "checks", "doc.go"))
	deps, testDeps := imports(t, dir)
	const testOnly = "checks/checktest"
	for pkg, ds := range deps {
		if pkg == "checks" || pkg == testOnly || strings.HasPrefix(pkg, "checks/internal/layers") {
			continue
		}
		f, ok := floor[pkg]
		if !ok {
			t.Errorf("package %s is not in the table of checks/doc.go: place it on its layer", pkg)
			continue
		}
		for d := range ds {
			if d == testOnly {
				t.Errorf("%s imports %s, which is for tests only", pkg, d)
				continue
			}
			df, ok := floor[d]
			switch {
			case !ok:
				t.Errorf("%s imports %s, which the table of checks/doc.go does not place", pkg, d)
			case df >= f:
				t.Errorf("%s imports %s, which is on its own layer or above it (checks/doc.go)", pkg, d)
			}
		}
	}
	for pkg := range testDeps {
		if _, ok := floor[pkg]; !ok && pkg != testOnly && pkg != "checks" && !strings.HasPrefix(pkg, "checks/internal/layers") && pkg != "docs" {
			t.Errorf("tests of %s: the package is not in the table of checks/doc.go", pkg)
		}
	}
}

// TestTableCatchesAClimb is the test above on a made-up tree: engine
// importing session must be caught.
func TestTableCatchesAClimb(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, src string) {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("checks/doc.go", "//\tchecks/session  top\n//\tchecks/engine  bottom\npackage checks\n")
	write("checks/engine/e.go", "package engine\nimport _ \""+module+"/checks/session\"\n")
	write("checks/session/s.go", "package session\n")
	floor := layersOf(t, filepath.Join(dir, "checks", "doc.go"))
	deps, _ := imports(t, dir)
	climbs := 0
	for pkg, ds := range deps {
		for d := range ds {
			if df, ok := floor[d]; ok && df >= floor[pkg] {
				climbs++
			}
		}
	}
	if climbs != 1 {
		t.Fatalf("found %d climbing imports in a tree with one", climbs)
	}
}
