package report

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
)

var reportVerbRE = regexp.MustCompile(`%[-+# 0]*[0-9.]*[a-zA-Z%]`)

// reportSame are the report's texts that are the same in English and the
// other languages: names and abbreviations.
var reportSame = []string{"OK", "Proxy", "VPN", "code", "Options", "Service", "error", "Internet", "Status", "Code", "Options", "Details", "Service", "Problem", "Info"}

func eachWord(w wordsTable, f func(where, s string)) {
	v := reflect.ValueOf(w)
	for i := 0; i < v.NumField(); i++ {
		name, fv := v.Type().Field(i).Name, v.Field(i)
		switch fv.Kind() {
		case reflect.String:
			f(name, fv.String())
		case reflect.Array, reflect.Slice:
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

// TestReportTranslations: every language has every text of the report,
// with English's placeholders, and none left in English but names.
func TestReportTranslations(t *testing.T) {
	en := map[string]string{}
	eachWord(englishWords, func(where, s string) { en[where] = s })
	for _, lang := range i18n.Languages[1:] {
		t.Run(lang, func(t *testing.T) {
			w, ok := translatedWords[lang]
			if !ok {
				t.Fatalf("no report words in %s", lang)
			}
			got := map[string]string{}
			eachWord(*w, func(where, s string) { got[where] = s })
			for where, e := range en {
				s := got[where]
				ve, vs := reportVerbRE.FindAllString(e, -1), reportVerbRE.FindAllString(s, -1)
				switch {
				case s == "":
					t.Errorf("%s: missing", where)
				case !slices.Equal(ve, vs):
					t.Errorf("%s: placeholders %q, English has %q", where, vs, ve)
				case s == e && !slices.Contains(reportSame, s):
					t.Errorf("%s: left in English: %q", where, s)
				}
			}
		})
	}
}

// TestReportLanguage: a report written after SetLanguage says so in its
// HTML lang and uses that language's words; English comes back after.
func TestReportLanguage(t *testing.T) {
	defer SetLanguage("en")
	for lang := range translatedWords {
		SetLanguage(lang)
		page := string(render(t, Build(failingInput()), FormatHTML))
		if !strings.Contains(page, `<html lang="`+lang+`">`) || !strings.Contains(page, words.WhatToDo) {
			t.Errorf("%s: the page is not in %s", lang, lang)
		}
	}
	SetLanguage("xx")
	if Language() != "en" {
		t.Errorf("an unknown language gives %q", Language())
	}
}
