package report

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
)

// engineReasons are the reasons the engine's sources write into a result:
// every string (or fmt.Sprintf format, or a string before "+") assigned to
// a Reason, passed to the runner's skip or the TLS probe's certProblem, or
// returned as the reason of transportFailure and chainProblem. A verb
// (%s, %d, %q, %v) stands for a value.
func engineReasons(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../engine/*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var out []string
	add := func(e ast.Expr) {
		if s, ok := reasonFormat(e); ok {
			out = append(out, s)
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
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				for i, l := range n.Lhs {
					if sel, ok := l.(*ast.SelectorExpr); ok && sel.Sel.Name == "Reason" && len(n.Rhs) == len(n.Lhs) {
						add(n.Rhs[i])
					}
				}
			case *ast.KeyValueExpr:
				if id, ok := n.Key.(*ast.Ident); ok && id.Name == "Reason" {
					add(n.Value)
				}
			case *ast.CallExpr:
				if id, ok := n.Fun.(*ast.Ident); ok && (id.Name == "skip" || id.Name == "certProblem") && len(n.Args) >= 2 {
					add(n.Args[1])
				}
			case *ast.FuncDecl:
				if n.Name.Name != "transportFailure" && n.Name.Name != "chainProblem" {
					return true
				}
				ast.Inspect(n.Body, func(m ast.Node) bool {
					if r, ok := m.(*ast.ReturnStmt); ok && len(r.Results) == 2 {
						add(r.Results[1])
					}
					return true
				})
			}
			return true
		})
	}
	return out
}

// reasonFormat is the format e writes, when it is a literal, a Sprintf of
// one, or a literal followed by "+ something".
func reasonFormat(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind == token.STRING {
			s, err := strconv.Unquote(e.Value)
			return s, err == nil
		}
	case *ast.CallExpr:
		if sel, ok := e.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Sprintf" && len(e.Args) > 0 {
			return reasonFormat(e.Args[0])
		}
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			if s, ok := reasonFormat(e.X); ok {
				return s + "%s", true
			}
		}
	}
	return "", false
}

// sampleOf fills a format's verbs with sample values.
func sampleOf(format string) string {
	return regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z]`).ReplaceAllStringFunc(format, func(v string) string {
		switch v[len(v)-1] {
		case 'd':
			return "3"
		case 'q':
			return `"example"`
		}
		return "X9"
	})
}

// nestedSamples are the reasons whose values are phrases of the runner
// (outcomeWords, stopWhy): what they look like filled.
var nestedSamples = map[string][]string{
	"needs %s, which %s":           {"needs tcp, which failed: X9", "needs tcp, which was skipped: X9", "needs tcp, which failed", "needs upgrade, which was skipped"},
	"not tested on its own: %s %s": {"not tested on its own: tcp failed: X9", "not tested on its own: tcp was skipped: X9", "not tested on its own: tcp failed", "not tested on its own: tls was skipped"},
}

// TestEveryEngineReasonHasWords: every reason the engine writes has its
// sentence in the catalogues (report.detail.*), so a German or Japanese
// report says it in its own language. A new reason in the engine fails
// here until its words are added in all seven languages.
func TestEveryEngineReasonHasWords(t *testing.T) {
	wd := wordingOf(i18n.MustLoad("de"))
	formats := engineReasons(t)
	if len(formats) < 50 {
		t.Fatalf("found only %d reasons in the engine's sources", len(formats))
	}
	for _, f := range formats {
		samples, ok := nestedSamples[f]
		if !ok {
			samples = []string{sampleOf(f)}
		}
		for _, s := range samples {
			if _, _, ok := wd.matchDetail(s); !ok {
				t.Errorf("the engine's reason %q (as %q) has no report.detail.* sentence in assets/words/en/report.json", f, s)
			}
		}
	}
	for _, s := range []string{"the run's time limit was reached", "the run was cancelled", "pings every 25s kept a connection open"} {
		if _, _, ok := wd.matchDetail(s); !ok {
			t.Errorf("%q has no report.detail.* sentence", s)
		}
	}
}

func TestReasonInGerman(t *testing.T) {
	wd := wordingOf(i18n.MustLoad("de"))
	for in, want := range map[string]string{
		"no address connects on port 9 (refused)": "keine Adresse nimmt Verbindungen auf Port 9 an (refused)",
		"needs upgrade, which was skipped: not tested on its own: tcp failed: no address connects on port 9 (refused)": "braucht WebSocket-Handshake, und das wurde nicht geprüft: nicht eigens geprüft, weil Verbindung (TCP) gescheitert ist: keine Adresse nimmt Verbindungen auf Port 9 an (refused)",
		"stopped before it started (the run was cancelled)":                                                            "angehalten, bevor es losging (die Prüfung wurde abgebrochen)",
		"something a newer version says":                                                                               "something a newer version says",
	} {
		if got := wd.reason(in); got != want {
			t.Errorf("reason(%q)\n got %q\nwant %q", in, got, want)
		}
	}
	if en := wordingOf(nil); en.reason("no address connects on port 9 (refused)") != "no address connects on port 9 (refused)" {
		t.Error("English changed the engine's reason")
	}
}
