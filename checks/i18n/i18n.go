// Package i18n chooses the language of the texts a person reads: the
// window, the findings, the reports. It knows the languages there are
// words for and turns a locale ("de_AT.UTF-8", "pt-BR", "zh_CN") into one
// of them. Finding IDs, evidence keys and JSON field names stay English
// in every language: they are for machines and support.
package i18n

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	"golang.org/x/text/language"
)

// Languages are the languages with texts, English first. Each one's
// name in itself is its catalogue's language.name.
var Languages = []string{"en", "de", "fr", "es", "pt-BR", "ja", "zh-Hans"}

// matcher matches a tag to one of Languages with CLDR's language data
// (golang.org/x/text/language): "de-CH" and "gsw" to German, "pt-PT" to
// Brazilian Portuguese, "zh-SG" to Simplified Chinese.
var matcher = sync.OnceValue(func() language.Matcher {
	return language.NewMatcher(tagsOf(Languages))
})

func tagsOf(langs []string) []language.Tag {
	tags := make([]language.Tag, len(langs))
	for i, l := range langs {
		tags[i] = language.MustParse(l)
	}
	return tags
}

// Match turns a language tag or a locale ("de_AT.UTF-8") into one of
// Languages: the closest by CLDR's matching, when it is close enough that
// a reader of tag reads it as their own ("de-CH" is "de", "pt" and
// "pt-PT" are "pt-BR", the only Portuguese there is; "zh", "zh-CN",
// "zh-SG" and "zh-Hans-CN" are "zh-Hans"). ok is false when there is no
// such language, or tag is empty; Traditional Chinese (zh-TW, zh-HK,
// zh-Hant) is no match, since Simplified Chinese would be the wrong
// script.
func Match(tag string) (lang string, ok bool) {
	tag, _, _ = strings.Cut(tag, ".") // de_DE.UTF-8
	tag, _, _ = strings.Cut(tag, "@") // ca_ES@valencia
	tag = strings.ReplaceAll(strings.TrimSpace(tag), "_", "-")
	if tag == "" || tag == "C" || tag == "POSIX" {
		return "", false
	}
	// One of Languages itself, as presets and --lang name them: the
	// matcher would answer it alone (TestMatchExact), and building the
	// matcher is most of what `wsdoctor version` would spend here.
	for _, l := range Languages {
		if strings.EqualFold(tag, l) {
			return l, true
		}
	}
	t, err := language.Parse(tag)
	var unknown interface{ Subtag() string }
	if err != nil && !errors.As(err, &unknown) {
		return "", false // not a tag at all; one with an unknown part is still read
	}
	_, i, conf := matcher().Match(t)
	if conf < language.High {
		return "", false
	}
	// CLDR also offers English to readers of a few languages it has no
	// close match for (Klingon): a preset in those has no texts here.
	if base, _ := t.Base(); Languages[i] == "en" && base.String() != "en" {
		return "", false
	}
	return Languages[i], true
}

// Check says whether tag names a language there are texts for, with the
// list when not: for a preset's language and the --lang flag.
func Check(tag string) error {
	if _, ok := Match(tag); !ok {
		return fmt.Errorf("there are no texts in %q; languages: %s", tag, strings.Join(Languages, ", "))
	}
	return nil
}

// Choose is the language to use: the first of choices that matches one of
// Languages (the --lang flag, then the preset's language, then the
// system's), else English.
func Choose(choices ...string) string {
	for _, c := range choices {
		if l, ok := Match(c); ok {
			return l
		}
	}
	return "en"
}

// FromEnv is the language the environment asks for, the POSIX way:
// LANGUAGE's first entry, then LC_ALL, LC_MESSAGES, LANG. It is the
// system language for the command line, which has no desktop to ask.
func FromEnv() string {
	for _, k := range []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"} {
		v, _, _ := strings.Cut(os.Getenv(k), ":")
		if l, ok := Match(v); ok {
			return l
		}
	}
	return ""
}
