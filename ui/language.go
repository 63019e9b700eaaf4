package ui

import (
	"fyne.io/fyne/v2/lang"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
)

// translations are the window's words in each language it speaks, by
// i18n language code.
var translations = map[string]*Words{
	"en":      &English,
	"de":      &German,
	"ja":      &Japanese,
	"fr":      &French,
	"es":      &Spanish,
	"pt-BR":   &BrazilianPortuguese,
	"zh-Hans": &SimplifiedChinese,
}

// cat is the diagnosis catalogue of the window's language: the glossary
// on the finding cards and the sentences for probe codes.
var cat = diagnose.Default()

// SetLanguage switches the window's words and the diagnosis words it
// shows to lang (one of i18n.Languages); English when the window has no
// words in lang. Call it before NewWizard.
func SetLanguage(lang string) {
	w, ok := translations[lang]
	if !ok {
		w, lang = &English, "en"
	}
	T = withEnglish(*w)
	cat = diagnose.MustCatalogue(lang)
}

// withEnglish is w with English's words wherever w has none (see
// i18n.WithFallback).
func withEnglish(w Words) Words { return i18n.WithFallback(w, English) }

// Language is the language the window speaks.
func Language() string { return cat.Lang }

// SystemLanguage is the language of the desktop, as Fyne reads it
// (LANG and LC_* on Linux, the user's language on Windows and macOS), as
// one of i18n.Languages; "" when the window does not speak it.
func SystemLanguage() string {
	l, _ := i18n.Match(string(lang.SystemLocale()))
	return l
}
