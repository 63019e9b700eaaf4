package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"codeberg.org/wsdoctor/wsdoctor/assets"
	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
)

// TestEveryLanguageEveryString: the include has each language once and
// each of the installer's strings in each language, as its catalogue says
// it.
func TestEveryLanguageEveryString(t *testing.T) {
	var b bytes.Buffer
	if err := write(&b, assets.Words()); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	for _, lang := range i18n.Languages {
		name := nsisLanguages[lang]
		if n := strings.Count(got, "!insertmacro MUI_LANGUAGE \""+name+"\"\n"); n != 1 {
			t.Errorf("%s: MUI_LANGUAGE %q %d times", lang, name, n)
		}
		w := i18n.MustLoad(lang)
		for _, s := range langStrings {
			text, _ := w.Raw(s.key)
			want := "LangString " + s.name + " ${LANG_" + strings.ToUpper(name) + "} \"" + strings.ReplaceAll(text, "{app}", "${APPNAME}") + "\"\n"
			if !strings.Contains(got, want) {
				t.Errorf("%s: no line %q in\n%s", lang, want, got)
			}
			if lang != "en" && text == i18n.English().T(s.key) {
				t.Errorf("%s: %s is left in English", lang, s.key)
			}
		}
	}
	if strings.Contains(got, "{app}") || !strings.Contains(got, "${APPNAME}") {
		t.Errorf("{app} not turned into ${APPNAME}:\n%s", got)
	}
}

func TestQuote(t *testing.T) {
	got, err := quote("Open {app} for $5 \"now\"\n")
	if want := `"Open ${APPNAME} for $$5 $\"now$\"$\n"`; err != nil || got != want {
		t.Errorf("quote = %s, %v; want %s", got, err, want)
	}
	if _, err := quote("Open {host}"); err == nil {
		t.Error("a placeholder the installer cannot fill is let through")
	}
}

// TestMissingTextFails: a text the installer needs that no catalogue has
// stops the build instead of leaving a blank in the installer.
func TestMissingTextFails(t *testing.T) {
	fsys := fstest.MapFS{}
	for _, lang := range i18n.Languages {
		fsys[lang+"/installer.json"] = &fstest.MapFile{Data: []byte(`{"installer.open_now":"x"}`)}
	}
	if err := write(&bytes.Buffer{}, fsys); err == nil || !strings.Contains(err.Error(), "no text for installer.path.name") {
		t.Errorf("write = %v", err)
	}
}

// TestNothingTranslatedByHand: the .nsi takes its languages and strings
// from the include, and has none of its own.
func TestNothingTranslatedByHand(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "wsdoctor.nsi"))
	if err != nil {
		t.Fatal(err)
	}
	nsi := string(b)
	if !strings.Contains(nsi, `!include /CHARSET=UTF8 "${LANGUAGES}"`) {
		t.Error("wsdoctor.nsi does not include ${LANGUAGES}")
	}
	for _, line := range strings.Split(nsi, "\n") {
		if f := strings.Fields(line); len(f) > 0 && (f[0] == "LangString" || len(f) > 1 && f[1] == "MUI_LANGUAGE") {
			t.Errorf("wsdoctor.nsi says by hand: %s", line)
		}
	}
}

// maxComponentWidth bounds a component's name on the installer's
// Components page, in columns (a CJK character takes two): the tree view
// there cuts longer names ("Add wsdoctor-cli to PATH (for terminals and
// scripts)" lost its end in every language). The description below the
// tree has room for the rest.
const maxComponentWidth = 34

func TestComponentNamesFit(t *testing.T) {
	for _, lang := range i18n.Languages {
		text, _ := i18n.MustLoad(lang).Raw("installer.path.name")
		width := 0
		for _, r := range text {
			width++
			if r >= 0x1100 && (r <= 0x115f || r >= 0x2e80 && r <= 0xa4cf || r >= 0xac00 && r <= 0xd7a3 || r >= 0xf900 && r <= 0xfaff || r >= 0xff00 && r <= 0xff60) {
				width++
			}
		}
		if width > maxComponentWidth {
			t.Errorf("%s: installer.path.name %q is %d columns wide, more than the %d the Components page shows", lang, text, width, maxComponentWidth)
		}
	}
}
