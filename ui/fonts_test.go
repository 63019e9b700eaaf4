package ui

import (
	"bytes"
	"encoding/json"
	"go/scanner"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"github.com/go-text/typesetting/font"

	"codeberg.org/wsdoctor/wsdoctor/assets"
	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
)

// TestFontsCarryEveryCharacter: every character of every catalogue, and
// of the window's own string literals, is drawn by a font the program
// carries (the theme's cut of Noto Sans CJK, or Fyne's Latin font), in
// regular and bold, so no glyph depends on the machine's fonts. When it
// fails after a new translation, run make fonts.
func TestFontsCarryEveryCharacter(t *testing.T) {
	window := windowRunes(t)
	names := map[rune]bool{}
	for _, l := range i18n.Languages {
		for _, r := range i18n.MustLoad(l).T("language.name") {
			names[r] = true
		}
	}
	for _, lang := range i18n.Languages {
		need := catalogueRunes(t, lang)
		for r := range window {
			need[r] = true
		}
		for r := range names { // the language picker shows them all
			need[r] = true
		}
		th := Theme(lang)
		for _, style := range []fyne.TextStyle{{}, {Bold: true}} {
			faces := []*font.Face{parseFont(t, th.Font(style)), parseFont(t, theme.DefaultTextFont())}
			if style.Bold {
				faces[1] = parseFont(t, theme.DefaultTextBoldFont())
			}
			var missing []rune
			for r := range need {
				if !drawn(faces, r) {
					missing = append(missing, r)
				}
			}
			if len(missing) > 0 {
				t.Errorf("%s (bold %v): no carried font draws %q; run make fonts", lang, style.Bold, string(missing))
			}
		}
	}
}

// TestCarriedFontsHaveNoLatin: the carried fonts leave Latin text to
// Fyne's font, so the Latin languages look as they did.
func TestCarriedFontsHaveNoLatin(t *testing.T) {
	for _, lang := range []string{"en", "ja"} {
		f := parseFont(t, Theme(lang).Font(fyne.TextStyle{}))
		for _, r := range "AZaz09.,é" {
			if _, ok := f.NominalGlyph(r); ok {
				t.Errorf("%s: the carried font has %q; Fyne's font should draw it", lang, r)
			}
		}
	}
}

func drawn(faces []*font.Face, r rune) bool {
	if unicode.IsControl(r) {
		return true
	}
	for _, f := range faces {
		if _, ok := f.NominalGlyph(r); ok {
			return true
		}
	}
	return false
}

func parseFont(t *testing.T, res fyne.Resource) *font.Face {
	t.Helper()
	f, err := font.ParseTTF(bytes.NewReader(res.Content()))
	if err != nil {
		t.Fatalf("%s: %v", res.Name(), err)
	}
	return f
}

// catalogueRunes is every character of lang's catalogues.
func catalogueRunes(t *testing.T, lang string) map[rune]bool {
	t.Helper()
	out := map[rune]bool{}
	files, err := fs.Glob(assets.Words(), lang+"/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("%s: no catalogues (%v)", lang, err)
	}
	for _, name := range files {
		b, err := fs.ReadFile(assets.Words(), name)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, v := range m {
			for _, r := range v {
				out[r] = true
			}
		}
	}
	return out
}

// windowRunes is every non-ASCII character in the string literals of the
// window's code (the symbols it draws: •, ›, …).
func windowRunes(t *testing.T) map[rune]bool {
	t.Helper()
	files, _ := filepath.Glob("*.go")
	files = append(files, filepath.Join("..", "window.go"))
	out := map[rune]bool{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var s scanner.Scanner
		fset := token.NewFileSet()
		s.Init(fset.AddFile(name, -1, len(src)), src, nil, 0)
		for {
			_, tok, lit := s.Scan()
			if tok == token.EOF {
				break
			}
			if tok != token.STRING && tok != token.CHAR {
				continue
			}
			v, err := strconv.Unquote(lit)
			if err != nil {
				continue
			}
			for _, r := range v {
				if r > unicode.MaxASCII {
					out[r] = true
				}
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("no symbol found in the window's code: the scan is broken")
	}
	return out
}
