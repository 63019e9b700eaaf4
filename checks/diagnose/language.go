package diagnose

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"codeberg.org/wsdoctor/wsdoctor/checks/engine"
	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
)

// catalogues build each language's catalogue once, on first use, from
// its embedded words: a read-only table, itself made on first use, of one
// sync.OnceValues a language.
var catalogues = sync.OnceValue(func() map[string]func() (*Catalogue, error) {
	m := make(map[string]func() (*Catalogue, error), len(i18n.Languages))
	for _, lang := range i18n.Languages {
		m[lang] = sync.OnceValues(func() (*Catalogue, error) {
			w, err := i18n.Load(lang)
			if err != nil {
				return nil, fmt.Errorf("diagnose: %w", err)
			}
			return NewCatalogue(w)
		})
	}
	return m
})

// Default is the embedded English catalogue. It is checked by the tests; a
// broken one is a build mistake, so Default panics rather than diagnose
// without words.
func Default() *Catalogue {
	c, err := catalogues()["en"]()
	if err != nil {
		panic(err)
	}
	return c
}

// CatalogueFor is the embedded catalogue of lang ("de", "pt-BR"...), or
// an error when there is none or it is broken. What a language lacks is
// said in English (i18n.Load), so a finding added in English but not yet
// translated is shown in English rather than the whole language refused;
// the tests (i18n.Problems) still list every text not translated.
func CatalogueFor(lang string) (*Catalogue, error) {
	if lang == "" {
		lang = "en"
	}
	build, ok := catalogues()[lang]
	if !ok {
		return nil, fmt.Errorf("diagnose: no catalogue for %q; languages: %s", lang, strings.Join(i18n.Languages, ", "))
	}
	return build()
}

// MustCatalogue is CatalogueFor for a language known to exist: English
// when it does not.
func MustCatalogue(lang string) *Catalogue {
	if c, err := CatalogueFor(lang); err == nil {
		return c
	}
	return Default()
}

// CodeText is the sentence the window shows for a probe's code: the
// probe's own words for its code family, else the family's, else the
// catalogue's words for an unknown code. It never returns the code.
func (c *Catalogue) CodeText(probe, code string) string {
	fam, value := engine.CodeFamily(code)
	s, ok := c.Codes[probe+"."+fam]
	if !ok {
		s, ok = c.Codes[fam]
	}
	if !ok {
		s = c.Codes["error"]
	}
	return c.fill(s, map[string]string{"status": value})
}

// TermsIn are the glossary entries whose words the texts use, in glossary
// order: what a finding card explains under "What do these words mean?".
func (c *Catalogue) TermsIn(texts ...string) []Term {
	all := strings.Join(texts, "\n")
	var out []Term
	for _, t := range c.Glossary {
		if usesWord(all, t.Words) {
			out = append(out, t)
		}
	}
	return out
}

// UniversalJargon are technical words in every language: a person's
// text that uses one must find it in the glossary.
var UniversalJargon = []string{
	"TLS", "DNS", "HTTP", "HTTP/1.1", "SNI", "ClientHello", "CONNECT", "PAC", "WPAD",
	"IPv4", "IPv6", "VPN", "proxy", "WebSocket", "header", "headers", "Upgrade",
}

// personTexts are the texts of c a person reads in the window and the
// reports (not the admin note, which is for the IT team), by where they
// are.
func (c *Catalogue) personTexts() map[string]string {
	out := map[string]string{}
	for id, t := range c.Findings {
		out[id+".title"] = t.Title
		out[id+".explanation"] = t.Explanation
		for i, s := range t.Steps {
			out[fmt.Sprintf("%s.steps[%d]", id, i)] = s
		}
		for cs, ct := range t.Cases {
			out[id+"."+cs+".title"] = ct.Title
			out[id+"."+cs+".explanation"] = ct.Explanation
			for i, s := range ct.Steps {
				out[fmt.Sprintf("%s.%s.steps[%d]", id, cs, i)] = s
			}
		}
	}
	for k, v := range c.Labels {
		if strings.HasPrefix(k, "verdict.") || strings.HasPrefix(k, "fixer.") || strings.HasPrefix(k, "severity.") ||
			k == "cause" || k == "attention" || k == "who" || k == "uncertain" || k == "steps" || k == "admin_note" {
			out["label "+k] = v
		}
	}
	for k, v := range c.Codes {
		out["codes "+k] = v
	}
	return out
}

// CheckVocabulary reports every person's text that uses a technical word
// (the catalogue's jargon, or UniversalJargon) that the glossary does not
// explain. Retired names are i18n.Problems' to find, in every part.
func (c *Catalogue) CheckVocabulary() error {
	var glossed []string
	for _, t := range c.Glossary {
		glossed = append(glossed, t.Words...)
	}
	var errs []error
	texts := c.personTexts()
	keys := make([]string, 0, len(texts))
	for k := range texts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		// Placeholders and command-line flags are not words a person reads
		// as such: "{proxy}" becomes the proxy's address.
		s := flagRE().ReplaceAllString(placeholderRE().ReplaceAllString(texts[k], "X"), "X")
		// A glossed term that holds a jargon word ("HTTP/2") explains it
		// there.
		for _, g := range glossed {
			if strings.ContainsAny(g, "/.") {
				s = strings.ReplaceAll(s, g, "X")
			}
		}
		for _, j := range append(slices.Clone(UniversalJargon), c.Jargon...) {
			if usesJargon(s, j) && !slices.ContainsFunc(glossed, func(g string) bool { return strings.EqualFold(g, j) || usesWord(j, []string{g}) }) {
				errs = append(errs, fmt.Errorf("%s: uses %q, which the glossary does not explain", k, j))
			}
		}
	}
	return errors.Join(errs...)
}

var flagRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`--[a-z-]+`)
})

// usesJargon is usesWord, with case kept for all-capital words ("PAC"
// is jargon, "pac" in a word is not).
func usesJargon(s, j string) bool {
	if strings.ToUpper(j) == j && !unspaced(j) {
		return usesWordCase(s, j)
	}
	return usesWord(s, []string{j})
}

func lastRune(s string) rune  { r, _ := utf8.DecodeLastRuneInString(s); return r }
func firstRune(s string) rune { r, _ := utf8.DecodeRuneInString(s); return r }

// unspaced reports whether w is written in a script without spaces
// between words (Chinese, Japanese), where only a plain match can work.
func unspaced(w string) bool {
	return strings.ContainsFunc(w, func(r rune) bool {
		return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana)
	})
}

// usesWordCase is usesWord with case kept.
func usesWordCase(text, w string) bool {
	for i := 0; i <= len(text); {
		j := strings.Index(text[i:], w)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(w)
		if !isWordRune(lastRune(text[:start])) && !isWordRune(firstRune(text[end:])) {
			return true
		}
		i = start + 1
	}
	return false
}
