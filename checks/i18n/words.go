package i18n

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"math"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"codeberg.org/wsdoctor/wsdoctor/assets"
)

// Words are one language's words: every text a person reads (the window,
// the reports, the browser page, the findings, the installer), by key,
// read from the flat JSON catalogues under assets/words/<lang>/, with
// English wherever the language has no text yet. A Words is chosen once
// (in main.go) and handed to whatever writes words; it is never changed
// after Load, so it is safe for concurrent use.
//
// A text names its values in braces, "{host}"; a counted text has one
// key per CLDR plural form, "done_one", "done_other" (the i18next way),
// and the language's rules pick the form.
type Words struct {
	// Lang is the language, one of Languages.
	Lang    string
	tag     language.Tag
	texts   func() map[string]string // read on first use (see Load)
	printer *message.Printer
}

// pluralForms are the CLDR plural categories, as key suffixes.
var pluralForms = sync.OnceValue(func() map[plural.Form]string {
	return map[plural.Form]string{
		plural.Other: "other", plural.Zero: "zero", plural.One: "one",
		plural.Two: "two", plural.Few: "few", plural.Many: "many",
	}
})

// placeholder matches a named value in a text: {host}, {idle_limit}.
var placeholder = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\{([a-z][a-z0-9_]*)\}`)
})

// loaded reads each language's embedded catalogue once, on first use: a
// read-only table, itself made on first use, of one sync.OnceValues a
// language.
var loaded = sync.OnceValue(func() map[string]func() (*Words, error) {
	m := make(map[string]func() (*Words, error), len(Languages))
	for _, l := range Languages {
		m[l] = sync.OnceValues(func() (*Words, error) { return lazyLoad(assets.Words(), l) })
	}
	return m
})

// Load is the embedded catalogue of lang (a language tag or locale that
// Match takes; English when none matches), over English. It is read once
// and then shared: Words never change.
func Load(lang string) (*Words, error) {
	l, ok := Match(lang)
	if !ok {
		l = "en"
	}
	return loaded()[l]()
}

// MustLoad is Load for the embedded catalogues, which a test proves
// whole: it panics on an error.
func MustLoad(lang string) *Words {
	w, err := Load(lang)
	if err != nil {
		panic(err)
	}
	return w
}

// English is the English catalogue.
func English() *Words { return MustLoad("en") }

// Catalogue reads the texts of one language folder of fsys
// (<lang>/*.json): each file a flat JSON object of key and text. A key
// said in two files is an error.
func Catalogue(fsys fs.FS, lang string) (map[string]string, error) {
	files, err := fs.Glob(fsys, lang+"/*.json")
	if err != nil {
		return nil, fmt.Errorf("i18n: %w", err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("i18n: no catalogue for %q", lang)
	}
	texts := map[string]string{}
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, fmt.Errorf("i18n: %w", err)
		}
		var part map[string]string
		if err := json.Unmarshal(b, &part); err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", f, err)
		}
		for k, v := range part {
			if _, dup := texts[k]; dup {
				return nil, fmt.Errorf("i18n: %s: key %q is also in another file of %s", f, k, path.Dir(f))
			}
			texts[k] = v
		}
	}
	return texts, nil
}

// LoadFS is Load from another folder of catalogues (tests, a support
// team's own words): lang's texts over English's.
func LoadFS(fsys fs.FS, lang string) (*Words, error) {
	en, err := Catalogue(fsys, "en")
	if err != nil {
		return nil, err
	}
	texts := en
	if lang != "en" {
		own, err := Catalogue(fsys, lang)
		if err != nil {
			return nil, err
		}
		texts = maps.Clone(en)
		for k, v := range own {
			if v != "" {
				texts[k] = v
			}
		}
		// A counted text in lang replaces all of English's forms: its own
		// rules may have none of English's "one".
		for k := range own {
			if base, ok := pluralBase(k); ok {
				for _, f := range pluralForms() {
					if _, has := own[base+"_"+f]; !has {
						delete(texts, base+"_"+f)
					}
				}
				if _, has := texts[base+"_other"]; !has {
					texts[base+"_other"] = en[base+"_other"]
				}
			}
		}
	}
	tag, err := language.Parse(lang)
	if err != nil {
		return nil, fmt.Errorf("i18n: %q: %w", lang, err)
	}
	return &Words{Lang: lang, tag: tag, texts: func() map[string]string { return texts }, printer: message.NewPrinter(tag)}, nil
}

// lazyLoad is LoadFS with the catalogues read on the first text asked
// for, not before: a command that prints no sentence (version, help, a
// check's JSON) never parses them. The embedded catalogues are checked by
// the tests, so a read error there is a broken build, and panics.
func lazyLoad(fsys fs.FS, lang string) (*Words, error) {
	tag, err := language.Parse(lang)
	if err != nil {
		return nil, fmt.Errorf("i18n: %q: %w", lang, err)
	}
	texts := sync.OnceValue(func() map[string]string {
		w, err := LoadFS(fsys, lang)
		if err != nil {
			panic(err)
		}
		return w.texts()
	})
	return &Words{Lang: lang, tag: tag, texts: texts, printer: message.NewPrinter(tag)}, nil
}

// pluralBase is "done" for "done_one": the key without its plural
// suffix, and whether it has one.
func pluralBase(key string) (string, bool) {
	i := strings.LastIndexByte(key, '_')
	if i < 0 {
		return "", false
	}
	suffix := key[i+1:]
	for _, f := range pluralForms() {
		if f == suffix {
			return key[:i], true
		}
	}
	return "", false
}

// Has reports whether there is a text for key (or, for a counted text,
// its "other" form).
func (w *Words) Has(key string) bool {
	_, ok := w.texts()[key]
	if !ok {
		_, ok = w.texts()[key+"_other"]
	}
	return ok
}

// Keys are the keys that start with prefix, sorted: for a part read as a
// whole (the findings, the glossary).
func (w *Words) Keys(prefix string) []string {
	var keys []string
	for k := range w.texts() {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// Raw is the text of key with its placeholders left as they are (for
// the diagnosis, which fills them itself), and whether there is one.
func (w *Words) Raw(key string) (string, bool) {
	s, ok := w.texts()[key]
	return s, ok
}

// T is the text of key with its placeholders filled from args, pairs of
// name and value: T("conn.proxy_at", "address", addr). Strings are put
// in as they are, floats and durations as this language writes them
// ("0,1" in German); integers without grouping (ports, codes, counts). A
// key with no text comes back as the key itself, so a gap shows and
// never panics (a test proves there is none).
func (w *Words) T(key string, args ...any) string {
	s, ok := w.texts()[key]
	if !ok {
		return key
	}
	return w.fill(s, args)
}

// N is the counted text of key for n: the plural form this language's
// rules give n ("done_one", "done_other"), with {n} and args filled.
func (w *Words) N(key string, n int, args ...any) string {
	form := "other"
	if f, ok := pluralForms()[plural.Cardinal.MatchPlural(w.tag, abs(n), 0, 0, 0, 0)]; ok {
		form = f
	}
	s, ok := w.texts()[key+"_"+form]
	if !ok {
		if s, ok = w.texts()[key+"_other"]; !ok {
			return key
		}
	}
	return w.fill(s, append([]any{"n", n}, args...))
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// fill puts args' values into s's placeholders; one args does not name
// stays as it is.
func (w *Words) fill(s string, args []any) string {
	if len(args) == 0 || !strings.Contains(s, "{") {
		return s
	}
	vals := make(map[string]string, len(args)/2)
	for i := 0; i+1 < len(args); i += 2 {
		name, _ := args[i].(string)
		vals[name] = w.Format(args[i+1])
	}
	return placeholder().ReplaceAllStringFunc(s, func(m string) string {
		if v, ok := vals[m[1:len(m)-1]]; ok {
			return v
		}
		return m
	})
}

// Format writes one value as this language does: a float with up to two
// decimals, a duration as Duration, an integer as it is.
func (w *Words) Format(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return w.Float(v, decimalsOf(v))
	case time.Duration:
		return w.Duration(v)
	case fmt.Stringer:
		return v.String()
	case error:
		return v.Error()
	}
	return fmt.Sprint(v)
}

// decimalsOf is how many decimals a float is shown with: none when it is
// whole, else up to two, trailing zeros dropped.
func decimalsOf(f float64) int {
	for d := 0; d < 2; d++ {
		p := math.Pow(10, float64(d))
		if math.Abs(math.Round(f*p)-f*p) < 1e-9 {
			return d
		}
	}
	return 2
}

// Float is f with digits decimals, in this language's way ("0,1" in
// German, "0.1" in English), without grouping.
func (w *Words) Float(f float64, digits int) string {
	s := strconv.FormatFloat(f, 'f', digits, 64)
	if sep := w.decimalSeparator(); sep != "." {
		s = strings.Replace(s, ".", sep, 1)
	}
	return s
}

// decimalSeparator is this language's decimal separator, as x/text's
// CLDR tables give it.
func (w *Words) decimalSeparator() string {
	s := w.printer.Sprintf("%.1f", 0.5)
	return strings.TrimSuffix(strings.TrimPrefix(s, "0"), "5")
}

// Duration is a measured time in this language's numbers, as reports
// and probe rows show it: "0,1 ms" (under 10 ms, one decimal), "15 ms",
// "1,25 s" (under 10 s, two decimals), "42 s". Units are words of the
// catalogue (unit.*).
func (w *Words) Duration(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case ms >= 10000:
		return w.T("unit.s", "n", w.Float(ms/1000, 0))
	case ms >= 1000:
		return w.T("unit.s", "n", w.Float(ms/1000, 2))
	case ms >= 10:
		return w.T("unit.ms", "n", w.Float(ms, 0))
	}
	return w.T("unit.ms", "n", w.Float(ms, 1))
}

// Span is a length of time the way a person says it, to the second:
// "45 s", "2 min", "1 min 30 s" (countdowns, the idle test's limits).
func (w *Words) Span(d time.Duration) string {
	d = d.Round(time.Second)
	if d < time.Minute {
		return w.T("unit.s", "n", strconv.Itoa(int(d.Seconds())))
	}
	m, s := int(d.Minutes()), int(d.Seconds())%60
	if s == 0 {
		return w.T("unit.min", "n", strconv.Itoa(m))
	}
	return w.T("unit.min_s", "min", strconv.Itoa(m), "s", strconv.Itoa(s))
}

// Date is t as a date and time in this language's usual order, for
// headings and file lists: "2026-12-06 09:41" in every language but
// those that write the day first ("06.12.2026 09:41" in German,
// "06/12/2026 09:41" in French, Spanish and Portuguese) and the
// year-month-day ones (Japanese and Chinese: "2026/12/06 09:41").
func (w *Words) Date(t time.Time) string {
	return t.Format(w.T("unit.date_layout"))
}

// Placeholders are the names in braces in s, sorted, each once.
func Placeholders(s string) []string {
	var names []string
	for _, m := range placeholder().FindAllStringSubmatch(s, -1) {
		if !slices.Contains(names, m[1]) {
			names = append(names, m[1])
		}
	}
	slices.Sort(names)
	return names
}

// RetiredKey is the key of a language's retired names: the words the
// vocabulary no longer uses ("network administrator" became "IT team"),
// separated by "|". Each language lists its own (in findings.json).
const RetiredKey = "retired.words"

// ListSep separates the words of a text that is a list of words: a
// glossary term's names, a language's jargon and retired names.
const ListSep = "|"

// List is the text of key as a list of words (ListSep between them),
// blanks dropped; nil when there is no text.
func (w *Words) List(key string) []string { return splitList(w.texts()[key]) }

// splitList splits a list of words.
func splitList(s string) []string {
	var out []string
	for _, w := range strings.Split(s, ListSep) {
		if w = strings.TrimSpace(w); w != "" {
			out = append(out, w)
		}
	}
	return out
}

// retiredIn is the first of retired that the text of key uses, in any
// case, or "". Texts for the IT team (a key with an "admin" part:
// admin.header, finding.dns-failure.admin) may name the roles as
// administrators do; the list itself is no text.
func retiredIn(key, text string, retired []string) string {
	if key == RetiredKey || slices.Contains(strings.Split(key, "."), "admin") {
		return ""
	}
	lower := strings.ToLower(text)
	for _, r := range retired {
		if strings.Contains(lower, strings.ToLower(r)) {
			return r
		}
	}
	return ""
}

// Problems are what is wrong with the catalogues of fsys, for every
// language: a key English does not have, a key English has and lang
// lacks (unless allowMissing says it may), placeholders that differ
// from English's, a brace that is no {placeholder}, a retired name in
// a text a person reads (RetiredKey), a counted text without the forms
// lang's plural rules use, a text that is not a string, a key in two
// files. It covers every part (the window, the reports, the browser
// page, the findings, the installer): one check for all. Nil means
// whole.
func Problems(fsys fs.FS, allowMissing func(lang, key string) bool) []error {
	var errs []error
	en, err := Catalogue(fsys, "en")
	if err != nil {
		return []error{err}
	}
	for _, lang := range Languages {
		texts, err := Catalogue(fsys, lang)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		tag := language.MustParse(lang)
		needed := formsOf(tag)
		retired := splitList(texts[RetiredKey])
		for _, k := range slices.Sorted(maps.Keys(texts)) {
			base, counted := pluralBase(k)
			enKey := k
			if counted {
				enKey = base + "_other"
			}
			enText, ok := en[enKey]
			if !ok {
				errs = append(errs, fmt.Errorf("%s: key %q is not in English", lang, k))
				continue
			}
			if !slices.Equal(Placeholders(texts[k]), placeholdersBut(enText, counted)) && !slices.Equal(Placeholders(texts[k]), Placeholders(enText)) {
				errs = append(errs, fmt.Errorf("%s: %q has placeholders %v, English %v", lang, k, Placeholders(texts[k]), Placeholders(enText)))
			}
			if strings.TrimSpace(texts[k]) == "" {
				errs = append(errs, fmt.Errorf("%s: %q is empty", lang, k))
			}
			if rest := placeholder().ReplaceAllString(texts[k], ""); strings.ContainsAny(rest, "{}") {
				errs = append(errs, fmt.Errorf("%s: %q has a brace that is no placeholder {name}: %q", lang, k, texts[k]))
			}
			if r := retiredIn(k, texts[k], retired); r != "" {
				errs = append(errs, fmt.Errorf("%s: %q uses the retired name %q: %q", lang, k, r, texts[k]))
			}
		}
		for _, k := range slices.Sorted(maps.Keys(en)) {
			base, counted := pluralBase(k)
			if counted {
				if f := strings.TrimPrefix(k, base+"_"); f != "other" {
					continue // English's own forms; lang's are checked below
				}
				for _, f := range needed {
					if _, ok := texts[base+"_"+f]; !ok && (allowMissing == nil || !allowMissing(lang, k)) {
						errs = append(errs, fmt.Errorf("%s: counted text %q lacks its %q form", lang, base, f))
					}
				}
				continue
			}
			if _, ok := texts[k]; !ok && lang != "en" && (allowMissing == nil || !allowMissing(lang, k)) {
				errs = append(errs, fmt.Errorf("%s: no text for %q", lang, k))
			}
		}
	}
	return errs
}

// placeholdersBut is s's placeholders without {n}: a counted text's form
// for exactly one may say "one" in words instead of {n}.
func placeholdersBut(s string, counted bool) []string {
	p := Placeholders(s)
	if counted {
		p = slices.DeleteFunc(p, func(n string) bool { return n == "n" })
	}
	return p
}

// formsOf are the plural forms tag's rules give some whole number, as
// key suffixes, "other" always among them.
func formsOf(tag language.Tag) []string {
	seen := map[string]bool{"other": true}
	for n := 0; n <= 1000; n++ {
		seen[pluralForms()[plural.Cardinal.MatchPlural(tag, n, 0, 0, 0, 0)]] = true
	}
	for _, n := range []int{1000000, 2000000} {
		seen[pluralForms()[plural.Cardinal.MatchPlural(tag, n, 0, 0, 0, 0)]] = true
	}
	return slices.Sorted(maps.Keys(seen))
}
