// Package i18n chooses the language of the texts a person reads: the
// window, the findings, the reports. It knows the languages there are
// words for and turns a locale ("de_AT.UTF-8", "pt-BR", "zh_CN") into one
// of them. Finding IDs, evidence keys and JSON field names stay English
// in every language: they are for machines and support.
package i18n

import (
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
)

// Languages are the languages with texts, English first.
var Languages = []string{"en", "de", "fr", "es", "pt-BR", "ja", "zh-Hans"}

// Names are each language's name in itself, for help texts.
var Names = map[string]string{
	"en": "English", "de": "Deutsch", "fr": "Français", "es": "Español",
	"pt-BR": "Português (Brasil)", "ja": "日本語", "zh-Hans": "简体中文",
}

// Match turns a language tag or a locale into one of Languages: an exact
// match, else by the language alone ("de-CH" is "de", "pt" and "pt-PT"
// are "pt-BR", the only Portuguese there is; "zh", "zh-CN", "zh-SG" and
// "zh-Hans-CN" are "zh-Hans"). ok is false when there is no such
// language, or tag is empty; Traditional Chinese (zh-TW, zh-HK, zh-Hant)
// is no match, since Simplified Chinese would be the wrong script.
func Match(tag string) (lang string, ok bool) {
	tag, _, _ = strings.Cut(tag, ".") // de_DE.UTF-8
	tag, _, _ = strings.Cut(tag, "@") // ca_ES@valencia
	tag = strings.ReplaceAll(strings.TrimSpace(tag), "_", "-")
	if tag == "" || tag == "C" || tag == "POSIX" {
		return "", false
	}
	for _, l := range Languages {
		if strings.EqualFold(l, tag) {
			return l, true
		}
	}
	parts := strings.Split(strings.ToLower(tag), "-")
	switch parts[0] {
	case "zh":
		for _, p := range parts[1:] {
			if p == "hant" || p == "tw" || p == "hk" || p == "mo" {
				return "", false
			}
		}
		return "zh-Hans", true
	case "pt":
		return "pt-BR", true
	}
	for _, l := range Languages {
		if l == parts[0] {
			return l, true
		}
	}
	return "", false
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

// Known reports whether lang is exactly one of Languages.
func Known(lang string) bool { return slices.Contains(Languages, lang) }

// WithFallback is tr with fallback's texts wherever tr has none: every
// empty string field, empty array element, or map key tr lacks or leaves
// empty is taken from fallback, and a slice of another length is replaced
// by fallback's. Both must be the same struct type, whose fields are
// strings, string arrays, string slices and maps of strings. A text added
// in English but not yet translated is then shown in English, never as an
// empty label.
func WithFallback[T any](tr, fallback T) T {
	v, en := reflect.ValueOf(&tr).Elem(), reflect.ValueOf(fallback)
	for i := 0; i < v.NumField(); i++ {
		f, e := v.Field(i), en.Field(i)
		switch f.Kind() {
		case reflect.String:
			if f.String() == "" {
				f.Set(e)
			}
		case reflect.Slice:
			if f.Len() != e.Len() {
				f.Set(e)
			}
		case reflect.Array:
			for j := 0; j < f.Len(); j++ {
				if f.Index(j).String() == "" {
					f.Index(j).Set(e.Index(j))
				}
			}
		case reflect.Map:
			m := reflect.MakeMap(f.Type())
			for _, k := range e.MapKeys() {
				m.SetMapIndex(k, e.MapIndex(k))
			}
			for _, k := range f.MapKeys() {
				if s := f.MapIndex(k); s.String() != "" {
					m.SetMapIndex(k, s)
				}
			}
			f.Set(m)
		}
	}
	return tr
}
