package report

import (
	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"

	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
)

// translatedWords are the report's fixed texts in each language, by
// i18n language code.
var translatedWords = map[string]*wordsTable{
	"en":      &englishWords,
	"de":      &germanWords,
	"ja":      &japaneseWords,
	"fr":      &frenchWords,
	"es":      &spanishWords,
	"pt-BR":   &brazilianWords,
	"zh-Hans": &chineseWords,
}

var (
	// words is the table in use.
	words = englishWords
	// lang is the language of words, for the HTML page's lang.
	lang = "en"
	// labels is the diagnosis catalogue of lang, for the labels the
	// report shares with the diagnosis (who can fix it, words used).
	labels = diagnose.Default()
)

// SetLanguage makes the reports written from now on use lang's words
// (one of i18n.Languages), English when there are none. What a finding
// says comes from the diagnosis, made with its own catalogue. Call it
// before writing reports, not while one is written.
func SetLanguage(l string) {
	w, ok := translatedWords[l]
	if !ok {
		w, l = &englishWords, "en"
	}
	words, lang, labels = withEnglish(*w), l, diagnose.MustCatalogue(l)
}

// withEnglish is w with English's words wherever w has none (see
// i18n.WithFallback).
func withEnglish(w wordsTable) wordsTable { return i18n.WithFallback(w, englishWords) }

// Language is the language reports are written in.
func Language() string { return lang }
