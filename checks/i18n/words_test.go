package i18n

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/assets"
)

// TestCataloguesWhole: every language has every key English has, with
// the same placeholders, and the plural forms its rules use.
func TestCataloguesWhole(t *testing.T) {
	for _, err := range Problems(assets.Words(), nil) {
		t.Error(err)
	}
	for _, l := range Languages {
		if _, err := Load(l); err != nil {
			t.Error(err)
		}
	}
	for _, l := range Languages {
		if own, _ := Catalogue(assets.Words(), l); len(splitList(own[RetiredKey])) == 0 {
			t.Errorf("%s lists no retired names (%s)", l, RetiredKey)
		}
	}
	if got := MustLoad("pt-BR").T("language.name"); got != "Português (Brasil)" {
		t.Errorf("a language's name in itself: %q", got)
	}
}

func TestNumbersFollowTheLanguage(t *testing.T) {
	for _, tt := range []struct {
		lang string
		d    time.Duration
		want string
	}{
		{"en", 100 * time.Microsecond, "0.1 ms"},
		{"de", 100 * time.Microsecond, "0,1 ms"},
		{"fr", 1250 * time.Millisecond, "1,25 s"},
		{"pt-BR", 42 * time.Millisecond, "42 ms"},
		{"ja", 2500 * time.Microsecond, "2.5ミリ秒"},
		{"de", 12 * time.Second, "12 s"},
	} {
		if got := MustLoad(tt.lang).Duration(tt.d); got != tt.want {
			t.Errorf("%s %v: %q, want %q", tt.lang, tt.d, got, tt.want)
		}
	}
	if got := MustLoad("de").Span(90 * time.Second); got != "1 min 30 s" {
		t.Errorf("span: %q", got)
	}
	if got := MustLoad("de").T("unit.ms", "n", 0.5); got != "0,5 ms" {
		t.Errorf("a float placeholder: %q", got)
	}
	if got := MustLoad("de").T("unit.ms", "n", 8080); got != "8080 ms" {
		t.Errorf("an integer is not grouped: %q", got)
	}
}

func testFS() fstest.MapFS {
	return fstest.MapFS{
		"en/a.json": {Data: []byte(`{"hello":"Hello {name}","done_one":"{n} probe done","done_other":"{n} probes done","only.en":"x"}`)},
		"de/a.json": {Data: []byte(`{"hello":"Hallo {name}","done_one":"{n} Test fertig","done_other":"{n} Tests fertig"}`)},
		"ja/a.json": {Data: []byte(`{"hello":"こんにちは {name}","done_other":"{n} 件完了"}`)},
	}
}

func TestPluralsAndFallback(t *testing.T) {
	de, err := LoadFS(testFS(), "de")
	if err != nil {
		t.Fatal(err)
	}
	if got := de.N("done", 1); got != "1 Test fertig" {
		t.Errorf("one: %q", got)
	}
	if got := de.N("done", 3); got != "3 Tests fertig" {
		t.Errorf("other: %q", got)
	}
	if got := de.T("only.en"); got != "x" {
		t.Errorf("English fallback: %q", got)
	}
	if got := de.T("hello", "name", "Welt"); got != "Hallo Welt" {
		t.Errorf("placeholder: %q", got)
	}
	ja, err := LoadFS(testFS(), "ja")
	if err != nil {
		t.Fatal(err)
	}
	if got := ja.N("done", 1); got != "1 件完了" {
		t.Errorf("Japanese has one form, and English's 'one' must not leak: %q", got)
	}
	if got := de.T("no.such.key"); got != "no.such.key" {
		t.Errorf("missing key: %q", got)
	}
}

func TestProblemsFound(t *testing.T) {
	fs := testFS()
	fs["de/a.json"] = &fstest.MapFile{Data: []byte(`{"hello":"Hallo {nom}","done_other":"{n} Tests","extra":"y"}`)}
	// The retired names are one part's key; the check covers every part,
	// but for the texts for the IT team ("admin" in the key).
	fs["en/b.json"] = &fstest.MapFile{Data: []byte(`{"retired.words":"network administrator|web master","note":"Ask your Network Administrator {name}.","admin.note":"For the network administrator.","brace":"{Host} and {host"}`)}
	fs["de/b.json"] = &fstest.MapFile{Data: []byte(`{"retired.words":"Netzwerkadministrator","note":"Fragen Sie Ihr IT-Team {name}.","admin.note":"Für den Netzwerkadministrator.","brace":"{host}"}`)}
	fs["ja/b.json"] = &fstest.MapFile{Data: []byte(`{"retired.words":"ネットワーク管理者","note":"IT担当者 {name}","admin.note":"x","brace":"x"}`)}
	var all []string
	for _, e := range Problems(fs, nil) {
		all = append(all, e.Error())
	}
	joined := strings.Join(all, "\n")
	for _, want := range []string{
		`de: "hello" has placeholders [nom]`,
		`de: key "extra" is not in English`,
		`de: counted text "done" lacks its "one" form`,
		`de: no text for "only.en"`,
		`en: "note" uses the retired name "network administrator"`,
		`en: "brace" has a brace that is no placeholder`,
	} {
		if !strings.Contains(joined, want) {
			t.Errorf("not reported: %s\nall:\n%s", want, joined)
		}
	}
	for _, wrong := range []string{`"admin.note" uses`, `"retired.words" uses`, `de: "brace" has a brace`} {
		if strings.Contains(joined, wrong) {
			t.Errorf("reported: %s\nall:\n%s", wrong, joined)
		}
	}
	de, err := LoadFS(fs, "de")
	if err != nil {
		t.Fatal(err)
	}
	if got := de.List("retired.words"); len(got) != 1 || got[0] != "Netzwerkadministrator" {
		t.Errorf("List: %q", got)
	}
}

// countingFS counts the files opened through it.
type countingFS struct {
	fstest.MapFS
	opened *int
}

func (c countingFS) Open(name string) (fs.File, error) { *c.opened++; return c.MapFS.Open(name) }

func (c countingFS) ReadFile(name string) ([]byte, error) { *c.opened++; return c.MapFS.ReadFile(name) }

// TestLoadReadsOnFirstUse: the embedded catalogues are read at the first
// text asked for, not when the words are loaded (version and help ask for
// none), and once.
func TestLoadReadsOnFirstUse(t *testing.T) {
	opened := 0
	fsys := countingFS{fstest.MapFS{
		"en/a.json": {Data: []byte(`{"hello": "Hello {name}"}`)},
		"de/a.json": {Data: []byte(`{"hello": "Hallo {name}"}`)},
	}, &opened}
	w, err := lazyLoad(fsys, "de")
	if err != nil {
		t.Fatal(err)
	}
	if opened != 0 {
		t.Fatalf("loading opened %d files before any text was asked for", opened)
	}
	if got := w.T("hello", "name", "Ann"); got != "Hallo Ann" {
		t.Errorf("T = %q", got)
	}
	after := opened
	if after == 0 {
		t.Fatal("no file read for the first text")
	}
	w.T("hello", "name", "Bo")
	if opened != after {
		t.Errorf("the second text read the catalogues again (%d opens, then %d)", after, opened)
	}
}
