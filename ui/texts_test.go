package ui

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"testing"

	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
)

// sameInEveryLanguage are the texts that are names or examples, the same
// in English and the other languages.
var sameInEveryLanguage = []string{
	"WebSocket Doctor", "Cookie", "Proxy", "VPN", "Internet", "Markdown", "< 1 ms", "%d ms", "%.1f s",
	"%s: %s", "http://proxy.example.com:8080", "Start", "Problem", "Service", "Info", "Notes", "Note",
	"Options", "Stop", "Online", "Web", "OK", "Advanced", "1 minute", "2 minutes", "3 minutes", "5 minutes",
}

var verbRE = regexp.MustCompile(`%[-+# 0]*[0-9.]*[a-zA-Z%]`)

// eachText calls f with every string of w, by its place ("Steps[2]",
// "AddressBad[host]").
func eachText(w Words, f func(where, s string)) {
	v := reflect.ValueOf(w)
	for i := 0; i < v.NumField(); i++ {
		name := v.Type().Field(i).Name
		fv := v.Field(i)
		switch fv.Kind() {
		case reflect.String:
			f(name, fv.String())
		case reflect.Slice, reflect.Array:
			for j := 0; j < fv.Len(); j++ {
				f(fmt.Sprintf("%s[%d]", name, j), fv.Index(j).String())
			}
		case reflect.Map:
			for _, k := range fv.MapKeys() {
				f(fmt.Sprintf("%s[%v]", name, k.Interface()), fv.MapIndex(k).String())
			}
		}
	}
}

// TestTranslationsComplete: every language has every text of English,
// with the same placeholders, and none is left in English but names.
func TestTranslationsComplete(t *testing.T) {
	en := map[string]string{}
	eachText(English, func(where, s string) { en[where] = s })
	for _, lang := range i18n.Languages {
		if lang == "en" {
			continue
		}
		t.Run(lang, func(t *testing.T) {
			w, ok := translations[lang]
			if !ok {
				t.Fatalf("the window has no words in %s", lang)
			}
			got := map[string]string{}
			eachText(*w, func(where, s string) { got[where] = s })
			for where, e := range en {
				s, ok := got[where]
				switch {
				case !ok || s == "":
					t.Errorf("%s: missing", where)
				case !slices.Equal(verbs(s), verbs(e)):
					t.Errorf("%s: placeholders %q, English has %q", where, verbs(s), verbs(e))
				case s == e && !slices.Contains(sameInEveryLanguage, s):
					t.Errorf("%s: left in English: %q", where, s)
				}
			}
			for where := range got {
				if _, ok := en[where]; !ok {
					t.Errorf("%s: not a text of English", where)
				}
			}
		})
	}
}

func verbs(s string) []string {
	v := verbRE.FindAllString(s, -1)
	slices.Sort(v)
	return v
}

// TestUntranslatedShowsEnglish: a text a language lacks is shown in
// English, never empty.
func TestUntranslatedShowsEnglish(t *testing.T) {
	w := German
	w.ConnStart = ""
	w.FormatNames = map[string]string{"html": "Webseite (HTML)"}
	got := withEnglish(w)
	if got.ConnStart != English.ConnStart || got.FormatNames["html"] != "Webseite (HTML)" || got.FormatNames["json"] != English.FormatNames["json"] {
		t.Errorf("ConnStart %q, formats %q", got.ConnStart, got.FormatNames)
	}
	if German.ConnStart == "" {
		t.Error("withEnglish changed German itself")
	}
}
